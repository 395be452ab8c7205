/**
 * The request path's own reader of well-formed XML into the plain tree (src/xml/element-tree.ts), for the common
 * shape of a request: ASCII names, the five predefined entities and character references, comments, processing
 * instructions, CDATA, namespaces. It answers null for anything it does not read with certainty (a non-ASCII name,
 * a relative namespace URI, an XML declaration it does not recognise, any error of well-formedness), and the caller
 * then asks libxml2 (treeFromText, then the document path, which reports the error with its line and column).
 *
 * Why: libxml2's SAX parser calls into JavaScript once per start tag, end tag and text node, and each of those calls
 * cost more than the parse itself (measured: 47 µs to read a filing of 1.5 kB, 8.5 µs a state read; this reader
 * takes a sixth of that). libxml2 still reads every byte: the schema check of the same bytes (checkBytes) is
 * libxml2's streaming parser, and refuses what is not well-formed. So this reader only has to be exact on the
 * documents it accepts, and it is held to that by a differential test against libxml2 (test/unit/xml/tree-reader
 * .test.ts): for every document it reads, libxml2 reads the same tree.
 *
 * The prescan ran before (src/xml/prescan.ts): no DOCTYPE (so no entity but the five predefined ones), depth and
 * attributes per element bounded.
 */
import { CodedError } from '../errors/coded-error.js';
import { treeFromText, type XmlTreeAttribute, type XmlTreeBuilding as Building, type XmlTreeElement } from './element-tree.js';
import { escapeAttribute } from './escape.js';
import { decodeReferences } from './xml-text.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** An open element: the end tag must repeat its qualified name; its namespace bindings are in scope until then. */
interface Open {
  readonly element: Building;
  readonly qname: string;
  /** The parent's object when the element declares no namespace. */
  readonly scope: Scope;
}

interface Scope {
  readonly defaultNs: string;
  readonly prefixes: ReadonlyMap<string, string>;
}

const ROOT_SCOPE: Scope = { defaultNs: '', prefixes: new Map([['xml', XML_NS]]) };

/** Not an XML 1.0 Char: C0 controls other than tab, LF and CR, U+FFFE, U+FFFF; then unpaired surrogates. */
const NOT_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const SURROGATE = /[\uD800-\uDFFF]/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * The XML declaration as XML 1.0 §2.8 writes it, version 1.0 only (libxml2 warns on others), encoding UTF-8 in any
 * case (the only one whose text is always the bytes' UTF-8 reading: libxml2 refuses a non-ASCII byte in a document
 * declared US-ASCII).
 */
const XML_DECL = /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.0"|'1\.0')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[Uu][Tt][Ff]-8"|'[Uu][Tt][Ff]-8'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/;
/** A name of ASCII letters, digits, '.', '-', '_' and at most one inner ':' (a QName); other names go to libxml2. */
const QNAME = /[A-Za-z_][A-Za-z0-9._-]*(?::[A-Za-z_][A-Za-z0-9._-]*)?/y;
/** A processing instruction's target (not xml, whatever its case) and the rest up to '?>'. */
const PI_TARGET = /[A-Za-z_][A-Za-z0-9._-]*/y;
/** A namespace name this reader takes as it is: an absolute URI of URI characters (libxml2 warns on others). */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;

/**
 * Below libxml2's own limits without XML_PARSE_HUGE (names of 50,000 characters, text nodes, values, comments and
 * processing instructions of 10,000,000): a longer name, or a longer document, is left to libxml2.
 */
const MAX_NAME = 1000;
const MAX_TEXT = 1_000_000;

/** Thrown inside the reader to give up; never leaves it. */
class NotRead extends CodedError<'ESAV_XML_READER_GAVE_UP'> {}
const NOT_READ = new NotRead('ESAV_XML_READER_GAVE_UP', 'the tree reader leaves this document to libxml2');

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Where an element stands in the text it was read from (line ends normalised to LF): its start tag's '<' and '>',
 * its end tag's '<' (-1 for an empty element) and the offset just after its end.
 */
export interface ElementSpan { readonly start: number; readonly startEnd: number; readonly contentEnd: number; readonly end: number }

/** A tree with where each element stands: for naming a refused request's errors (src/xml/tree-locator.ts). */
export interface SpannedTree {
  readonly tree: XmlTreeElement;
  /** The text the offsets are in: the input with its line ends normalised to LF. */
  readonly text: string;
  readonly spans: ReadonlyMap<XmlTreeElement, ElementSpan>;
}

/** Filled while readSpannedTree reads (the usual reading records nothing). */
let spans: Map<Building, { start: number; startEnd: number; contentEnd: number; end: number }> | null = null;

