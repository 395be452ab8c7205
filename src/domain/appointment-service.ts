/**
 * The appointment use cases (DOMAIN.md S4, S2, A6; issue 16), shared by the Interop'Fibre planChargeSav adapter, our
 * rendezvous service and the OI's commands. Pure of I/O: the store port reads and writes, one transaction per change.
 * Every operator-side read and change is scoped to the caller: another operator's appointment is a missing one.
 */
import { EsavError } from '../errors/esav-error.js';
import { appointmentComment } from './appointment-comments.js';
import { parisDate, parisTimestamp } from './calendar.js';
import { callerActorName, type Caller } from './identity.js';
import {
  APPOINTMENT_REFERENCE, appointmentTransition, checkCutoff, reportEvent, type AppointmentActor, type AppointmentEvent, type AppointmentKind, type AppointmentState, type ReportNature
} from './appointments.js';
import type { AppointmentRecord, AppointmentStore, AppointmentTransaction, AppointmentTransitionRecord, SlotView, TakeOutcome } from './appointment-records.js';
import { assertSlotSearchOpen, planSlots, searchPeriod } from './appointment-slots.js';
import { decodeSlotToken, encodeSlotToken, SLOT_OFFER_MINUTES } from './slot-token.js';
import { TERMINAL_STATES } from './ticket-lifecycle.js';
import { applyEvent } from './ticket-service.js';
import type { Actor, TicketTransaction } from './tickets.js';

export interface OfferedSlot { readonly token: string; readonly kind: AppointmentKind; readonly start: Date; readonly end: Date; readonly free: number }

const notFound = (reference: string): EsavError =>
  new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'rendez-vous', id: reference } });
const ticketNotFound = (reference: string): EsavError =>
  new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'signalisation', id: reference } });

export function operatorActor(caller: Caller): Actor {
  return { kind: 'operator', name: callerActorName(caller) };
}

async function zoneOf(store: AppointmentStore, inseeCode: string) {
  const zone = /^[0-9][0-9AB][0-9]{3}$/.test(inseeCode) ? await store.zoneOfCommune(inseeCode) : null;
  if (!zone) throw new EsavError('ESAV_COMMUNE_NOT_SERVED', { params: { codeInsee: inseeCode } });
  return zone;
}

/** S4: the free slots of a kind in the zone of a commune; closed from 01:00 to 04:00 Paris time. */
export async function searchFreeSlots(store: AppointmentStore, caller: Caller,
  q: { readonly kind: AppointmentKind; readonly inseeCode: string; readonly from: Date; readonly to: Date }, now: Date): Promise<OfferedSlot[]> {
  assertSlotSearchOpen(now);
  const period = searchPeriod(q.from, q.to, now);
  const zone = await zoneOf(store, q.inseeCode);
  const slots = await store.freeSlots(zone.id, q.kind, period.from, period.to,
    (grid, closed) => planSlots(grid.filter((r) => r.kind === q.kind), parisDate(period.from), parisDate(period.to), closed));
  const secret = await store.slotSecret();
  const expiresAt = new Date(now.getTime() + SLOT_OFFER_MINUTES * 60_000);
  return slots.map((s) => ({
    token: encodeSlotToken({ slotId: s.id, operatorId: caller.operator.id, expiresAt }, secret),
    kind: s.kind, start: s.start, end: s.end, free: s.capacity - s.booked
  }));
}

/** The fault of a slot that could not be taken, read under its lock: gone, closed, started, or full (booked meanwhile). */
function takeRefusal(token: string, outcome: TakeOutcome & { taken: false }): EsavError {
  const shown = token.length > 80 ? `${token.slice(0, 80)}…` : token;
  const s = outcome.slot;
  if (s === null) return new EsavError('ESAV_SLOT_UNKNOWN', { params: { slot: shown } }, { logReason: 'slot of another zone or kind, or deleted' });
  if (s.closed) return new EsavError('ESAV_SLOT_STALE', { params: { slot: shown, why: "l'OI a fermé ce créneau depuis la recherche" } });
  if (s.booked < s.capacity) return new EsavError('ESAV_SLOT_STALE', { params: { slot: shown, why: 'le créneau est commencé ou passé' } });
  return new EsavError('ESAV_SLOT_FULL', { params: { start: parisTimestamp(s.start) } });
}

