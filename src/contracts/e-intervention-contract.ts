/**
 * The Interop'Fibre E-Intervention API v2.5 (issue 18), loaded at boot from the two OpenAPI 3 files the industry
 * published (openapi/e-intervention/v2/, unchanged copies of ../shared/interop/e-intervention/): contract first, as
 * for the WSDLs. Every operation of both files becomes a descriptor — method, path, which party serves it, its
 * request, answer and error schemas compiled once with ajv, and the error codes its 400 answer may carry. Nothing
 * here re-declares a field: the files are read, never restated.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { CodedError } from '../errors/coded-error.js';

export const E_INTERVENTION_FILES = { DO: 'E-Intervention-DO-v2.5.0.OAS3.yaml', OI: 'E-Intervention-OI-v2.5.0.OAS3.yaml' } as const;
export type EInterventionFile = keyof typeof E_INTERVENTION_FILES;
/** The party that serves an operation: the gateway (as the OI), the order giver (DO) or another operator (OC). */
export type ServingParty = 'OI' | 'DO' | 'OC';

/**
 * Who serves each operation, read from the flows' own summaries (M1, M3, M3TX and the DO's report are the DO's
 * messages to the OI; M2, M4, M4TX and the OI's report go from the OI to the other operators; M5TX from an operator
 * to the OI; M6TX from the OI to the DO). Boot fails if a file names an operation missing here or the reverse.
 */
export const SERVED_BY: Readonly<Record<string, ServingParty>> = Object.freeze({
  creerInterventionDO: 'OI', modifierInterventionDO: 'OI', compteRenduInterventionDO: 'OI', demanderTestIntermediaireInterventionDO: 'OI',
  notifierImpacteClientsOC: 'OI',
  creerInterventionOI: 'OC', modifierInterventionOI: 'OC', compteRenduInterventionOI: 'OC', demanderTestIntermediaireInterventionOI: 'OC',
  notifierImpacteClientsOIDO: 'DO'
});

/** One problem of a body against its schema: a missing field (CHAMPS_NON_RENSEIGNE) or a bad one (MAUVAIS_FORMAT). */
export interface SchemaProblem {
  readonly kind: 'missing' | 'format';
  /** JSON pointer-like path of the field, e.g. "clientHSOC/0/refPTO". */
  readonly field: string;
  readonly message: string;
}

export interface EInterventionOperation {
  readonly id: string;
  readonly file: EInterventionFile;
  readonly method: 'POST' | 'PUT';
  /** The path under the file's server root (/v2), e.g. "/interventions-do/compte-rendu". */
  readonly path: string;
  readonly summary: string;
  readonly servedBy: ServingParty;
  /** The codes of the operation's 400 answer (its `error` enum). */
  readonly errorCodes: readonly string[];
  requestProblems(body: unknown): SchemaProblem[];
  answerProblems(body: unknown): SchemaProblem[];
  errorProblems(body: unknown): SchemaProblem[];
}

export interface EInterventionContract {
  readonly version: string;
  readonly operations: ReadonlyMap<string, EInterventionOperation>;
  /** The raw documents, for a second validator or a client generator. */
  readonly documents: Readonly<Record<EInterventionFile, unknown>>;
  operation(id: string): EInterventionOperation;
}

type Json = Record<string, unknown>;

function problemsOf(errors: readonly ErrorObject[] | null | undefined): SchemaProblem[] {
  return (errors ?? []).map((e) => {
    const at = e.instancePath.replace(/^\//, '');
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { kind: 'missing' as const, field: at ? `${at}/${missing}` : missing, message: 'obligatoire' };
    }
    return { kind: 'format' as const, field: at || '(corps)', message: frenchMessage(e) };
  });
}

/** What operators read (in French): the rule the value broke, with its bound. */
function frenchMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'maxLength': return `${String(p.limit)} caractères au plus`;
    case 'minLength': return `${String(p.limit)} caractère(s) au moins`;
    case 'format': return `format ${String(p.format)} attendu`;
    case 'enum': return `valeur parmi ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'type': return `type ${String(p.type)} attendu`;
    default: return e.message ?? e.keyword;
  }
}

function checker(validate: ValidateFunction): (body: unknown) => SchemaProblem[] {
  return (body) => (validate(body) ? [] : problemsOf(validate.errors));
}

const refOf = (content: unknown): string | null => {
  const schema = ((content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
  return typeof schema?.$ref === 'string' ? schema.$ref : null;
};

export function loadEInterventionContract(rootDir: string): EInterventionContract {
  const problems: string[] = [];
  // strict: false — OpenAPI 3.0 schemas carry keywords JSON Schema does not know on every type (maxLength on an
  // integer, description, x-…); they are ignored as OpenAPI says, never an error.
  const ajv = new Ajv({ strict: false, allErrors: true });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  const documents = {} as Record<EInterventionFile, unknown>;
  const operations = new Map<string, EInterventionOperation>();
  let version = '';
  for (const file of Object.keys(E_INTERVENTION_FILES) as EInterventionFile[]) {
    const doc = parse(readFileSync(path.join(rootDir, 'openapi', 'e-intervention', 'v2', E_INTERVENTION_FILES[file]), 'utf8')) as Json;
    documents[file] = doc;
    version = String((doc.info as Json).version);
    const id = `urn:interop-fibre:e-intervention:${file.toLowerCase()}`;
    ajv.addSchema({ $id: id, components: { schemas: (doc.components as Json).schemas } });
    const compile = (ref: string | null, what: string): ValidateFunction | null => {
      if (ref === null) { problems.push(`${file}: ${what} has no JSON schema`); return null; }
      return ajv.compile({ $ref: `${id}${ref}` });
    };
    for (const [p, item] of Object.entries(doc.paths as Json)) {
      for (const [method, raw] of Object.entries(item as Json)) {
        const op = raw as Json;
        const opId = String(op.operationId);
        const servedBy = SERVED_BY[opId];
        if (!servedBy) { problems.push(`${file}: operation ${opId} (${method.toUpperCase()} ${p}) has no serving party`); continue; }
        const responses = op.responses as Json;
        const req = compile(refOf((op.requestBody as Json | undefined)?.content), `${opId} request`);
        const ok = compile(refOf((responses['200'] as Json | undefined)?.content), `${opId} 200`);
        const errRef = refOf((responses['400'] as Json | undefined)?.content);
        const err = compile(errRef, `${opId} 400`);
        if (!req || !ok || !err || errRef === null) continue;
        const errSchema = ((doc.components as Json).schemas as Json)[errRef.split('/').pop()!] as Json;
        const codes = (((errSchema.properties as Json).error as Json).enum as string[]) ?? [];
        operations.set(opId, Object.freeze({
          id: opId, file, method: method.toUpperCase() as 'POST' | 'PUT', path: p, summary: String(op.summary ?? ''), servedBy,
          errorCodes: Object.freeze([...codes]),
          requestProblems: checker(req), answerProblems: checker(ok), errorProblems: checker(err)
        }));
      }
    }
  }
  for (const id of Object.keys(SERVED_BY)) if (!operations.has(id) && !problems.some((p) => p.includes(id))) problems.push(`no operation ${id} in the files`);
  if (problems.length > 0) throw new CodedError('ESAV_CONTRACT_INVALID', `e-intervention contract:\n  - ${problems.join('\n  - ')}`);
  return Object.freeze({
    version,
    operations,
    documents: Object.freeze(documents),
    operation(opId: string) {
      const op = operations.get(opId);
      if (!op) throw new CodedError('ESAV_CONTRACT_INVALID', `e-intervention: no operation ${opId}`);
      return op;
    }
  });
}