/** The root element of a well-formed document as plain objects, or null: not read here, ask libxml2. */
export function readTree(input: string): XmlTreeElement | null {
  if (input.length > MAX_TEXT) return null;
  // (Text decoded from valid UTF-8 has no unpaired surrogate: the precise test runs only when there are surrogates.)
  if (NOT_CHAR.test(input) || (SURROGATE.test(input) && UNPAIRED_SURROGATE.test(input))) return null;
  try {
    return read(normalised(input));
  } catch (e) {
    if (e === NOT_READ) return null;
    throw e;
  }
}

/** XML 1.0 §2.11: every CR LF and lone CR is read as LF. */
const normalised = (input: string): string => (input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input);

/** readTree, with each element's span: the same tree, or null when readTree gives up. */
export function readSpannedTree(input: string): SpannedTree | null {
  spans = new Map();
  try {
    const tree = readTree(input);
    return tree === null ? null : { tree, text: normalised(input), spans };
  } finally {
    spans = null;
  }
}

function read(text: string): XmlTreeElement | null {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (text.startsWith('<?xml', i) && isSpace(text.charCodeAt(i + 5))) {
    const m = XML_DECL.exec(text.slice(i, i + 200));
    if (m === null) throw NOT_READ;
    i += m[0].length;
  }
  const stack: Open[] = [];
  let root: Building | null = null;
  let scope = ROOT_SCOPE;

  while (i < n) {
    const lt = text.indexOf('<', i);
    const end = lt === -1 ? n : lt;
    if (end > i) {
      const current = stack[stack.length - 1];
      if (current) {
        const raw = text.slice(i, end);
        if (raw.includes(']]>')) throw NOT_READ;
        current.element.text += decodeReferences(raw, false, NOT_READ);
      } else {
        // Outside the root element only whitespace is allowed.
        for (let k = i; k < end; k++) if (!isSpace(text.charCodeAt(k))) throw NOT_READ;
      }
    }
    if (lt === -1) break;
    const c = text.charCodeAt(lt + 1);
    if (c === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const close = text.indexOf('--', lt + 4);
        if (close === -1 || text.charCodeAt(close + 2) !== 0x3e /* > */) throw NOT_READ;
        i = close + 3;
      } else if (text.startsWith('<![CDATA[', lt)) {
        const current = stack[stack.length - 1];
        const close = text.indexOf(']]>', lt + 9);
        if (!current || close === -1) throw NOT_READ;
        current.element.text += text.slice(lt + 9, close);
        i = close + 3;
      } else {
        throw NOT_READ; // a markup declaration: the prescan refuses them, libxml2 reports it anyway
      }
    } else if (c === 0x3f /* ? */) {
      PI_TARGET.lastIndex = lt + 2;
      const m = PI_TARGET.exec(text);
      if (m === null || m[0].length > MAX_NAME || m[0].toLowerCase() === 'xml') throw NOT_READ;
      const after = PI_TARGET.lastIndex;
      const close = text.indexOf('?>', after);
      if (close === -1 || (close !== after && !isSpace(text.charCodeAt(after)))) throw NOT_READ;
      i = close + 2;
    } else if (c === 0x2f /* / */) {
      const current = stack.pop();
      QNAME.lastIndex = lt + 2;
      const m = QNAME.exec(text);
      if (!current || m === null || m[0] !== current.qname) throw NOT_READ;
      let k = QNAME.lastIndex;
      while (isSpace(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) !== 0x3e) throw NOT_READ;
      i = k + 1;
      const span = spans?.get(current.element);
      if (span) { span.contentEnd = lt; span.end = i; }
      const parent = stack[stack.length - 1];
      if (parent) parent.element.text += current.element.text;
      scope = parent ? parent.scope : ROOT_SCOPE;
    } else {
      if (root !== null && stack.length === 0) throw NOT_READ; // a second root element
      const open = startTag(text, lt, scope);
      const parent = stack[stack.length - 1];
      if (parent) parent.element.children.push(open.element);
      else root = open.element;
      spans?.set(open.element, { start: lt, startEnd: open.next - 1, contentEnd: -1, end: open.next });
      if (!open.empty) {
        stack.push(open);
        scope = open.scope;
      }
      i = open.next;
    }
  }
  if (stack.length > 0 || root === null) throw NOT_READ;
  return root;
}

