/**
 * Tickets as the domain sees them: the records, and the port the store implements. The operations (filing,
 * queries, transitions) are in ticket-service.ts and use only this port.
 */
import type { ActorKind, FreezeReason, TicketState, TransitionOutcome } from './ticket-lifecycle.js';

export interface FormField { readonly path: string; readonly label: string; readonly value: string }

export interface TicketRecord {
  readonly id: string;
  readonly reference: string;
  readonly operatorId: string;
  readonly operatorCode: string;
  readonly serviceId: string;
  readonly offerCode: string;
  readonly operatorReference: string;
  readonly formId: string;
  readonly formVersion: number;
  readonly formFields: readonly FormField[];
  readonly state: TicketState;
  readonly acceptedAt: Date;
  readonly stateChangedAt: Date;
  readonly closedAt: Date | null;
  readonly freezeReason: FreezeReason | null;
  readonly freezeDetail: string | null;
}

/** A line of a search's answer (rechercheSignalisations): read without the form. */
export type TicketSummary = Pick<TicketRecord, 'reference' | 'operatorReference' | 'serviceId' | 'state' | 'acceptedAt' | 'stateChangedAt'>;

/** What a state read needs of a ticket (consultationEtat): read without the form, the join or the history. */
export type TicketStateView = Pick<TicketRecord, 'reference' | 'state' | 'stateChangedAt' | 'closedAt' | 'freezeReason' | 'freezeDetail'>;

export interface TransitionRecord {
  readonly from: TicketState | null;
  readonly to: TicketState;
  readonly at: Date;
  readonly actorKind: ActorKind;
  readonly actor: string;
  readonly reason: string | null;
}

export interface CommentRecord { readonly at: Date; readonly authorKind: 'oi' | 'operator'; readonly author: string; readonly text: string }

/**
 * A filing as the store writes it. The service is named by its id: the statement that writes the ticket reads the
 * service itself and writes only when the conditions hold on what it read (one round trip, no window between a
 * check and the write).
 */
export interface NewTicket {
  readonly operatorId: string;
  readonly serviceId: string;
  readonly operatorReference: string;
  readonly contentHash: string;
  readonly formId: string;
  readonly formVersion: number;
  readonly formFields: readonly FormField[];
  readonly actor: string;
  readonly at: Date;
  readonly conditions: FilingConditions;
  /** S5: the line test the filing relied on (TST-…), linked to the ticket in the filing's own statement. */
  readonly reliedTest?: string | null;
}

/**
 * What a filing requires of its service (S1, A5, A6), as data the store's statement checks: the service is the
 * caller's and active, its offer is in the caller's profile, open for filing on the Paris date of the filing, and
 * the offer of the form filed. src/domain/ticket-service.ts says which rule failed, from the target the store read.
 */
export interface FilingConditions {
  /** The caller's profile's offers ('*': every offer). */
  readonly offers: readonly string[];
  /** The Paris date of the filing (YYYY-MM-DD): the offer must be open for filing on it. */
  readonly parisDate: string;
  /** The offer of the form filed. */
  readonly formOffer: string;
}

export interface FilingTarget {
  readonly servicePk: string;
  readonly serviceId: string;
  readonly offerCode: string;
  /** The offer whose forms its tickets use: its own, or another's (the activated FTTH offer files with FTTH's form). */
  readonly formsOf: string;
  readonly filingOpensOn: string;
  readonly state: 'active' | 'terminated' | 'archived';
}

/** What the store did with a filing. */
export interface FilingOutcome {
  /** The service as the statement read it; null when the operator has no service of that id. */
  readonly target: FilingTarget | null;
  /**
   * Null when the conditions did not hold (nothing written). Otherwise the ticket: created, or the existing one of
   * the same operator reference (a retried filing; the unique constraint decides).
   */
  readonly filed: { readonly created: boolean; readonly ticket: TicketRecord; readonly contentHash: string } | null;
}

export interface Actor { readonly kind: ActorKind; readonly name: string }

export interface StateChange {
  readonly outcome: TransitionOutcome;
  readonly actor: Actor;
  readonly reason: string | null;
  readonly closedAt: Date | null;
  readonly freezeReason: FreezeReason | null;
  readonly freezeDetail: string | null;
  readonly at: Date;
}

/** One ticket, locked for the time of a change (SELECT … FOR UPDATE). */
/** An OI agent's action on a ticket, for the audit trail (entity `ticket`, keyed by its reference). */
export interface TicketAudit { readonly actor: string; readonly action: string; readonly before: unknown; readonly after: unknown }

export interface TicketTransaction {
  readonly ticket: TicketRecord;
  changeState(change: StateChange): Promise<void>;
  addComment(authorKind: 'oi' | 'operator', author: string, text: string, at: Date): Promise<void>;
  /** Records the action in the audit trail, in the same transaction as the change it describes. */
  audit(entry: TicketAudit): Promise<void>;
}

export interface SearchCriteria {
  readonly states: readonly TicketState[];
  readonly serviceId: string | null;
  readonly from: Date | null;
  readonly to: Date | null;
}

export interface TicketStore {
  /**
   * Reads the service and, in the same statement, inserts the ticket when the filing's conditions hold on it, or
   * finds the existing one of the same operator reference.
   */
  file(t: NewTicket): Promise<FilingOutcome>;
  /** scope: the operator (its own tickets only) or null for the OI's side. */
  withTicket<T>(operatorId: string | null, reference: string, fn: (tx: TicketTransaction) => Promise<T>): Promise<T | null>;
  find(operatorId: string | null, reference: string): Promise<TicketRecord | null>;
  /** The state of one of the operator's tickets: the hottest read of all, one narrow prepared query. */
  stateOf(operatorId: string, reference: string): Promise<TicketStateView | null>;
  history(ticketId: string): Promise<{ transitions: TransitionRecord[]; comments: CommentRecord[] }>;
  search(operatorId: string | null, criteria: SearchCriteria, visibleSince: Date, limit: number, offset: number): Promise<{ rows: TicketRecord[]; total: number }>;
  /** The same search answering summaries (the operators' search: no form, no join). */
  searchSummaries(operatorId: string, criteria: SearchCriteria, visibleSince: Date, limit: number, offset: number): Promise<{ rows: TicketSummary[]; total: number }>;
}
