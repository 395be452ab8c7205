/**
 * The stable codes of the errors that never reach the wire (ARCHITECTURE.md §4; undici's `UND_ERR_…`): boot
 * failures, background work, the administration commands, broken invariants. They are for the log, for scripts and
 * for the people who run the gateway; a request that meets one is answered ERREUR_INTERNE. A retired code stays
 * here, never reused; docs/faults.md lists them ("Internal error codes") and test/unit/errors/issued-codes.json holds
 * every code ever issued.
 */
import type { Retirement } from './registry.js';

export interface InternalCodeDefinition {
  /** One line: what went wrong, for the documentation. */
  readonly description: string;
  /** Who raises it (a module or a layer), for the documentation. */
  readonly raisedBy: string;
  readonly retired?: Retirement;
}

function internal<const D extends InternalCodeDefinition>(d: D): Readonly<D> {
  return Object.freeze(d);
}

export const internalCodes = Object.freeze({
  ESAV_CONFIG_INVALID: internal({ raisedBy: 'config', description: 'the configuration read from the environment is invalid (each problem is listed)' }),
  ESAV_CONTRACT_INVALID: internal({ raisedBy: 'contracts', description: 'the contracts in wsdl/ and xsd/ cannot be served (each problem is listed)' }),
  ESAV_CATALOG_INVALID: internal({ raisedBy: 'catalog', description: 'the form catalogue in catalog/ cannot be served (each problem is listed)' }),
  ESAV_SCHEMA_COMPILE_FAILED: internal({ raisedBy: 'xml', description: "an XSD does not compile (libxml2's reasons are listed)" }),
  ESAV_XML_READER_GAVE_UP: internal({
    raisedBy: 'xml', description: 'the tree reader leaves a document to libxml2 (control flow inside the reader, never leaves it)'
  }),
  ESAV_MIGRATION_FAILED: internal({
    raisedBy: 'store', description: 'a database migration cannot be applied (edited after release, failed, or a newer schema)'
  }),
  ESAV_EMBEDDED_POSTGRES_FAILED: internal({
    raisedBy: 'store', description: 'the embedded PostgreSQL cannot be initialised, started or stopped (its output is kept)'
  }),
  ESAV_CSR_INVALID: internal({ raisedBy: 'pki', description: "an operator's PKCS#10 certificate request is unreadable or its signature does not verify" }),
  ESAV_NOTIFICATION_TRANSPORT: internal({
    raisedBy: 'jobs', description: "an operator's notification endpoint cannot be reached or gives an unusable answer (retried)"
  }),
  ESAV_EVENT_PAYLOAD_UNREADABLE: internal({ raisedBy: 'jobs', description: 'a queued ticket event has a payload the notification builder cannot read' }),
  ESAV_INTERNAL_API_BAD_REQUEST: internal({
    raisedBy: 'transport', description: 'the internal API refuses a request it cannot read (HTTP 400)',
    retired: { on: '2026-12-02', reason: "the internal API answers the OI ticket actions' refusals (src/errors/ticket-action-refusal.ts)" }
  }),
  ESAV_INTERNAL_API_NOT_FOUND: internal({
    raisedBy: 'transport', description: 'the internal API knows no such ticket (HTTP 404)',
    retired: { on: '2026-12-02', reason: "the internal API answers the OI ticket actions' refusals (src/errors/ticket-action-refusal.ts)" }
  }),
  ESAV_INTERNAL_API_CONFLICT: internal({
    raisedBy: 'transport', description: "the internal API refuses a move the ticket's state forbids (HTTP 409)",
    retired: { on: '2026-12-02', reason: "the internal API answers the OI ticket actions' refusals (src/errors/ticket-action-refusal.ts)" }
  }),
  ESAV_FAULT_PARAM_MISSING: internal({
    raisedBy: 'transport', description: 'a fault message was rendered without one of its parameters (logged; the wire got a neutral text)'
  }),
  ESAV_ELEMENT_NO_ANSWER: internal({
    raisedBy: 'jobs', description: 'a network element did not answer a line test in time (retried, then the test is ECHEC with this reason)'
  }),
  ESAV_ELEMENT_ERROR: internal({ raisedBy: 'jobs', description: 'a network element answered a line test with an error (the test is ECHEC with this reason, not retried)' }),
  ESAV_INVARIANT: internal({ raisedBy: 'any', description: 'an internal invariant broke (the message says which): a defect of the gateway' }),
  ESAV_DATA_DIR_IN_USE: internal({
    raisedBy: 'store', description: 'a gateway already runs on this data directory (embedded PostgreSQL): a second start is refused, touching nothing'
  }),
  ESAV_PORTAL_USER_REFUSED: internal({
    raisedBy: 'transport',
    description: "a users route of the internal API refuses a request (a field it cannot read, no such person, or a change the person's state refuses)"
  }),
  ESAV_E_INTERVENTION_VIEW_REFUSED: internal({
    raisedBy: 'domain',
    description: 'a read of the e-intervention hub (esav-admin interventions, the internal API, E3) is refused: a bad filter or no such intervention'
  }),
  ESAV_APPOINTMENT_PLAN_REFUSED: internal({
    raisedBy: 'domain',
    description: "a change of the appointments' capacity plan or an OI outcome is refused (bad input, unknown zone, or a conflict with bookings)"
  }),
  // The administration commands (src/admin, src/cli): codes kept as they were first issued, without the ESAV_ prefix.
  ADMIN_INVALID_INPUT: internal({ raisedBy: 'admin', description: 'the input is invalid (each problem is listed)' }),
  ADMIN_NOT_FOUND: internal({ raisedBy: 'admin', description: 'no such operator, certificate, profile or CA' }),
  ADMIN_CONFLICT: internal({ raisedBy: 'admin', description: 'the change conflicts with what is registered' }),
  ADMIN_TRUST: internal({ raisedBy: 'admin', description: 'the certificate does not chain to a trusted CA' }),
  ADMIN_FORBIDDEN: internal({ raisedBy: 'admin', description: 'not allowed in this environment' }),
  ADMIN_USAGE: internal({ raisedBy: 'admin', description: 'the command is used wrongly: a required option is missing (exit code 2, with the usage)' })
} satisfies Record<string, InternalCodeDefinition>);

type Internal = typeof internalCodes;

/** Every internal code ever issued, retired ones included (the documentation and the issued-codes test read them). */
export type InternalCode = keyof Internal;

/** The codes that can still be raised. */
export type LiveInternalCode = { [K in InternalCode]: Internal[K] extends { readonly retired: object } ? never : K }[InternalCode];