function startTag(text: string, lt: number, outer: Scope): Open & { empty: boolean; next: number } {
  QNAME.lastIndex = lt + 1;
  const m = QNAME.exec(text);
  if (m === null || m[0].length > MAX_NAME) throw NOT_READ;
  const qname = m[0];
  let k = QNAME.lastIndex;
  const raw: Array<{ qname: string; value: string }> = [];
  let declarations: Map<string, string> | null = null;
  let defaultNs: string | undefined;
  for (;;) {
    const before = k;
    while (isSpace(text.charCodeAt(k))) k++;
    const c = text.charCodeAt(k);
    if (c === 0x3e /* > */ || (c === 0x2f /* / */ && text.charCodeAt(k + 1) === 0x3e)) break;
    if (k === before) throw NOT_READ; // attributes are separated by whitespace
    QNAME.lastIndex = k;
    const a = QNAME.exec(text);
    if (a === null || a[0].length > MAX_NAME) throw NOT_READ;
    k = QNAME.lastIndex;
    while (isSpace(text.charCodeAt(k))) k++;
    if (text.charCodeAt(k) !== 0x3d /* = */) throw NOT_READ;
    k++;
    while (isSpace(text.charCodeAt(k))) k++;
    const quote = text.charCodeAt(k);
    if (quote !== 0x22 && quote !== 0x27) throw NOT_READ;
    const close = text.indexOf(quote === 0x22 ? '"' : "'", k + 1);
    if (close === -1) throw NOT_READ;
    const rawValue = text.slice(k + 1, close);
    if (rawValue.includes('<')) throw NOT_READ;
    const value = decodeReferences(rawValue, true, NOT_READ);
    k = close + 1;
    const name = a[0];
    if (name === 'xmlns') {
      if (defaultNs !== undefined) throw NOT_READ;
      if (value !== '' && !acceptableNamespace(value)) throw NOT_READ;
      defaultNs = value;
    } else if (name.startsWith('xmlns:')) {
      const prefix = name.slice(6);
      if (prefix === 'xml' || prefix === 'xmlns' || !acceptableNamespace(value)) throw NOT_READ;
      declarations ??= new Map();
      if (declarations.has(prefix)) throw NOT_READ;
      declarations.set(prefix, value);
    } else {
      for (const r of raw) if (r.qname === name) throw NOT_READ;
      raw.push({ qname: name, value });
    }
  }
  const empty = text.charCodeAt(k) === 0x2f;
  const next = k + (empty ? 2 : 1);

  let scope = outer;
  if (declarations !== null || defaultNs !== undefined) {
    let prefixes = outer.prefixes;
    if (declarations !== null) {
      const merged = new Map(outer.prefixes);
      for (const [p, uri] of declarations) merged.set(p, uri);
      prefixes = merged;
    }
    scope = { defaultNs: defaultNs ?? outer.defaultNs, prefixes };
  }
  const colon = qname.indexOf(':');
  let namespace: string;
  let local: string;
  if (colon === -1) {
    namespace = scope.defaultNs;
    local = qname;
  } else {
    const uri = scope.prefixes.get(qname.slice(0, colon));
    if (uri === undefined) throw NOT_READ;
    namespace = uri;
    local = qname.slice(colon + 1);
  }
  const attributes: XmlTreeAttribute[] = [];
  for (const r of raw) {
    const ac = r.qname.indexOf(':');
    if (ac === -1) {
      attributes.push({ namespace: '', name: r.qname, value: r.value });
    } else {
      const uri = scope.prefixes.get(r.qname.slice(0, ac));
      if (uri === undefined) throw NOT_READ;
      const name = r.qname.slice(ac + 1);
      // XML Namespaces §6.3: no two attributes with the same expanded name.
      for (const other of attributes) if (other.name === name && other.namespace === uri) throw NOT_READ;
      attributes.push({ namespace: uri, name, value: r.value });
    }
  }
  return { element: { namespace, name: local, attributes, children: [], text: '' }, qname, scope, empty, next };
}

/**
 * Whether a namespace name is one libxml2 takes without complaint: libxml2 checks it with its URI parser and
 * reports the ones it cannot parse as errors. Rather than a second URI grammar, libxml2 is asked once per name
 * (a request uses a handful of them; the answers are kept, up to a bound).
 */
const namespaceVerdicts = new Map<string, boolean>();
const MAX_VERDICTS = 1000;
function acceptableNamespace(uri: string): boolean {
  if (!ABSOLUTE_URI.test(uri) || uri === XML_NS || uri === XMLNS_NS) return false;
  let ok = namespaceVerdicts.get(uri);
  if (ok === undefined) {
    ok = treeFromText(`<a xmlns="${escapeAttribute(uri)}"/>`) !== null;
    if (namespaceVerdicts.size < MAX_VERDICTS) namespaceVerdicts.set(uri, ok);
  }
  return ok;
}