async function take(tx: AppointmentTransaction, token: string, slotId: string, zoneId: string, kind: AppointmentKind, now: Date): Promise<SlotView> {
  const outcome = await tx.takeSlot(slotId, zoneId, kind, now);
  if (!outcome.taken) throw takeRefusal(token, outcome);
  return outcome.slot;
}

/**
 * S2: an appointment taken for a ticket frozen awaiting one lifts the freeze, in the booking's transaction. A
 * RENDEZ_VOUS freeze is the OI's to lift (ticket-lifecycle.ts): the OI's appointment plan lifts it, on the
 * operator's booking, which the reason names.
 */
async function unfreezeForAppointment(t: TicketTransaction, actor: Actor, reference: string, now: Date): Promise<void> {
  if (t.ticket.state === 'GELE' && t.ticket.freezeReason === 'RENDEZ_VOUS') {
    await applyEvent(t, 'unfreeze', PLAN_ACTOR, now, { reason: `rendez-vous ${reference} pris par ${actor.name}` });
  }
}

/** The OI's appointment plan, as the actor of the ticket changes an appointment makes. */
const PLAN_ACTOR: Actor = Object.freeze({ kind: 'oi', name: 'plan de charge SAV' });

export interface BookingRequest {
  readonly token: string;
  readonly inseeCode: string;
  readonly marketSegment: string | null;
  /** The ticket the appointment serves (rendezvous v1 referenceSignalisation). */
  readonly ticketReference?: string | null;
  /** The kind the caller expects (rendezvous v1): a slot of another kind is refused. */
  readonly kind?: AppointmentKind | null;
}

/** Books an offered slot: the appointment is CREE; the slot's capacity is enforced by PostgreSQL (row lock + CHECK). */
export async function bookSlot(store: AppointmentStore, caller: Caller, r: BookingRequest, now: Date): Promise<AppointmentRecord> {
  const offer = decodeSlotToken(r.token, caller.operator.id, await store.slotSecret(), now);
  const zone = await zoneOf(store, r.inseeCode);
  const actor = operatorActor(caller);
  const reference = await store.inTransaction(async (tx) => {
    let ticket: TicketTransaction | null = null;
    if (r.ticketReference) {
      ticket = await tx.ticket(caller.operator.id, r.ticketReference);
      if (ticket === null) throw ticketNotFound(r.ticketReference);
      if (TERMINAL_STATES.has(ticket.ticket.state) || ticket.ticket.state === 'CLOS' || ticket.ticket.state === 'VALIDE') {
        throw new EsavError('ESAV_TICKET_TRANSITION', {
          params: { reference: ticket.ticket.reference, state: ticket.ticket.state, why: 'un rendez-vous ne se prend que pour une signalisation ouverte' }
        });
      }
    }
    const slot = await tx.takeSlot(offer.slotId, zone.id, r.kind ?? null, now);
    if (!slot.taken) throw takeRefusal(r.token, slot);
    const created = await tx.insertAppointment({
      operatorId: caller.operator.id, slotId: slot.slot.id, kind: slot.slot.kind, inseeCode: r.inseeCode, marketSegment: r.marketSegment,
      ticketId: ticket?.ticket.id ?? null, at: now
    });
    await tx.record(created.id, caller.operator.id,
      { event: 'book', from: null, to: 'CREE', fromSlotId: null, toSlotId: slot.slot.id, actor, reason: null, at: now });
    if (ticket) {
      await ticket.addComment('oi', PLAN_ACTOR.name, appointmentComment({
        event: 'book', reference: created.reference, kind: slot.slot.kind, start: slot.slot.start, end: slot.slot.end, previousStart: null,
        previousEnd: null, reason: null
      }), now);
      await unfreezeForAppointment(ticket, actor, `du ${parisTimestamp(slot.slot.start)}`, now);
    }
    return created.reference;
  });
  const booked = await store.find(caller.operator.id, reference);
  if (!booked) throw notFound(reference);
  return booked;
}

