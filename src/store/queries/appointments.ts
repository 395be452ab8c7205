/** SQL of the appointments (src/store/appointment-store.ts), as named query functions (pg-boss style). */
import type { AppointmentChange, AppointmentFilter, NewAppointment } from '../../domain/appointment-records.js';
import type { AppointmentKind } from '../../domain/appointments.js';
import type { PlannedSlot } from '../../domain/appointment-slots.js';
import type { Query } from '../database.js';

export const slotSecret = (): Query => ({ name: 'appointment-secret', text: 'SELECT hmac_key FROM appointment_secret', values: [] });

export function zoneOfCommune(inseeCode: string): Query {
  return {
    name: 'appointment-zone-of-commune',
    text: `SELECT z.id, z.code FROM appointment_zone_commune c JOIN appointment_zone z ON z.id = c.zone_id WHERE c.insee_code = $1`,
    values: [inseeCode]
  };
}

export function gridOfZone(zoneId: string, kind: AppointmentKind): Query {
  return {
    name: 'appointment-grid-of-zone',
    text: `SELECT kind, weekdays, first_start_minute, slot_minutes, slots_per_day, capacity, on_holidays
             FROM appointment_grid WHERE zone_id = $1 AND kind = $2`,
    values: [zoneId, kind]
  };
}

/** The zone's closed Paris dates in a period (its own and the OI-wide ones). */
export function closedDays(zoneId: string, from: string, to: string): Query {
  return {
    name: 'appointment-closed-days',
    text: `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM appointment_closure WHERE (zone_id = $1 OR zone_id IS NULL) AND day BETWEEN $2::date AND $3::date`,
    values: [zoneId, from, to]
  };
}

/** Makes the planned slots that do not exist yet; existing ones keep their capacity and bookings. */
export function insertSlots(zoneId: string, slots: readonly PlannedSlot[]): Query {
  return {
    name: 'appointment-insert-slots',
    text: `INSERT INTO appointment_slot (zone_id, kind, starts_at, ends_at, capacity)
           SELECT $1, k, s, e, c FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::int[]) AS p(k, s, e, c)
           ON CONFLICT (zone_id, kind, starts_at) DO NOTHING`,
    values: [zoneId, slots.map((s) => s.kind), slots.map((s) => s.start), slots.map((s) => s.end), slots.map((s) => s.capacity)]
  };
}

const SLOT_COLUMNS = 's.id, s.zone_id, s.kind, s.starts_at, s.ends_at, s.capacity, s.booked, s.closed';

export function freeSlots(zoneId: string, kind: AppointmentKind, from: Date, to: Date): Query {
  return {
    name: 'appointment-free-slots',
    text: `SELECT ${SLOT_COLUMNS} FROM appointment_slot s
            WHERE s.zone_id = $1 AND s.kind = $2 AND s.starts_at >= $3 AND s.starts_at < $4 AND NOT s.closed AND s.booked < s.capacity
            ORDER BY s.starts_at`,
    values: [zoneId, kind, from, to]
  };
}

/**
 * Takes one place: the UPDATE takes the slot's row lock, so concurrent bookings queue on it (on every instance) and
 * each re-reads the row once it holds the lock (READ COMMITTED re-checks the WHERE on the latest version); the
 * table's CHECK (booked <= capacity) holds even if a statement forgot this condition.
 */
export function takeSlot(slotId: string, zoneId: string, kind: AppointmentKind | null, now: Date): Query {
  return {
    name: 'appointment-take-slot',
    text: `UPDATE appointment_slot s SET booked = booked + 1
            WHERE s.id = $1 AND s.zone_id = $2 AND ($3::text IS NULL OR s.kind = $3) AND NOT s.closed AND s.starts_at > $4 AND s.booked < s.capacity
           RETURNING ${SLOT_COLUMNS}`,
    values: [slotId, zoneId, kind, now]
  };
}

/** The slot as it is now (after a refused take: why it was refused), in this zone and kind only. */
export function slotInZone(slotId: string, zoneId: string, kind: AppointmentKind | null): Query {
  return {
    name: 'appointment-slot-in-zone',
    text: `SELECT ${SLOT_COLUMNS} FROM appointment_slot s WHERE s.id = $1 AND s.zone_id = $2 AND ($3::text IS NULL OR s.kind = $3)`,
    values: [slotId, zoneId, kind]
  };
}

export function releaseSlot(slotId: string): Query {
  return { name: 'appointment-release-slot', text: 'UPDATE appointment_slot SET booked = booked - 1 WHERE id = $1 AND booked > 0', values: [slotId] };
}

