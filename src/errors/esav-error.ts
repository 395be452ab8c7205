import { errorRegistry, type ErrorCode, type ErrorDefinition } from './registry.js';
import { renderTemplate, type ParamValues, type TemplateParams } from './template.js';

/** A field in error, reported in DetailErreur/champEnErreur. */
export interface FieldError {
  readonly field: string;
  readonly rule: string;
  readonly value?: string;
  readonly message: string;
  readonly line?: number;
}

export interface LiveVersionInfo {
  readonly version: string;
  readonly url: string;
  readonly production: string;
  readonly sunset?: string;
}

/** What the fault writer may show a client: nothing else from an error ever reaches the wire. */
export interface ClientDetail {
  readonly params?: ParamValues;
  readonly fields?: readonly FieldError[];
  readonly retryAfterSeconds?: number;
  readonly liveVersions?: readonly LiveVersionInfo[];
  readonly nextWindow?: Date;
}

type Registry = typeof errorRegistry;

/** The parameter names of a code, read from its message template: ESAV_XML_MALFORMED → 'line' | 'column' | 'reason'. */
export type ParamName<C extends ErrorCode> = TemplateParams<Registry[C]['message']>;

/** The detail a code takes: `params` with exactly its template's names, or no `params` when it has none. */
export type DetailFor<C extends ErrorCode> = Omit<ClientDetail, 'params'> &
  ([ParamName<C>] extends [never] ? { readonly params?: undefined } : { readonly params: { readonly [K in ParamName<C>]: string | number } });

export interface EsavErrorOptions { readonly cause?: unknown; readonly logReason?: string }

/** A retired code cannot be raised; a code without parameters may omit its detail. */
type DetailArgs<C extends ErrorCode> = Registry[C] extends { readonly retired: object } ? [retired: never]
  : [ParamName<C>] extends [never] ? [detail?: DetailFor<C>, options?: EsavErrorOptions]
  : [detail: DetailFor<C>, options?: EsavErrorOptions];

/** The one error class of the gateway for what reaches the wire (ARCHITECTURE.md §4). Never throw plain objects. */
export class EsavError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly definition: ErrorDefinition;
  readonly detail: ClientDetail;

  /** Why the call was refused, for the log line only (a profile refusal looks like "not found" on the wire). */
  readonly logReason: string | undefined;

  /** Placeholders of the template that had no value (sent as a neutral text, never as `{name}`); logged by the transport. */
  readonly missingParams: readonly string[];

  constructor(code: C, ...[detail, options]: DetailArgs<C>) {
    const definition: ErrorDefinition = errorRegistry[code];
    const given: ClientDetail = detail ?? {};
    const rendered = renderTemplate(definition.message, given.params);
    super(rendered.text, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EsavError';
    this.code = code;
    this.definition = definition;
    this.detail = given;
    this.logReason = options?.logReason;
    this.missingParams = rendered.missing;
  }

  get role(): ErrorDefinition['role'] {
    return this.definition.role;
  }
}

export function isEsavError(e: unknown): e is EsavError {
  return e instanceof EsavError;
}
