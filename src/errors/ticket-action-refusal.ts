/**
 * Why the OI's ticket actions (src/domain/oi-ticket-actions.ts) refuse a request, whichever way in asked: the admin
 * CLI, the internal API or a job. Each code has one kind, and each way in maps the kind once (the CLI to its
 * AdminError code, the internal API to an HTTP status): the same refusal is the same answer everywhere.
 * The codes are the internal API's `error` field; a retired code is never reused (mark it retired instead).
 */
export type RefusalKind = 'invalid-input' | 'not-found' | 'conflict';

export const ticketActionRefusals = Object.freeze({
  BAD_STATE: { kind: 'invalid-input', meaning: 'the state is not one of the lifecycle (DOMAIN.md S2)' },
  UNKNOWN_OPERATOR: { kind: 'invalid-input', meaning: 'no operator has this code' },
  BAD_LIMIT: { kind: 'invalid-input', meaning: 'the page size is not a whole number within the maximum' },
  BAD_PAGE: { kind: 'invalid-input', meaning: 'the page is not a whole number from 1' },
  BAD_EVENT: { kind: 'invalid-input', meaning: 'the event is not one of the lifecycle' },
  BAD_AWAITING: { kind: 'invalid-input', meaning: 'a freeze must say what is awaited, one of FREEZE_REASONS' },
  REASON_REQUIRED: { kind: 'invalid-input', meaning: 'the lifecycle asks a reason for this event' },
  BAD_TEXT: { kind: 'invalid-input', meaning: 'a comment needs a text' },
  // A comment or reason that could not be stored or sent (src/domain/free-text.ts); the refusal names the field.
  TEXT_FORBIDDEN_CHARACTER: { kind: 'invalid-input', meaning: 'the text has a character XML 1.0 cannot carry (NUL, a control character, a lone surrogate)' },
  TEXT_BLANK: { kind: 'invalid-input', meaning: 'the text has only white space or control characters' },
  TEXT_TOO_LONG: { kind: 'invalid-input', meaning: 'the text is longer than the contract allows (comment 4000, reason 1000 characters)' },
  NOT_FOUND: { kind: 'not-found', meaning: 'no ticket has this reference' },
  // The lifecycle's own refusal, under the wire code operators see for it (registry ESAV_TICKET_TRANSITION).
  TRANSITION_INTERDITE: { kind: 'conflict', meaning: 'the ticket is not in a state that allows the action' }
} as const satisfies Record<string, { kind: RefusalKind; meaning: string }>);

export type TicketActionRefusalCode = keyof typeof ticketActionRefusals;

export class TicketActionRefusal extends Error {
  readonly kind: RefusalKind;
  /** The request's field in error, when one is (the internal API answers it as `field`). */
  readonly field: string | undefined;

  constructor(readonly code: TicketActionRefusalCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options);
    this.field = options?.field;
    this.name = 'TicketActionRefusal';
    this.kind = ticketActionRefusals[code].kind;
  }
}

export function isTicketActionRefusal(e: unknown): e is TicketActionRefusal {
  return e instanceof TicketActionRefusal;
}
