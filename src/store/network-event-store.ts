/**
 * Planned works (TP) and network incidents (DERCO) in PostgreSQL (issue 15 part 2): declared on an element of the
 * inventory, moved through the lifecycle of src/domain/network-event-lifecycle.ts, every change in the audit trail,
 * impacts stored with the event; the operator's view (A6) and the purge after retention.
 */
import { EQUIPMENT_ELEMENT, eventFieldProblems, type EventDeclaration, type EventFields, type LinkedTicket, type NetworkEvent, type NetworkEventFilter,
  type OperatorTold, type TicketClosure,
  type VisibleNetworkEvent } from '../domain/network-event.js';
import { moveNetworkEvent, purgeBefore, refusalText, type NetworkEventMove, type NetworkEventState } from '../domain/network-event-lifecycle.js';
import { announcementChannel, type NotificationContractFacts } from '../domain/limit-announcement.js';
import { oiTicketActions } from '../domain/oi-ticket-actions.js';
import { oiStepsToClose, type TicketState } from '../domain/ticket-lifecycle.js';
import { isTicketActionRefusal } from '../errors/ticket-action-refusal.js';
import { AdminError } from '../errors/admin-error.js';
import { run, transaction, type Executor, type Pool, type Transaction } from './database.js';
import {
  clearImpacts, commentLinkedTickets, computeImpacts, equipmentForEvent, eventByReference, eventImpactSummary, insertEvent, listEvents, openEventsForService,
  purgeClosedEvents, ticketsLinkedToEvent, updateEvent, type EventRow
} from './queries/network-events.js';
import { impactedOperatorEndpoints, recordWorksNotices } from './queries/notification-outbox.js';
import { visibleEvents } from './queries/network-visibility.js';
import { createOiTicketPorts } from './oi-ticket-store.js';
import { recordChange } from './registry/audit.js';

export function toNetworkEvent(r: EventRow): NetworkEvent {
  return {
    reference: r.reference, category: r.category, equipmentKind: r.equipment_kind, equipmentRef: r.equipment_ref, pmRef: r.pm_ref, state: r.state,
    nature: r.nature, start: r.starts_at, end: r.ends_at, curative: r.curative, interventionRequired: r.intervention_required,
    comments: r.comments, oiContact: r.oi_contact, createdAt: r.created_at, modifiedAt: r.modified_at, closedAt: r.closed_at
  };
}

const fieldsOf = (e: NetworkEvent): EventFields => ({
  nature: e.nature, start: e.start, end: e.end, curative: e.curative, interventionRequired: e.interventionRequired, comments: e.comments, oiContact: e.oiContact
});

async function recompute(client: Transaction, id: string): Promise<void> {
  await run(client, clearImpacts([id]));
  await run(client, computeImpacts([id]));
}


/** The operator's impacted services listed in a push message (the rest is counted, and read with infoTravaux). */
export const NOTICE_LISTED_SERVICES = 1000;

/**
 * Issue 15 part 4: every operator with a service impacted by the event gets a 'works' notice in the transaction of
 * the change, pushed when its endpoint can take notificationTravaux now (`contract`: the notification contract's
 * versions and operations), else recorded as not pushed with the reason (it reads the event with infoTravaux).
 */
async function tellImpactedOperators(client: Transaction, eventId: string, event: NetworkEvent, contract: NotificationContractFacts | null,
  now: Date): Promise<OperatorTold[]> {
  type Row = { operator_id: string; code: string; url: string | null; enabled: boolean | null; contract_version: number | null };
  const operators = await run<Row>(client, impactedOperatorEndpoints(eventId));
  if (operators.length === 0) return [];
  const told = operators.map((o) => {
    const endpoint = o.url === null ? null : { url: o.url, enabled: o.enabled === true, contractVersion: o.contract_version ?? 1 };
    const channel = announcementChannel(contract, endpoint, now, 'works');
    return { operatorId: String(o.operator_id), operator: o.code, pushed: channel.push, reason: channel.push ? null : channel.reason };
  });
  const payload = {
    status: event.state, reference: event.reference, category: event.category, equipmentKind: event.equipmentKind, equipmentRef: event.equipmentRef,
    pmRef: event.pmRef, nature: event.nature, start: event.start, end: event.end, curative: event.curative,
    interventionRequired: event.interventionRequired, comments: event.comments, oiContact: event.oiContact
  };
  await run(client, recordWorksNotices(eventId, `network-event:${eventId}`, told.map((t) => ({ operatorId: t.operatorId, note: t.reason })), payload,
    now, NOTICE_LISTED_SERVICES));
  return told.map(({ operator, pushed, reason }) => ({ operator, pushed, reason }));
}

