/**
 * A request's XML, read once for the pipeline (ARCHITECTURE.md §2 "parse" and "validate"): the plain tree the
 * envelope, dispatch and operations read, and the schema check of the same bytes by libxml2.
 *
 * The usual request (UTF-8, well-formed) builds no libxml2 document at all: the text the prescan already decoded is
 * read into the tree by src/xml/tree-reader.ts (or, when that reader is not certain, by libxml2's SAX parser), and
 * the schema is checked by libxml2's streaming validation of the bytes, which also refuses what is not well-formed.
 * A refused request's errors are named from the same tree and text (tree-locator.ts), still with no document.
 * No document means no native memory waiting for the garbage collector, which is what held most of the gateway's
 * memory under load, and what made a flood of large invalid requests stall the other operators (issue 14).
 * Anything else (another encoding, or bytes that are not well-formed, reported with their line and column) takes
 * the document path: parse, copy the tree out, validate the document.
 */
import { EsavError, type FieldError } from '../errors/esav-error.js';
import { elementTree, treeFromText, type XmlTreeElement } from './element-tree.js';
import { parseScanned, scanXml } from './hardened-parser.js';
import { locateFindings } from './field-paths.js';
import { treeLocator } from './tree-locator.js';
import { readSpannedTree, readTree } from './tree-reader.js';
import type { XmlLimits } from './prescan.js';
import type { CompiledSchema } from './xsd-validator.js';

export interface ParsedRequest {
  readonly tree: XmlTreeElement;
  /** Every error of the request against the schema (empty when valid); a fault if the bytes are not XML. */
  validate(schema: CompiledSchema): FieldError[];
}

export function readRequest(body: Buffer, limits: XmlLimits): ParsedRequest {
  const { text, utf8 } = scanXml(body, limits);
  // The reader of the request path first; what it does not read with certainty, libxml2's SAX parser.
  const tree = utf8 ? readTree(text) ?? treeFromText(text) : null;
  if (tree !== null) {
    return {
      tree,
      validate(schema) {
        const { findings, malformed } = schema.checkBytes(body);
        if (malformed) throw new EsavError('ESAV_XML_MALFORMED', { params: { line: malformed.line, column: malformed.column, reason: malformed.reason } });
        if (findings.length === 0) return [];
        // Refused: every error named by its path from the operation's element, in the plain tree read again with
        // each element's place, still with no libxml2 document (tree-locator.ts); the document when the reader left
        // this text to libxml2's SAX parser.
        const spanned = readSpannedTree(text);
        if (spanned === null) return schema.validate(parseScanned(body));
        return locateFindings(treeLocator(spanned, (t) => schema.checkBytes(Buffer.from(t, 'utf8')).findings), findings);
      }
    };
  }
  const doc = parseScanned(body);
  return { tree: elementTree(doc), validate: (schema) => schema.validate(doc) };
}
