/**
 * XSD validation on the request path (ARCHITECTURE.md §2 "validate"): a schema is compiled once, at boot, and its
 * validation context reused for every request. Errors are turned into FieldError entries, all of them, not only
 * the first (libxml2 keeps validating after an error).
 */
import { CodedError } from '../errors/coded-error.js';
import type { FieldError } from '../errors/esav-error.js';
import { documentLocator } from './document-locator.js';
import { locateFindings, type LocatedFinding } from './field-paths.js';
import { bindings, libxml, nativeRef, type XmlDocument } from './libxml.js';
import { parserReason } from './parser-messages.js';
import { readSchemaError, type StructuredError } from './schema-messages.js';

export interface CompiledSchema {
  /** Every error of the document, or an empty list when it is valid. */
  validate(doc: XmlDocument): FieldError[];
  /**
   * The same check on the message's bytes, parsed and validated in one pass with no document built (libxml2's
   * streaming validation): every schema error with the line libxml2 read it on (a start tag's or an end tag's), and
   * the first well-formedness error if the bytes are not XML. Named by their paths by src/xml/tree-locator.ts.
   */
  checkBytes(body: Buffer): { readonly findings: LocatedFinding[]; readonly malformed: Malformed | null };
  /** What it was compiled from, so that the off-loop worker process can compile the same schema (off-loop-reader.ts). */
  readonly source: { readonly text: string; readonly baseUrl: string };
}

/** Where and why libxml2 found the bytes not to be well-formed XML. */
export interface Malformed { readonly line: number; readonly column: number; readonly reason: string }

/** libxml2's error domain of schema validity errors (XML_FROM_SCHEMASV); the others are the parser's. */
const SCHEMA_VALIDITY = 17;
/** XML_CHAR_ENCODING_NONE: libxml2 finds the encoding itself (byte order mark, XML declaration), as when parsing. */
const DETECT_ENCODING = 0;

export class SchemaCompileError extends CodedError<'ESAV_SCHEMA_COMPILE_FAILED'> {
  constructor(readonly schema: string, readonly reasons: readonly string[]) {
    super('ESAV_SCHEMA_COMPILE_FAILED', `schema ${schema} does not compile: ${reasons.join('; ')}`);
  }
}


/**
 * @param source the schema text
 * @param baseUrl the path the schema's relative schemaLocation imports are resolved against
 */
export function compileSchema(source: string, baseUrl: string): CompiledSchema {
  const schemaDoc = libxml.parseXml(source, { baseUrl, flags: [libxml.XMLParseFlags.XML_PARSE_NONET] });
  const compiled = bindings.withStructuredErrors<{ valid: unknown; errors: string[] }>((errors: StructuredError[]) => {
    const parserCtxt = bindings.xmlSchemaNewDocParserCtxt(nativeRef(schemaDoc));
    const schema = parserCtxt === null ? null : bindings.xmlSchemaParse(parserCtxt);
    const valid = schema === null ? null : bindings.xmlSchemaNewValidCtxt(schema);
    return { valid, errors: errors.map((e) => e.message.trim()) };
  });
  if (!compiled.valid) throw new SchemaCompileError(baseUrl, compiled.errors);
  const validCtxt = compiled.valid;
  const findingsOf = (doc: XmlDocument): LocatedFinding[] => bindings.withStructuredErrors<LocatedFinding[]>((errors: StructuredError[]) => {
    // The return code is not needed: a document is valid exactly when no error was reported.
    bindings.xmlSchemaValidateDoc(validCtxt as never, nativeRef(doc));
    return errors.map((e) => ({ finding: readSchemaError(e), line: e.line }));
  });
  return {
    source: { text: source, baseUrl },
    validate(doc: XmlDocument): FieldError[] {
      const findings = findingsOf(doc);
      return findings.length === 0 ? [] : locateFindings(documentLocator(doc, findingsOf), findings);
    },
    checkBytes(body: Buffer) {
      return bindings.withStructuredErrors<{ findings: LocatedFinding[]; malformed: Malformed | null }>((errors: StructuredError[]) => {
        // The input buffer copies the bytes; xmlSchemaValidateStream takes it over and frees it.
        const input = bindings.xmlParserInputBufferCreateMem(body, body.length, DETECT_ENCODING as never);
        bindings.xmlSchemaValidateStream(validCtxt as never, input, DETECT_ENCODING as never, null, null);
        // libxml2 leaves the stream's position function on the shared context, pointing at the parser it freed: the
        // next document validated would read the lines of its errors from that freed memory (a crash, seen).
        bindings.xmlSchemaValidateSetLocator(validCtxt as never, null as never, null as never);
        const parser = errors.find((e) => e.domain !== SCHEMA_VALIDITY);
        const malformed = parser ? { line: parser.line, column: parser.column ?? 0, reason: parserReason(parser.message, parser.code) } : null;
        return { findings: errors.filter((e) => e.domain === SCHEMA_VALIDITY).map((e) => ({ finding: readSchemaError(e), line: e.line })), malformed };
      });
    }
  };
}

/**
 * One libxml2 schema error as a field error without its document: elements named by their local name (the
 * translation alone; validate() and the request path name them by their path: field-paths.ts).
 */
export function toFieldError(e: StructuredError): FieldError {
  const f = readSchemaError(e);
  const element = f.element?.local ?? '';
  const field = f.attribute ? `${element}/@${f.attribute.local}`
    : f.kind === 'missing-element' && f.expected && f.expected.length > 0 ? `${element}/${f.expected[f.expected.length - 1]}` : element;
  return { field, rule: f.rule, ...(f.value !== undefined ? { value: f.value } : {}), message: f.message, ...(e.line > 0 ? { line: e.line } : {}) };
}