export interface DeclaredEvent { readonly event: NetworkEvent; readonly told: readonly OperatorTold[] }

/**
 * Declares a TP or DERCO (state NOUVEAU) on an element that exists and is not retired; its impacts are computed now,
 * and the impacted operators are told in the same transaction.
 */
export async function declareNetworkEvent(pool: Pool, d: EventDeclaration, actor: string, now: Date,
  contract: NotificationContractFacts | null = null): Promise<DeclaredEvent> {
  const problems = eventFieldProblems(d.category, d);
  if (problems.length > 0) throw new AdminError('ADMIN_INVALID_INPUT', `the ${d.category} cannot be declared`, problems);
  return transaction(pool, async (client) => {
    const [equipment] = await run<{ id: string; pm_id: string }>(client, equipmentForEvent(EQUIPMENT_ELEMENT[d.equipmentKind], d.equipmentRef));
    if (!equipment) throw new AdminError('ADMIN_NOT_FOUND', `no ${EQUIPMENT_ELEMENT[d.equipmentKind]} ${d.equipmentRef} in the inventory (or retired)`);
    const [created] = await run<{ id: string; reference: string }>(client, insertEvent(d, equipment.id, equipment.pm_id, now));
    await recompute(client, created!.id);
    const [row] = await run<EventRow>(client, eventByReference(created!.reference, false));
    const event = toNetworkEvent(row!);
    await recordChange(client, { actor, action: 'declare', entity: 'network_event', entityKey: event.reference, after: event }, null);
    return { event, told: await tellImpactedOperators(client, created!.id, event, contract, now) };
  });
}

export interface MovedEvent extends DeclaredEvent {
  readonly from: NetworkEventState;
  readonly to: NetworkEventState;
  /** On closure or cancellation: the linked tickets, not closed yet, that got the OI's comment. */
  readonly commented: readonly string[];
}

/**
 * One move of the lifecycle with the fields it changes (absent ones kept). A refused move is ADMIN_CONFLICT with
 * the lifecycle's reason; the row is locked so two moves of one event are ordered. The impacted operators are told.
 */
