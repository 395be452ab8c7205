import { internalCodes, type LiveInternalCode } from './internal-codes.js';

/**
 * The base of every error that never reaches the wire (boot, background work, administration, invariants): a stable
 * `code` from internal-codes.ts, in the manner of undici's `UND_ERR_…`. The classes stay in their modules, next to the
 * data they carry (a config's problems, PostgreSQL's output), and take their code from here. The fault writer knows
 * only EsavError: a CodedError met by a request is an unknown error there, answered ERREUR_INTERNE and logged.
 */
export class CodedError<C extends LiveInternalCode = LiveInternalCode> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }

  /** The code's one-line description (internal-codes.ts). */
  get description(): string {
    return internalCodes[this.code].description;
  }
}

/** A broken invariant: a defect of ours, never the caller's. `what` says what broke, with the values that show it. */
export function invariantViolated(what: string, options?: { cause?: unknown }): CodedError<'ESAV_INVARIANT'> {
  return new CodedError('ESAV_INVARIANT', what, options);
}

export function isCodedError(e: unknown): e is CodedError {
  return e instanceof CodedError;
}