/** The caller's own appointment, with its transitions (A6). */
export async function consultAppointment(store: AppointmentStore, caller: Caller, reference: string):
  Promise<{ appointment: AppointmentRecord; history: AppointmentTransitionRecord[] }> {
  const a = APPOINTMENT_REFERENCE.test(reference) ? await store.find(caller.operator.id, reference) : null;
  if (!a) throw notFound(reference);
  return { appointment: a, history: await store.history(a.id) };
}

interface ChangeOptions { readonly reason?: string | null; readonly note?: string | null; readonly newSlot?: { token: string; slotId: string } }

/** One change of an appointment in its transaction: the lifecycle, the cut-off, the slots and the ticket. */
async function change(store: AppointmentStore, scope: string | null, reference: string, event: AppointmentEvent, actorKind: AppointmentActor,
  actor: Actor, now: Date, opts: ChangeOptions = {}): Promise<AppointmentRecord> {
  if (!APPOINTMENT_REFERENCE.test(reference)) throw notFound(reference);
  await store.inTransaction(async (tx) => {
    const a = await tx.lockAppointment(scope, reference);
    if (!a) throw notFound(reference);
    const facts = { reference: a.reference, state: a.state, slotStart: a.slotStart, kind: a.kind };
    const { from, to } = appointmentTransition(facts, event, actorKind);
    if (actorKind === 'operator' && (event === 'cancel' || event === 'move')) checkCutoff(facts, event, now);
    let taken: SlotView | null = null;
    if (opts.newSlot) {
      const zone = await zoneOf(store, a.inseeCode);
      taken = await take(tx, opts.newSlot.token, opts.newSlot.slotId, zone.id, a.kind, now);
      if (event === 'move') await tx.releaseSlot(a.slotId);
    }
    const toSlotId = taken?.id ?? a.slotId;
    if (to === 'ANNULE') await tx.releaseSlot(a.slotId);
    await tx.record(a.id, a.operatorId, {
      event, from, to, fromSlotId: a.slotId, toSlotId, actor, reason: opts.reason ?? null, at: now,
      ...(opts.note !== undefined ? { outcomeNote: opts.note } : {})
    });
    const ticket = await tx.ticketOf(a.id);
    if (ticket && isOpen(ticket)) {
      await ticket.addComment('oi', PLAN_ACTOR.name, appointmentComment({
        event, reference: a.reference, kind: a.kind, start: taken?.start ?? a.slotStart, end: taken?.end ?? a.slotEnd,
        previousStart: taken ? a.slotStart : null, previousEnd: taken ? a.slotEnd : null, reason: opts.note ?? opts.reason ?? null
      }), now);
      await ticketEffect(ticket, event, a.reference, actor, now, opts.note ?? null);
    }
  });
  const after = await store.find(scope, reference);
  if (!after) throw notFound(reference);
  return after;
}

/**
 * What an appointment's outcome does to the ticket it serves (issue 16 part 5): completed moves the ticket on to its
 * closure (started first if it was waiting), a new appointment lifts a RENDEZ_VOUS freeze, the customer's absence
 * freezes it again awaiting a new appointment (S2). Every change, a miss by the OI included, is also written on it as
 * the OI's comment (appointment-comments.ts) before this runs.
 */
const isOpen = (t: TicketTransaction): boolean => !(TERMINAL_STATES.has(t.ticket.state) || t.ticket.state === 'CLOS' || t.ticket.state === 'VALIDE');

