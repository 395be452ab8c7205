/**
 * Errors of the administration commands (src/admin, src/cli). They are for the people who run the gateway, never
 * sent on the wire: the SOAP faults are in registry.ts. Stable codes so that scripts can test them.
 */
export const adminErrorCodes = Object.freeze({
  ADMIN_INVALID_INPUT: 'the input is invalid (each problem is listed)',
  ADMIN_NOT_FOUND: 'no such operator, certificate, profile or CA',
  ADMIN_CONFLICT: 'the change conflicts with what is registered',
  ADMIN_TRUST: 'the certificate does not chain to a trusted CA',
  ADMIN_FORBIDDEN: 'not allowed in this environment'
} as const);

export type AdminErrorCode = keyof typeof adminErrorCodes;

export class AdminError extends Error {
  constructor(readonly code: AdminErrorCode, message: string, readonly problems: readonly string[] = [], options?: { cause?: unknown }) {
    super(problems.length > 0 ? `${message}\n  - ${problems.join('\n  - ')}` : message, options);
    this.name = 'AdminError';
  }
}