export async function moveNetworkEventInStore(pool: Pool, reference: string, move: NetworkEventMove, changes: Partial<EventFields>,
  actor: string, now: Date, contract: NotificationContractFacts | null = null): Promise<MovedEvent> {
  return transaction(pool, async (client) => {
    const [row] = await run<EventRow>(client, eventByReference(reference, true));
    if (!row) throw new AdminError('ADMIN_NOT_FOUND', `no planned work or incident ${reference}`);
    const before = toNetworkEvent(row);
    const old = fieldsOf(before);
    let next: EventFields = { ...old, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
    // A closure with no end says the restoration is now (if the event had begun).
    if (move === 'close' && next.end === null && next.start !== null && next.start.getTime() <= now.getTime()) next = { ...next, end: now };
    const changed = (Object.keys(next) as (keyof EventFields)[]).some((k) => String(next[k] instanceof Date ? (next[k] as Date).getTime() : next[k])
      !== String(old[k] instanceof Date ? (old[k] as Date).getTime() : old[k]));
    const outcome = moveNetworkEvent(before.state, { start: old.start, end: old.end },
      { move, dates: { start: next.start, end: next.end }, changesSomething: changed });
    if (!outcome.ok) throw new AdminError('ADMIN_CONFLICT', refusalText(reference, outcome.refusal));
    const problems = eventFieldProblems(before.category, next);
    if (problems.length > 0) throw new AdminError('ADMIN_INVALID_INPUT', `${reference} cannot be changed so`, problems);
    await run(client, updateEvent(row.id, outcome.to, next, now));
    const [after] = await run<EventRow>(client, eventByReference(reference, false));
    const event = toNetworkEvent(after!);
    await recordChange(client, { actor, action: move, entity: 'network_event', entityKey: reference, before, after: event }, null);
    const told = await tellImpactedOperators(client, row.id, event, contract, now);
    const final = outcome.to === 'CLOTURE' || outcome.to === 'ANNULE';
    const commented = final ? (await run<{ reference: string }>(client, commentLinkedTickets(row.id, now))).map((r) => r.reference) : [];
    return { event, from: outcome.from, to: outcome.to, told, commented };
  });
}

export async function listNetworkEvents(pool: Pool, openOnly: boolean, category: string | null, limit: number):
  Promise<(NetworkEvent & { prises: number; services: number })[]> {
  const rows = await run<EventRow & { prises: number; services: number }>(pool, listEvents(openOnly, category, limit));
  return rows.map((r) => ({ ...toNetworkEvent(r), prises: r.prises, services: r.services }));
}

export interface EventView {
  readonly event: NetworkEvent;
  readonly prises: number;
  readonly firstPrises: readonly string[];
  readonly perOperator: readonly { operator: string; count: number }[];
}

export async function viewNetworkEvent(pool: Pool, reference: string, first: number): Promise<EventView | null> {
  const [row] = await run<EventRow>(pool, eventByReference(reference, false));
  if (!row) return null;
  type Summary = { prises: number; first_prises: string[] | null; per_operator: { operator: string; count: number }[] | null };
  const [s] = await run<Summary>(pool, eventImpactSummary(row.id, first));
  return { event: toNetworkEvent(row), prises: s!.prises, firstPrises: s!.first_prises ?? [], perOperator: s!.per_operator ?? [] };
}

/** The operator's view (A6), for the infoTravaux web service: every filter optional, its own references only. */
export async function visibleNetworkEvents(pool: Pool, operatorId: string, filter: NetworkEventFilter, limit: number): Promise<VisibleNetworkEvent[]> {
  type Row = EventRow & { pm_prestations: string[] | null; impacted_prises: string[] | null; impacted_services: string[] | null; buildings: string[] | null };
  const rows = await run<Row>(pool, visibleEvents(operatorId, filter, limit));
  return rows.map((r) => ({
    ...toNetworkEvent(r), pmtRef: r.pmt_ref, pboRef: r.pbo_ref, pmPrestations: r.pm_prestations ?? [],
    impactedPrises: r.impacted_prises ?? [], impactedServices: r.impacted_services ?? [], buildings: r.buildings ?? []
  }));
}


/** The tickets filed inside this event (issue 15 part 5), oldest first. */
export function ticketsLinkedTo(pool: Executor, reference: string): Promise<LinkedTicket[]> {
  return run<LinkedTicket>(pool, ticketsLinkedToEvent(reference));
}

/**
 * The tickets filed inside a closed event and still open, moved to CLOS by the OI's ticket actions (issue 15 part 5:
 * `close --close-tickets`, or the internal API's closeTickets), one move at a time (each a transition pushed to its
 * operator), the event named as the closure's reason. A ticket another agent moved meanwhile is left, with why.
 */
export async function closeTicketsOfEvent(pool: Pool, e: NetworkEvent, actorName: string, now: Date): Promise<TicketClosure[]> {
  const actions = oiTicketActions(createOiTicketPorts(pool));
  const reason = `${e.category === 'DERCO' ? 'Incident réseau' : 'Travaux programmés'} ${e.reference} ${e.category === 'DERCO' ? 'clos' : 'terminés'}` +
    `${e.comments ? ` : ${e.comments}` : ''}`;
  const out: TicketClosure[] = [];
  for (const t of await ticketsLinkedTo(pool, e.reference)) {
    const steps = oiStepsToClose(t.state as TicketState);
    if (steps.length === 0) continue;
    try {
      let state: string = t.state;
      for (const event of steps) state = await actions.move(t.reference, { event, reason: event === 'close' ? reason : null }, { name: actorName }, now);
      out.push({ reference: t.reference, operator: t.operator, from: t.state, to: state, refusal: null });
    } catch (err) {
      if (!isTicketActionRefusal(err)) throw err;
      out.push({ reference: t.reference, operator: t.operator, from: t.state, to: null, refusal: `${err.code}: ${err.message}` });
    }
  }
  return out;
}

/** The open events impacting this operator's service (the filing cross-check, issue 15 part 5). */
export async function openEventsImpactingService(pool: Pool, operatorId: string, serviceId: string):
  Promise<{ reference: string; category: 'TP' | 'DERCO'; state: NetworkEventState; starts_at: Date | null; ends_at: Date | null }[]> {
  return run(pool, openEventsForService(operatorId, serviceId));
}

/** The nightly purge: events closed or cancelled more than the retention (8 days) before `now`. */
export async function purgeClosedNetworkEvents(pool: Executor, now: Date): Promise<number> {
  return (await run(pool, purgeClosedEvents(purgeBefore(now)))).length;
}
