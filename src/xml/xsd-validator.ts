/**
 * XSD validation on the request path (ARCHITECTURE.md §2 "validate"): a schema is compiled once, at boot, and its
 * validation context reused for every request. Errors are turned into FieldError entries, all of them, not only
 * the first (libxml2 keeps validating after an error).
 */
import { CodedError } from '../errors/coded-error.js';
import type { FieldError } from '../errors/esav-error.js';
import { bindings, libxml, nativeRef, type XmlDocument } from './libxml.js';

export interface CompiledSchema {
  /** Every error of the document, or an empty list when it is valid. */
  validate(doc: XmlDocument): FieldError[];
  /**
   * The same check on the message's bytes, parsed and validated in one pass with no document built (libxml2's
   * streaming validation): every schema error, and the first well-formedness error if the bytes are not XML.
   */
  validateBytes(body: Buffer): { readonly fields: FieldError[]; readonly malformed: Malformed | null };
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

interface StructuredError { message: string; line: number; column?: number; domain?: number; str1?: string | null }

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
  return {
    validate(doc: XmlDocument): FieldError[] {
      return bindings.withStructuredErrors<FieldError[]>((errors: StructuredError[]) => {
        // The return code is not needed: a document is valid exactly when no error was reported.
        bindings.xmlSchemaValidateDoc(validCtxt as never, nativeRef(doc));
        return errors.map(toFieldError);
      });
    },
    validateBytes(body: Buffer) {
      return bindings.withStructuredErrors<{ fields: FieldError[]; malformed: Malformed | null }>((errors: StructuredError[]) => {
        // The input buffer copies the bytes; xmlSchemaValidateStream takes it over and frees it.
        const input = bindings.xmlParserInputBufferCreateMem(body, body.length, DETECT_ENCODING as never);
        bindings.xmlSchemaValidateStream(validCtxt as never, input, DETECT_ENCODING as never, null, null);
        const parser = errors.find((e) => e.domain !== SCHEMA_VALIDITY);
        const malformed = parser ? { line: parser.line, column: parser.column ?? 0, reason: parser.message.trim() } : null;
        return { fields: errors.filter((e) => e.domain === SCHEMA_VALIDITY).map(toFieldError), malformed };
      });
    }
  };
}

const SUBJECT = /^Element '([^']+)'(?:, attribute '([^']+)')?: /;
const FACET = /^\[facet '([^']+)'\] /;
const ATOMIC = /is not a valid value of the (?:atomic|list|union) type '([^']+)'/;
const EXPECTED = /Expected is(?: one of)? \( ([^)]+) \)/;

const LAST_QUOTED = /'([^']*)'\)?\.?\s*$/; // libxml2 ends with 'X'. or, for bounds, ('X').
const SET = /\{([^}]*)\}/;

/** A French message for the XSD facets the contracts use; the constraint is read from libxml2's message. */
function facetMessage(facet: string, text: string): string {
  const limit = LAST_QUOTED.exec(text)?.[1];
  switch (facet) {
    case 'pattern': return `la valeur ne respecte pas le motif « ${limit ?? '?'} »`;
    case 'enumeration': return `la valeur n'est pas dans la liste autorisée : ${(SET.exec(text)?.[1] ?? '').replace(/'/g, '')}`;
    case 'maxLength': return `la valeur dépasse la longueur maximale (${limit ?? '?'} caractère(s))`;
    case 'minLength': return `la valeur est plus courte que la longueur minimale (${limit ?? '?'} caractère(s))`;
    case 'length': return `la valeur doit avoir exactement ${limit ?? '?'} caractères`;
    case 'maxInclusive': return `la valeur dépasse le maximum autorisé (${limit ?? '?'})`;
    case 'minInclusive': return `la valeur est inférieure au minimum autorisé (${limit ?? '?'})`;
    default: return `valeur refusée par la contrainte « ${facet} » : ${text}`;
  }
}

/** Turns one libxml2 schema error into a field error: which field, which rule, which value (French message). */
export function toFieldError(e: StructuredError): FieldError {
  const raw = e.message.trim();
  const subject = SUBJECT.exec(raw);
  const element = subject?.[1] ?? '';
  const field = subject?.[2] ? `${element}/@${subject[2]}` : element;
  const rest = subject ? raw.slice(subject[0].length) : raw;
  const line = e.line > 0 ? e.line : undefined;
  const value = e.str1 ?? undefined;
  const withLine = (f: FieldError): FieldError => (line === undefined ? f : { ...f, line });

  const facet = FACET.exec(rest);
  if (facet) {
    // For length facets libxml2 gives the length, not the value: no value then, the message says the length.
    const withValue = value !== undefined && !/length$/i.test(facet[1]!);
    return withLine({ field, rule: facet[1]!, ...(withValue ? { value } : {}), message: facetMessage(facet[1]!, rest.slice(facet[0].length)) });
  }
  const atomic = ATOMIC.exec(rest);
  if (atomic) {
    return withLine({ field, rule: 'type', ...(value !== undefined ? { value } : {}), message: `valeur invalide pour le type ${atomic[1]}` });
  }
  if (rest.startsWith('Missing child element')) {
    const expected = EXPECTED.exec(rest)?.[1] ?? '';
    // Several candidates ("Expected is one of ( a, b )"): the field is the first, the message names them all.
    const first = expected.split(',')[0]!.trim();
    return withLine({ field: first ? `${element}/${first}` : element, rule: 'obligatoire', message: `élément obligatoire absent dans ${element} : ${expected}` });
  }
  if (rest.startsWith('This element is not expected')) {
    const expected = EXPECTED.exec(rest)?.[1];
    return withLine({ field, rule: 'inattendu', message: expected ? `élément inattendu à cet endroit ; attendu : ${expected}` : 'élément inattendu à cet endroit' });
  }
  if (rest.startsWith('No matching global declaration')) {
    return withLine({ field, rule: 'inattendu', message: "élément inconnu du schéma de ce service" });
  }
  if (rest.includes('attribute') && rest.includes('not allowed')) {
    return withLine({ field, rule: 'inattendu', message: 'attribut non autorisé' });
  }
  return withLine({ field, rule: 'schema', message: rest });
}
