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

export interface NewTicket {
  readonly operatorId: string;
  readonly servicePk: string;
  readonly serviceId: string;
  readonly offerCode: string;
  readonly operatorReference: string;
  readonly contentHash: string;
  readonly formId: string;
  readonly formVersion: number;
  readonly formFields: readonly FormField[];
  readonly actor: string;
  readonly at: Date;
}

export interface FilingTarget {
  readonly servicePk: string;
  readonly serviceId: string;
  readonly offerCode: string;
  readonly filingOpensOn: string;
  readonly state: 'active' | 'terminated' | 'archived';
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
export interface TicketTransaction {
  readonly ticket: TicketRecord;
  changeState(change: StateChange): Promise<void>;
  addComment(authorKind: 'oi' | 'operator', author: string, text: string, at: Date): Promise<void>;
}

export interface SearchCriteria {
  readonly states: readonly TicketState[];
  readonly serviceId: string | null;
  readonly from: Date | null;
  readonly to: Date | null;
}

export interface TicketStore {
  filingTarget(operatorId: string, serviceId: string): Promise<FilingTarget | null>;
  /** Inserts the ticket, or returns the existing one of the same operator's reference (the unique constraint decides). */
  file(t: NewTicket): Promise<{ readonly created: boolean; readonly ticket: TicketRecord; readonly contentHash: string }>;
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