async function ticketEffect(locked: TicketTransaction, event: AppointmentEvent, reference: string, actor: Actor, now: Date,
  note: string | null): Promise<void> {
  let t = locked;
  const state = (): string => t.ticket.state;
  // Each step re-reads the state it left: the same locked row and writer, the ticket's facts as they now are.
  const step = async (e: Parameters<typeof applyEvent>[1], o: Parameters<typeof applyEvent>[4] = {}): Promise<void> => {
    const next = await applyEvent(t, e, actor, now, o);
    t = { ...t, ticket: { ...t.ticket, state: next, freezeReason: o.freezeReason ?? null } };
  };
  const why = note ? ` : ${note}` : '';
  if (event === 'complete') {
    if (state() === 'EN_QUALIFICATION') await step('start');
    if (state() === 'GELE') await step('unfreeze', { reason: `rendez-vous ${reference} réalisé` });
    if (state() === 'EN_COURS') await step('close', { reason: `Intervention du rendez-vous ${reference} réalisée${why}`.slice(0, 500) });
  } else if (event === 'fail') {
    if (state() === 'EN_QUALIFICATION') await step('start');
    if (state() === 'EN_COURS') {
      await step('freeze', { reason: `Client absent au rendez-vous ${reference}${why}`.slice(0, 500), freezeReason: 'RENDEZ_VOUS',
        freezeDetail: `Client absent au rendez-vous ${reference} : prenez un nouveau rendez-vous` });
    }
  } else if (event === 'rebook') {
    await unfreezeForAppointment(t, actor, reference, now);
  }
}

export async function confirmAppointment(store: AppointmentStore, caller: Caller, reference: string, now: Date): Promise<AppointmentRecord> {
  return change(store, caller.operator.id, reference, 'confirm', 'operator', operatorActor(caller), now);
}

export async function cancelAppointment(store: AppointmentStore, caller: Caller, reference: string, reason: string | null,
  now: Date): Promise<AppointmentRecord> {
  return change(store, caller.operator.id, reference, 'cancel', 'operator', operatorActor(caller), now, { reason });
}

/** Moves an appointment to another offered slot (its natureReport, when given, must match its state), or rebooks it. */
export async function moveAppointment(store: AppointmentStore, caller: Caller, reference: string, token: string, nature: ReportNature | null,
  now: Date): Promise<AppointmentRecord> {
  const offer = decodeSlotToken(token, caller.operator.id, await store.slotSecret(), now);
  const current = APPOINTMENT_REFERENCE.test(reference) ? await store.find(caller.operator.id, reference) : null;
  if (!current) throw notFound(reference);
  // Without a natureReport (rendezvous v1), the state says which: a new slot after a miss or an absence, else a move.
  const event: AppointmentEvent = nature !== null ? reportEvent(current, nature)
    : current.state === 'MANQUE_OI' || current.state === 'ECHEC_CLIENT' ? 'rebook' : 'move';
  return change(store, caller.operator.id, reference, event, 'operator', operatorActor(caller), now, { newSlot: { token, slotId: offer.slotId } });
}

/** The OI records what happened (esav-admin appointments start|complete|missed|failed|cancel). */
export async function recordOutcome(store: AppointmentStore, reference: string, event: 'start' | 'complete' | 'miss' | 'fail' | 'cancel',
  agent: string, note: string | null, now: Date): Promise<AppointmentRecord> {
  return change(store, null, reference, event, 'oi', { kind: 'oi', name: agent }, now, { note, reason: note });
}

/** The caller's own appointments (A6), by state and period of their slot's start. */
export async function listOwnAppointments(store: AppointmentStore, caller: Caller,
  f: { readonly state?: AppointmentState | null; readonly from?: Date | null; readonly to?: Date | null }, limit: number): Promise<AppointmentRecord[]> {
  return store.list({ operatorCode: caller.operator.code, state: f.state ?? null, from: f.from ?? null, to: f.to ?? null }, limit);
}
