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
  NOT_FOUND: { kind: 'not-found', meaning: 'no ticket has this reference' },
  // The lifecycle's own refusal, under the wire code operators see for it (registry ESAV_TICKET_TRANSITION).
  TRANSITION_INTERDITE: { kind: 'conflict', meaning: 'the ticket is not in a state that allows the action' }
} as const satisfies Record<string, { kind: RefusalKind; meaning: string }>);

export type TicketActionRefusalCode = keyof typeof ticketActionRefusals;

export class TicketActionRefusal extends Error {
  readonly kind: RefusalKind;

  constructor(readonly code: TicketActionRefusalCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TicketActionRefusal';
    this.kind = ticketActionRefusals[code].kind;
  }
}

export function isTicketActionRefusal(e: unknown): e is TicketActionRefusal {
  return e instanceof TicketActionRefusal;
}
