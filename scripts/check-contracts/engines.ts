/**
 * The two validators of check-contracts: libxml2 (the gateway's, through src/xml/xsd-validator.ts) and Java Xerces
 * (through xsd-schema-validator, one JVM per call: that package validates one document per run). A document or a
 * schema is always put to both, and a different answer is reported as such.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateXML } from 'xsd-schema-validator';
import { findRootDir } from '../../src/config/config.js';
import type { FieldError } from '../../src/errors/esav-error.js';
import { libxml, type XmlDocument } from '../../src/xml/libxml.js';
import { compileSchema, SchemaCompileError, type CompiledSchema } from '../../src/xml/xsd-validator.js';
import type { Outcome, Task } from './report.js';

export const root = findRootDir();
export const rel = (file: string): string => path.relative(root, file);
export const parse = (source: string | Buffer): XmlDocument => libxml.parseXml(source, { flags: [libxml.XMLParseFlags.XML_PARSE_NONET] });

/** A well-formed document no schema declares: Xerces reports it invalid once the schema compiled, fatal otherwise. */
const PROBE = '<probe xmlns="urn:esav:check-contracts:probe"/>';

/** Counters for the summary. */
export const stats = { jvmRuns: 0, documents: 0, schemas: 0 };

export function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext)).map((e) => path.join(e.parentPath, e.name)).sort();
}

/** An XSD file compiled by libxml2 from its own path, so relative imports resolve as they are. */
export interface Schema { readonly file: string; readonly namespace: string; readonly libxml: CompiledSchema | null; readonly compileErrors: readonly string[] }

export function compileFile(file: string): Schema {
  const source = readFileSync(file, 'utf8');
  let namespace = '';
  try {
    namespace = parse(source).root()!.getAttribute('targetNamespace')?.value() ?? '';
    return { file, namespace, libxml: compileSchema(source, file), compileErrors: [] };
  } catch (e) { // not well-formed, or not a schema libxml2 accepts: reported by the "compiles" line
    return { file, namespace, libxml: null, compileErrors: e instanceof SchemaCompileError ? e.reasons : [(e as Error).message] };
  }
}

type Verdict = 'valid' | 'invalid' | 'could not validate';
interface EngineResult { readonly verdict: Verdict; readonly reasons: readonly string[] }

/** Xerces through xsd-schema-validator, which rejects on an invalid document: both outcomes become a result. */
async function xerces(xml: string | { file: string }, xsdFile: string): Promise<EngineResult & { fatal: boolean }> {
  stats.jvmRuns++;
  try {
    const r = await validateXML(xml, xsdFile);
    return { verdict: r.valid ? 'valid' : 'invalid', fatal: false, reasons: r.messages };
  } catch (e) {
    if (!(e instanceof Error && 'result' in e && 'messages' in e && Array.isArray(e.messages))) throw e; // no java
    // The package joins the lines of one stderr chunk: split them again, one reason per line.
    const reasons = (e.messages as string[]).flatMap((m) => m.split(/(?=\[(?:warning|error|fatal)\] )/));
    const fatal = e.result === 'FATAL_ERROR';
    return { verdict: fatal ? 'could not validate' : 'invalid', fatal, reasons };
  }
}

const fieldErrorLine = (e: FieldError): string => `${e.message} (${e.field}, ${e.rule}${e.line ? `, ligne ${e.line}` : ''})`;

/** The disagreement line, when both engines gave an answer and not the same one. */
function disagreement(subject: string, lib: string, xer: string): Outcome[] {
  return lib === xer ? [] : [{ ok: false, label: `libxml2 ≠ Xerces  ${subject}: libxml2 ${lib}, Xerces ${xer}`, reasons: [], disagreement: subject }];
}

/** Both engines compile the schema (Xerces: validating a probe document does not end in a fatal error). */
export function schemaTask(s: Schema): Task {
  const label = rel(s.file);
  return {
    label,
    async run() {
      stats.schemas++;
      const r = await xerces(PROBE, s.file);
      const compiles = (ok: boolean): string => (ok ? 'compiles' : 'does not compile');
      return [
        { ok: s.libxml !== null, label: `libxml2  ${label} ${compiles(s.libxml !== null)}`, reasons: s.compileErrors },
        { ok: !r.fatal, label: `Xerces   ${label} ${compiles(!r.fatal)}`, reasons: r.fatal ? r.reasons : [] },
        ...disagreement(label, compiles(s.libxml !== null), compiles(!r.fatal))
      ];
    }
  };
}

/** One document for both engines, against the same XSD file. */
export interface DocumentCheck {
  readonly label: string;
  readonly expectValid: boolean;
  /** Appended to the verdict; by default "(invalid expected)" for a document expected invalid. */
  readonly expectation?: string;
  readonly xsdFile: string;
  /** The document for Xerces: its text, or its file (line numbers then match the file's). */
  readonly xml: string | { file: string };
  /** libxml2's errors for the document, or null when its schema does not compile. */
  libxml(): readonly FieldError[] | null;
}

export function documentTask(d: DocumentCheck): Task {
  return {
    label: d.label,
    async run() {
      stats.documents++;
      let lib: EngineResult;
      try {
        const errors = d.libxml();
        lib = errors === null ? { verdict: 'could not validate', reasons: [`${rel(d.xsdFile)} does not compile`] }
          : { verdict: errors.length === 0 ? 'valid' : 'invalid', reasons: errors.map(fieldErrorLine) };
      } catch (e) { // not well-formed
        lib = { verdict: 'could not validate', reasons: [(e as Error).message] };
      }
      const xer = await xerces(d.xml, d.xsdFile);
      const expected: Verdict = d.expectValid ? 'valid' : 'invalid';
      const expectation = d.expectation ?? (d.expectValid ? '' : ' (invalid expected)');
      const line = (engine: string, r: EngineResult): Outcome =>
        ({ ok: r.verdict === expected, label: `${engine} ${d.label}: ${r.verdict}${expectation}`, reasons: r.reasons });
      const answered = lib.verdict !== 'could not validate' && xer.verdict !== 'could not validate';
      return [line('libxml2 ', lib), line('Xerces  ', xer), ...(answered ? disagreement(d.label, lib.verdict, xer.verdict) : [])];
    }
  };
}