export function insertAppointment(a: NewAppointment): Query {
  return {
    name: 'appointment-insert',
    text: `INSERT INTO appointment (reference, operator_id, slot_id, kind, insee_code, market_segment, state, ticket_id, created_at, state_changed_at)
           VALUES ('RDV-' || to_char($7::timestamptz AT TIME ZONE 'Europe/Paris', 'YYYY') || '-' || lpad(nextval('appointment_number')::text, 7, '0'),
                   $1, $2, $3, $4, $5, 'CREE', $6, $7, $7)
           RETURNING id, reference`,
    values: [a.operatorId, a.slotId, a.kind, a.inseeCode, a.marketSegment, a.ticketId, a.at]
  };
}

export function updateAppointment(appointmentId: string, c: AppointmentChange): Query {
  return {
    name: 'appointment-update',
    text: `UPDATE appointment SET state = $2, slot_id = $3, state_changed_at = $4, outcome_note = CASE WHEN $5::boolean THEN $6 ELSE outcome_note END
            WHERE id = $1`,
    values: [appointmentId, c.to, c.toSlotId, c.at, c.outcomeNote !== undefined, c.outcomeNote ?? null]
  };
}

export function insertAppointmentTransition(appointmentId: string, operatorId: string, c: AppointmentChange): Query {
  return {
    name: 'appointment-transition-insert',
    text: `INSERT INTO appointment_transition
             (appointment_id, operator_id, from_state, to_state, from_slot_id, to_slot_id, event, at, actor_kind, actor, reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    values: [appointmentId, operatorId, c.from, c.to, c.fromSlotId, c.toSlotId, c.event, c.at, c.actor.kind, c.actor.name, c.reason]
  };
}

const APPOINTMENT_COLUMNS = `a.id, a.reference, a.operator_id, o.code AS operator_code, a.kind, a.insee_code, a.market_segment, a.state, a.slot_id,
  z.code AS zone_code, s.starts_at, s.ends_at, t.reference AS ticket_reference, a.outcome_note, a.created_at, a.state_changed_at`;
const APPOINTMENT_FROM = `appointment a JOIN operator o ON o.id = a.operator_id JOIN appointment_slot s ON s.id = a.slot_id
  JOIN appointment_zone z ON z.id = s.zone_id LEFT JOIN ticket t ON t.id = a.ticket_id`;

/** One appointment by reference, scoped to the operator (null: the OI's side); FOR UPDATE OF a when locking. */
export function appointmentByReference(operatorId: string | null, reference: string, lock: boolean): Query {
  return {
    name: `appointment-by-reference${lock ? '-lock' : ''}`,
    text: `SELECT ${APPOINTMENT_COLUMNS} FROM ${APPOINTMENT_FROM}
            WHERE a.reference = $1 AND ($2::bigint IS NULL OR a.operator_id = $2)${lock ? ' FOR UPDATE OF a' : ''}`,
    values: [reference, operatorId]
  };
}

export function ticketIdOfAppointment(appointmentId: string): Query {
  return {
    name: 'appointment-ticket-reference',
    text: `SELECT t.reference, t.operator_id FROM appointment a JOIN ticket t ON t.id = a.ticket_id WHERE a.id = $1`,
    values: [appointmentId]
  };
}

export function appointmentHistory(appointmentId: string): Query {
  return {
    name: 'appointment-history',
    text: `SELECT tr.event, tr.from_state, tr.to_state, fs.starts_at AS from_start, ts.starts_at AS to_start, tr.at, tr.actor_kind, tr.actor, tr.reason
             FROM appointment_transition tr LEFT JOIN appointment_slot fs ON fs.id = tr.from_slot_id LEFT JOIN appointment_slot ts ON ts.id = tr.to_slot_id
            WHERE tr.appointment_id = $1 ORDER BY tr.id`,
    values: [appointmentId]
  };
}

export function listAppointments(f: AppointmentFilter, limit: number): Query {
  return {
    text: `SELECT ${APPOINTMENT_COLUMNS} FROM ${APPOINTMENT_FROM}
            WHERE ($1::text IS NULL OR o.code = $1) AND ($2::text IS NULL OR z.code = $2) AND ($3::text IS NULL OR a.state = $3)
              AND ($4::timestamptz IS NULL OR s.starts_at >= $4) AND ($5::timestamptz IS NULL OR s.starts_at < $5)
            ORDER BY s.starts_at, a.id LIMIT $6`,
    values: [f.operatorCode ?? null, f.zoneCode ?? null, f.state ?? null, f.from ?? null, f.to ?? null, limit]
  };
}
