/**
 * The ticket operations (DOMAIN.md S1, S2, S3, S7, A6), shared by every version of the signalisation service and by
 * the OI's side. Pure of I/O: the store port does the reading and writing, in one transaction per change.
 */
import { EsavError } from '../errors/esav-error.js';
import { invariantViolated } from '../errors/coded-error.js';
import { parisDate } from './calendar.js';
import { callerActorName, type Caller } from './identity.js';
import { allowsOffer } from './profile.js';
import {
  closureDeadline, DEFAULT_LIFECYCLE_POLICY, FREEZE_REASONS, HISTORY_VISIBILITY_DAYS, TERMINAL_STATES, transition, visibleToOperator,
  type ActorKind, type FreezeReason, type LifecyclePolicy, type TicketEvent, type TicketState
} from './ticket-lifecycle.js';
import type { Actor, FilingTarget, FormField, SearchCriteria, TicketRecord, TicketStateView, TicketStore, TicketSummary, TicketTransaction } from './tickets.js';

export interface FilingInput {
  readonly serviceId: string;
  readonly operatorReference: string;
  readonly formId: string;
  readonly formVersion: number;
  readonly formOffer: string;
  readonly formFields: readonly FormField[];
  readonly contentHash: string;
}

const notFound = (reference: string): EsavError => new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'signalisation', id: reference } });
const DAY = 86_400_000;

/**
 * Why a filing is refused on its target (the service as the store read it), or null when it may be filed. The
 * store's statement checks the same conditions (FilingConditions) and writes nothing when they fail; this says
 * which one failed, in the order an operator should hear them.
 */
export function filingRefusal(caller: Caller, input: FilingInput, target: FilingTarget | null, now: Date): EsavError | null {
  // Unknown, another operator's, archived or terminated service, or an offer outside the profile: the same fault (A6).
  if (!target || target.state !== 'active' || !allowsOffer(caller.profile, target.offerCode)) {
    return new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'prestation', id: input.serviceId } },
      target && target.state === 'active' ? { logReason: `profile ${caller.profile.name} does not allow offer ${target.offerCode}` } : undefined);
  }
  if (parisDate(now) < target.filingOpensOn) {
    return new EsavError('ESAV_OFFER_NOT_OPEN', { params: { offer: target.offerCode, opensOn: target.filingOpensOn } });
  }
  if (input.formOffer !== target.formsOf) {
    return new EsavError('ESAV_FORM_OFFER_MISMATCH', { params: { serviceId: input.serviceId, offer: target.offerCode, form: `formulaire de l'offre ${target.formsOf}`, given: `${input.formId} v${input.formVersion}` } });
  }
  return null;
}

/** S1, S7: files a ticket, or returns the original answer for a retried filing (same operator reference, same content). */
export async function fileTicket(store: TicketStore, caller: Caller, input: FilingInput, now: Date, reliedTest: string | null = null):
  Promise<{ ticket: TicketRecord; replay: boolean }> {
  const { target, filed } = await store.file({ reliedTest,
    operatorId: caller.operator.id, serviceId: input.serviceId, operatorReference: input.operatorReference, contentHash: input.contentHash,
    formId: input.formId, formVersion: input.formVersion, formFields: input.formFields,
    actor: callerActorName(caller), at: now,
    conditions: { offers: caller.profile.offers, parisDate: parisDate(now), formOffer: input.formOffer }
  });
  const refusal = filingRefusal(caller, input, target, now);
  // The statement and filingRefusal state the same conditions; a disagreement is a defect, never a half-answer.
  if (refusal !== null && filed?.created) throw invariantViolated(`ticket ${filed.ticket.reference} written although refused: ${refusal.code}`);
  if (refusal !== null) throw refusal;
  if (filed === null) throw invariantViolated(`filing ${input.operatorReference} admissible on ${input.serviceId} but not written by the store`);
  if (!filed.created && filed.contentHash !== input.contentHash) {
    throw new EsavError('ESAV_TICKET_DUPLICATE_REFERENCE', { params: { operatorReference: input.operatorReference, reference: filed.ticket.reference } });
  }
  return { ticket: filed.ticket, replay: !filed.created };
}

/** S3, A6: the state of the caller's own ticket, while visible (closed tickets: 90 days after closure). */
export async function visibleTicketState(store: TicketStore, caller: Caller, reference: string, now: Date): Promise<TicketStateView> {
  const t = await store.stateOf(caller.operator.id, reference);
  if (!t || !visibleToOperator(t.closedAt, t.state, now)) throw notFound(reference);
  return t;
}

/** S3, A6: the caller's own ticket, while visible (closed tickets: 90 days after closure). */
export async function visibleTicket(store: TicketStore, caller: Caller, reference: string, now: Date): Promise<TicketRecord> {
  const t = await store.find(caller.operator.id, reference);
  if (!t || !visibleToOperator(t.closedAt, t.state, now)) throw notFound(reference);
  return t;
}

/** Applies one lifecycle event in the ticket's transaction; keeps closedAt and the freeze facts in step. */
export async function applyEvent(tx: TicketTransaction, event: TicketEvent, actor: Actor, now: Date,
  opts: { reason?: string | null; freezeReason?: FreezeReason | null; freezeDetail?: string | null; policy?: LifecyclePolicy } = {}): Promise<TicketState> {
  const t = tx.ticket;
  const outcome = transition(t, { event, actor: actor.kind, reason: opts.reason ?? null, freezeReason: opts.freezeReason ?? null }, now, opts.policy);
  const closes = outcome.to === 'CLOS' || outcome.to === 'EN_REJET' || outcome.to === 'ANNULE';
  const reopens = outcome.to === 'EN_COURS' && (outcome.from === 'CLOS' || outcome.from === 'VALIDE');
  await tx.changeState({
    outcome, actor, reason: opts.reason ?? null, at: now,
    closedAt: closes ? now : reopens ? null : t.closedAt,
    freezeReason: outcome.to === 'GELE' ? opts.freezeReason ?? null : null,
    freezeDetail: outcome.to === 'GELE' ? opts.freezeDetail ?? null : null
  });
  return outcome.to;
}

