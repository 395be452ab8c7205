import { errorRegistry, type ErrorCode, type ErrorDefinition } from './registry.js';

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
  readonly params?: Readonly<Record<string, string | number>>;
  readonly fields?: readonly FieldError[];
  readonly retryAfterSeconds?: number;
  readonly liveVersions?: readonly LiveVersionInfo[];
  readonly nextWindow?: Date;
}

function render(template: string, params: Readonly<Record<string, string | number>> | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

/** The one error class of the gateway (ARCHITECTURE.md §4). Never throw plain objects. */
export class EsavError extends Error {
  readonly code: ErrorCode;
  readonly definition: ErrorDefinition;
  readonly detail: ClientDetail;

  /** Why the call was refused, for the log line only (a profile refusal looks like "not found" on the wire). */
  readonly logReason: string | undefined;

  constructor(code: ErrorCode, detail: ClientDetail = {}, options?: { cause?: unknown; logReason?: string }) {
    const definition = errorRegistry[code];
    super(render(definition.message, detail.params), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EsavError';
    this.code = code;
    this.definition = definition;
    this.detail = detail;
    this.logReason = options?.logReason;
  }

  get role(): ErrorDefinition['role'] {
    return this.definition.role;
  }
}

export function isEsavError(e: unknown): e is EsavError {
  return e instanceof EsavError;
}
