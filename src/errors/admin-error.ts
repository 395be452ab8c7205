/**
 * Errors of the administration commands (src/admin, src/cli). They are for the people who run the gateway, never
 * sent on the wire: the SOAP faults are in registry.ts. Stable codes so that scripts can test them; the codes and
 * their descriptions are in internal-codes.ts with every other internal code.
 */
import { CodedError } from './coded-error.js';
import { internalCodes, type LiveInternalCode } from './internal-codes.js';

export type AdminErrorCode = Extract<LiveInternalCode, `ADMIN_${string}`>;

const ADMIN_CODES = Object.keys(internalCodes).filter((c): c is AdminErrorCode => c.startsWith('ADMIN_'));

/** code → description, as before the codes joined internal-codes.ts. */
export const adminErrorCodes: Readonly<Record<AdminErrorCode, string>> = Object.freeze(
  Object.fromEntries(ADMIN_CODES.map((c) => [c, internalCodes[c].description])) as Record<AdminErrorCode, string>
);

export class AdminError extends CodedError<AdminErrorCode> {
  constructor(code: AdminErrorCode, message: string, readonly problems: readonly string[] = [], options?: { cause?: unknown }) {
    super(code, problems.length > 0 ? `${message}\n  - ${problems.join('\n  - ')}` : message, options);
  }
}
