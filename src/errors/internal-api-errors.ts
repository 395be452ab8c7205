/**
 * The internal API's own refusals, beside the OI ticket actions' (ticket-action-refusal.ts): what HTTP itself gets
 * wrong before a ticket action runs, and the database or the gateway failing. Together they are every `error` the
 * internal API answers, in its one shape `{error, message, field?}`. A retired code is never reused.
 */
export const internalApiErrors = Object.freeze({
  NO_ROUTE: { status: 404, meaning: 'no route has this method and path (GET /openapi.json lists them)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'a request body that is not application/json' },
  BODY_TOO_LARGE: { status: 413, meaning: 'a request body over 64 KiB' },
  BAD_JSON: { status: 400, meaning: 'a request body that is not well-formed JSON' },
  BAD_REQUEST: { status: 400, meaning: 'a request HTTP cannot read otherwise' },
  // The SOAP side's wire code for the same condition (registry ESAV_SERVICE_UNAVAILABLE), with Retry-After.
  SERVICE_INDISPONIBLE: { status: 503, meaning: 'the database cannot serve now: retry after Retry-After seconds' },
  INTERNAL: { status: 500, meaning: 'a defect of the gateway: the message gives the request id the log line carries' }
} as const satisfies Record<string, { status: number; meaning: string }>);

export type InternalApiErrorCode = keyof typeof internalApiErrors;
