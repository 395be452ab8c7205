/** What the appointment rules read and write (src/domain/appointment-service.ts), and the store port they use. */
import type { AppointmentEvent, AppointmentKind, AppointmentState } from './appointments.js';
import type { GridRule, PlannedSlot } from './appointment-slots.js';
import type { Actor, TicketTransaction } from './tickets.js';

export interface Zone { readonly id: string; readonly code: string }

export interface SlotView {
  readonly id: string;
  readonly zoneId: string;
  readonly kind: AppointmentKind;
  readonly start: Date;
  readonly end: Date;
  readonly capacity: number;
  readonly booked: number;
  readonly closed: boolean;
}

export interface AppointmentRecord {
  readonly id: string;
  readonly reference: string;
  readonly operatorId: string;
  readonly operatorCode: string;
  readonly kind: AppointmentKind;
  readonly inseeCode: string;
  readonly marketSegment: string | null;
  readonly state: AppointmentState;
  readonly slotId: string;
  readonly zoneCode: string;
  readonly slotStart: Date;
  readonly slotEnd: Date;
  readonly ticketReference: string | null;
  readonly outcomeNote: string | null;
  readonly createdAt: Date;
  readonly stateChangedAt: Date;
}

export interface AppointmentTransitionRecord {
  readonly event: string;
  readonly from: AppointmentState | null;
  readonly to: AppointmentState;
  readonly fromSlotStart: Date | null;
  readonly toSlotStart: Date | null;
  readonly at: Date;
  readonly actorKind: string;
  readonly actor: string;
  readonly reason: string | null;
}

/** Why a slot could not be taken: the statement's condition that failed, read again under the lock. */
export type TakeOutcome = { readonly taken: true; readonly slot: SlotView } | { readonly taken: false; readonly slot: SlotView | null };

export interface NewAppointment {
  readonly operatorId: string;
  readonly slotId: string;
  readonly kind: AppointmentKind;
  readonly inseeCode: string;
  readonly marketSegment: string | null;
  readonly ticketId: string | null;
  readonly at: Date;
}

export interface AppointmentChange {
  readonly event: AppointmentEvent | 'book';
  readonly from: AppointmentState | null;
  readonly to: AppointmentState;
  readonly fromSlotId: string | null;
  readonly toSlotId: string | null;
  readonly actor: Actor;
  readonly reason: string | null;
  readonly outcomeNote?: string | null;
  readonly at: Date;
}

/** One transaction of the appointment store: every write of one use case commits or none does. */
export interface AppointmentTransaction {
  /** The appointment, locked; scoped to the operator (null: the OI's side). */
  lockAppointment(operatorId: string | null, reference: string): Promise<AppointmentRecord | null>;
  /**
   * Takes one place in a slot of this zone (and kind, when given: Interop'Fibre's reservation names none) if it has
   * one, is open and starts after `now` (row lock + CHECK).
   */
  takeSlot(slotId: string, zoneId: string, kind: AppointmentKind | null, now: Date): Promise<TakeOutcome>;
  releaseSlot(slotId: string): Promise<void>;
  insertAppointment(a: NewAppointment): Promise<{ readonly id: string; readonly reference: string }>;
  /** Writes the appointment's new state and slot, and its transition. */
  record(appointmentId: string, operatorId: string, change: AppointmentChange): Promise<void>;
  /** The ticket, locked in this transaction, of this operator (S2, A6). */
  ticket(operatorId: string | null, reference: string): Promise<TicketTransaction | null>;
  /** The ticket an appointment serves, locked in this transaction. */
  ticketOf(appointmentId: string): Promise<TicketTransaction | null>;
}

export interface AppointmentStore {
  /** The idCreneau HMAC key, kept in PostgreSQL. */
  slotSecret(): Promise<Buffer>;
  zoneOfCommune(inseeCode: string): Promise<Zone | null>;
  /**
   * Makes the slots the zone's grid plans for these Paris dates (once; the planner is given the zone's closures),
   * then answers the slots of this kind starting in [from, to) with a free place, open.
   */
  freeSlots(zoneId: string, kind: AppointmentKind, from: Date, to: Date,
    plan: (grid: readonly GridRule[], closed: ReadonlySet<string>) => PlannedSlot[]): Promise<SlotView[]>;
  inTransaction<T>(fn: (tx: AppointmentTransaction) => Promise<T>): Promise<T>;
  find(operatorId: string | null, reference: string): Promise<AppointmentRecord | null>;
  history(appointmentId: string): Promise<AppointmentTransitionRecord[]>;
  /** The OI's list: by operator (its code), zone, state, period of the slots' start. */
  list(filter: AppointmentFilter, limit: number): Promise<AppointmentRecord[]>;
}

export interface AppointmentFilter {
  readonly operatorCode?: string | null;
  readonly zoneCode?: string | null;
  readonly state?: AppointmentState | null;
  readonly from?: Date | null;
  readonly to?: Date | null;
}

/** A zone of the plan, as the OI's tools list it. */
export interface ZoneSummary { readonly code: string; readonly label: string; readonly communes: string[]; readonly kinds: string[] }

/** A made slot and its free capacity, as the OI's tools show it. */
export interface SlotLine {
  readonly kind: string; readonly start: Date; readonly end: Date; readonly capacity: number; readonly booked: number; readonly closed: boolean;
}
