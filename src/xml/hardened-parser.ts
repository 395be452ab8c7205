/**
 * Hardened XML parsing of a request (ARCHITECTURE.md §2 "parse"): encoding check, prescan (no DOCTYPE, depth and
 * attribute limits), then libxml2 with network access, DTD loading, entity substitution and XInclude all off.
 */
import { isUtf8 } from 'node:buffer';
import { EsavError } from '../errors/esav-error.js';
import { libxml, type XmlDocument } from './libxml.js';
import { parserReason } from './parser-messages.js';
import { prescanXml, type XmlLimits } from './prescan.js';

/**
 * libxml2 options as explicit flags. libxmljs 1.0.11 ignores its `nonet` option and maps some of its boolean
 * options to the wrong flags, so only `flags` is given: NONET (never open a connection: XXE, SSRF, schemaLocation
 * hints). Absent on purpose: NOENT (entity substitution), DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE; and NOBLANKS:
 * whitespace between elements is kept, as libxml2's SAX parser and streaming validation keep it, so that a request
 * reads the same whichever path src/xml/request-reader.ts takes.
 */
const SAFE_OPTIONS = Object.freeze({
  flags: [libxml.XMLParseFlags.XML_PARSE_NONET]
});

const DECLARED_ENCODING = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;
const ACCEPTED_ENCODINGS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii', 'iso-8859-1', 'latin1', 'iso-8859-15', 'utf-16']);

const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

/**
 * Decodes the bytes for the prescan; UTF-16 is recognised by its byte order mark (XML 1.0 §4.3.3). `utf8` says that
 * the text is exactly what libxml2 will read from the bytes (UTF-8 or ASCII, declared or not, and valid).
 */
function decodeForScan(body: Buffer): { text: string; utf8: boolean } {
  if (body.length >= 2) {
    if (body[0] === 0xff && body[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(body), utf8: false };
    if (body[0] === 0xfe && body[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(body), utf8: false };
    if (body[0] === 0x00 || body[1] === 0x00) {
      throw new EsavError('ESAV_XML_MALFORMED', {
        params: { line: 1, column: 1, reason: 'encodage non supporté (UTF-16 sans marque d’ordre, UTF-32 ou EBCDIC) : utilisez UTF-8' }
      });
    }
  }
  const text = body.toString('utf8');
  const named = DECLARED_ENCODING.exec(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)?.[1];
  const declared = named?.toLowerCase();
  if (declared !== undefined && !ACCEPTED_ENCODINGS.has(declared)) {
    throw new EsavError('ESAV_XML_MALFORMED', {
      params: { line: 1, column: 1, reason: `encodage « ${named} » non supporté : utilisez UTF-8` }
    });
  }
  return { text, utf8: (declared === undefined || UTF8_NAMES.has(declared)) && isUtf8(body) };
}

/**
 * The checks before any parser (encoding, prescan), and the text the prescan read; `utf8` says that this text is
 * exactly what libxml2 will read from the bytes, so that it can be given to libxml2 as text.
 */
export function scanXml(body: Buffer, limits: XmlLimits): { readonly text: string; readonly utf8: boolean } {
  const scanned = decodeForScan(body);
  // XML 1.0 §2.2: U+0000 is not a character of any XML document (libxml2 would stop reading at it and accept the rest
  // unread), whatever the encoding, so it is refused here, with where it is.
  const nul = scanned.text.indexOf('\u0000');
  if (nul !== -1) {
    const before = scanned.text.slice(0, nul);
    const line = before.split('\n').length;
    throw new EsavError('ESAV_XML_MALFORMED', {
      params: { line, column: nul - before.lastIndexOf('\n'), reason: 'le caractère NUL (U+0000) est interdit en XML' }
    });
  }
  prescanXml(scanned.text, limits);
  return scanned;
}

export function parseXmlHardened(body: Buffer, limits: XmlLimits): XmlDocument {
  scanXml(body, limits);
  return parseScanned(body);
}

/** libxml2's parse of bytes the prescan accepted. */
export function parseScanned(body: Buffer): XmlDocument {
  let doc: XmlDocument;
  try {
    doc = libxml.parseXml(body, SAFE_OPTIONS);
  } catch (e) {
    const err = e as { line?: number; column?: number; message?: string; code?: number };
    const reason = parserReason(err.message, err.code);
    throw new EsavError('ESAV_XML_MALFORMED', {
      params: { line: err.line ?? 0, column: err.column ?? 0, reason }
    }, { cause: e });
  }
  // Defence in depth: the prescan already refused any DOCTYPE.
  if (doc.getDtd() !== null) throw new EsavError('ESAV_XML_DOCTYPE');
  return doc;
}