function operatorActor(caller: Caller): Actor {
  return { kind: 'operator', name: callerActorName(caller) };
}

/** A change by the operator on its own visible ticket, in one transaction. */
async function operatorChange<T>(store: TicketStore, caller: Caller, reference: string, now: Date, fn: (tx: TicketTransaction) => Promise<T>): Promise<T> {
  const result = await store.withTicket(caller.operator.id, reference, async (tx) => {
    if (!visibleToOperator(tx.ticket.closedAt, tx.ticket.state, now)) throw notFound(reference);
    return { value: await fn(tx) };
  });
  if (result === null) throw notFound(reference);
  return result.value;
}

function notModifiable(t: TicketRecord): EsavError {
  return new EsavError('ESAV_TICKET_TRANSITION', { params: { reference: t.reference, state: t.state, why: "la signalisation n'est plus modifiable" } });
}

/** Information or a comment from the operator; answering a freeze unfreezes it where the reason allows (S2). */
export async function addComplement(store: TicketStore, caller: Caller, reference: string, text: string, answersFreeze: boolean, now: Date): Promise<TicketState> {
  return operatorChange(store, caller, reference, now, async (tx) => {
    if (TERMINAL_STATES.has(tx.ticket.state)) throw notModifiable(tx.ticket);
    await tx.addComment('operator', operatorActor(caller).name, text, now);
    // The answer is kept in any case; it lifts the freeze only when its reason allows (a RENDEZ_VOUS freeze is the
    // OI's to lift): the ticket then stays GELE and the answer says so.
    const t = tx.ticket;
    if (answersFreeze && t.state === 'GELE' && t.freezeReason && FREEZE_REASONS[t.freezeReason].operatorAnswerUnfreezes) {
      return applyEvent(tx, 'unfreeze', operatorActor(caller), now, { reason: text.slice(0, 200) });
    }
    return t.state;
  });
}

export async function answerClosure(store: TicketStore, caller: Caller, reference: string, accept: boolean, reason: string | null, now: Date, policy: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY): Promise<TicketState> {
  return operatorChange(store, caller, reference, now, (tx) => applyEvent(tx, accept ? 'accept-closure' : 'refuse-closure', operatorActor(caller), now, { reason, policy }));
}

export async function cancelTicket(store: TicketStore, caller: Caller, reference: string, reason: string, now: Date): Promise<TicketState> {
  return operatorChange(store, caller, reference, now, (tx) => applyEvent(tx, 'cancel', operatorActor(caller), now, { reason }));
}

export interface Page { readonly page: number; readonly size: number }

/** S3: search and history of the caller's tickets; closed ones for 90 calendar days after their closure. */
export async function searchTickets(store: TicketStore, caller: Caller, criteria: SearchCriteria, page: Page, now: Date): Promise<{ rows: TicketSummary[]; total: number }> {
  const visibleSince = new Date(now.getTime() - HISTORY_VISIBILITY_DAYS * DAY);
  return store.searchSummaries(caller.operator.id, criteria, visibleSince, page.size, (page.page - 1) * page.size);
}

/** When the operator's delay to answer a closure ends (shown while the ticket is CLOS or VALIDE). */
export function closureAnswerDeadline(t: Pick<TicketRecord, 'state' | 'closedAt'>, policy: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY): Date | null {
  return (t.state === 'CLOS' || t.state === 'VALIDE') && t.closedAt ? closureDeadline(t.closedAt, policy) : null;
}

/** The OI's side: an after-sales agent (or an OI system) moves a ticket, whoever's it is. */
export async function oiEvent(store: TicketStore, reference: string, event: TicketEvent, agent: string, now: Date,
  opts: { reason?: string | null; freezeReason?: FreezeReason | null; freezeDetail?: string | null; kind?: ActorKind } = {}): Promise<TicketState> {
  const kind = opts.kind ?? 'oi';
  const result = await store.withTicket(null, reference, async (tx) => {
    const from = tx.ticket.state;
    const to = await applyEvent(tx, event, { kind, name: agent }, now, opts);
    // An agent's action is in the audit trail (who, what, before/after); an OI system's (the sandbox back office) is not.
    if (kind === 'oi') {
      await tx.audit({ actor: agent, action: `ticket-${event}`, before: { state: from },
        after: { state: to, ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.freezeReason ? { awaiting: opts.freezeReason } : {}) } });
    }
    return to;
  });
  if (result === null) throw notFound(reference);
  return result;
}

export async function oiComment(store: TicketStore, reference: string, agent: string, text: string, now: Date, kind: ActorKind = 'oi'): Promise<void> {
  const result = await store.withTicket(null, reference, async (tx) => {
    if (TERMINAL_STATES.has(tx.ticket.state)) throw notModifiable(tx.ticket);
    await tx.addComment('oi', agent, text, now);
    if (kind === 'oi') await tx.audit({ actor: agent, action: 'ticket-comment', before: null, after: { text } });
    return true;
  });
  if (result === null) throw notFound(reference);
}
