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
  // The planned works and incidents' routes (issue 15): the same refusals as esav-admin network works|incidents.
  NETWORK_EVENT_INVALID: { status: 400, meaning: 'a field of a planned work or incident that cannot be read or breaks a rule (field names it when one does)' },
  NETWORK_EVENT_NOT_FOUND: { status: 404, meaning: 'no planned work or incident of this reference, or no element of the inventory of this reference' },
  NETWORK_EVENT_CONFLICT: { status: 409, meaning: 'a move the lifecycle of a planned work or incident refuses (a final state, a change that changes nothing)' },
  // The appointments' capacity plan and outcomes (issue 16): the same refusals as esav-admin appointments.
  APPOINTMENT_INVALID: { status: 400, meaning: 'a field of the capacity plan or of an outcome that cannot be read or breaks a rule (field names it when one does)' },
  APPOINTMENT_NOT_FOUND: { status: 404, meaning: 'no zone, closure or appointment of this code, date or reference' },
  APPOINTMENT_CONFLICT: { status: 409, meaning: 'a change the plan or the appointment\'s lifecycle refuses (a commune of another zone, a capacity below what is booked, a day closed twice, an outcome after another)' },
  // The e-intervention hub's views (issue 18): the same refusals as esav-admin interventions list|show.
  INTERVENTION_INVALID: { status: 400, meaning: 'a filter of the interventions\' list that cannot be read (field names it): a state, an operator, a date' },
  INTERVENTION_NOT_FOUND: { status: 404, meaning: 'no e-intervention of this refIntervOI' },
  // The people of e-SAV en ligne, the portal (issue 21): the same refusals as esav-admin users.
  USER_INVALID: { status: 400, meaning: 'a field of a person or of their profile that cannot be read or breaks a rule (a malformed login or e-mail, an unknown function or offer)' },
  USER_NOT_FOUND: { status: 404, meaning: 'no operator of this code, or no person of this login among the operator\'s people' },
  USER_CONFLICT: { status: 409, meaning: 'a change the person\'s state refuses (disabling a disabled person, unlocking one not locked out, a login taken), or an operator whose order form does not ask for online access (O1)' },
  // The SOAP side's wire code for the same condition (registry ESAV_SERVICE_UNAVAILABLE), with Retry-After.
  SERVICE_INDISPONIBLE: { status: 503, meaning: 'the database cannot serve now: retry after Retry-After seconds' },
  INTERNAL: { status: 500, meaning: 'a defect of the gateway: the message gives the request id the log line carries' }
} as const satisfies Record<string, { status: number; meaning: string }>);

export type InternalApiErrorCode = keyof typeof internalApiErrors;
