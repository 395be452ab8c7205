/** SQL of the appointments' capacity plan (src/store/appointment-plan-store.ts), as named query functions. */
import type { AppointmentKind } from '../../domain/appointments.js';
import type { GridRule } from '../../domain/appointment-slots.js';
import type { Query } from '../database.js';

export function zoneByCode(code: string): Query {
  return { name: 'appointment-zone-by-code', text: 'SELECT id FROM appointment_zone WHERE code = $1', values: [code] };
}

export function upsertZone(code: string, label: string): Query {
  return {
    text: `INSERT INTO appointment_zone (code, label) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label RETURNING id`,
    values: [code, label]
  };
}

export function communesTakenElsewhere(zoneId: string, inseeCodes: readonly string[]): Query {
  return {
    text: `SELECT c.insee_code, z.code FROM appointment_zone_commune c JOIN appointment_zone z ON z.id = c.zone_id
            WHERE c.insee_code = ANY($2::text[]) AND c.zone_id <> $1 ORDER BY c.insee_code`,
    values: [zoneId, inseeCodes]
  };
}

export function setCommuneZone(zoneId: string, inseeCodes: readonly string[]): Query {
  return {
    text: `INSERT INTO appointment_zone_commune (insee_code, zone_id) SELECT unnest($2::text[]), $1 ON CONFLICT (insee_code) DO NOTHING`,
    values: [zoneId, inseeCodes]
  };
}

export function upsertGrid(zoneId: string, r: GridRule): Query {
  return {
    text: `INSERT INTO appointment_grid (zone_id, kind, weekdays, first_start_minute, slot_minutes, slots_per_day, capacity, on_holidays)
           VALUES ($1, $2, $3::smallint[], $4, $5, $6, $7, $8)
           ON CONFLICT (zone_id, kind) DO UPDATE SET weekdays = EXCLUDED.weekdays, first_start_minute = EXCLUDED.first_start_minute,
             slot_minutes = EXCLUDED.slot_minutes, slots_per_day = EXCLUDED.slots_per_day, capacity = EXCLUDED.capacity, on_holidays = EXCLUDED.on_holidays`,
    values: [zoneId, r.kind, r.weekdays, r.firstStartMinute, r.slotMinutes, r.slotsPerDay, r.capacity, r.onHolidays]
  };
}

/**
 * The capacity of a day's slots: lowered only where it stays at or above what is booked (the CHECK would refuse it
 * anyway); answers every slot of the day and whether it had more booked than the new capacity.
 */
export function setDaySlotsCapacity(zoneId: string, kind: AppointmentKind, from: Date, to: Date, capacity: number): Query {
  return {
    text: `WITH day AS (SELECT id, booked FROM appointment_slot WHERE zone_id = $1 AND kind = $2 AND starts_at >= $3 AND starts_at < $4 FOR UPDATE),
                u AS (UPDATE appointment_slot s SET capacity = $5 FROM day WHERE s.id = day.id AND day.booked <= $5 RETURNING s.id)
           SELECT day.booked > $5 AS over FROM day`,
    values: [zoneId, kind, from, to, capacity]
  };
}

export function addClosure(zoneId: string | null, day: string, reason: string): Query {
  return { text: `INSERT INTO appointment_closure (zone_id, day, reason) VALUES ($1, $2::date, $3) ON CONFLICT DO NOTHING`, values: [zoneId, day, reason] };
}

export function deleteClosure(zoneId: string | null, day: string): Query {
  return { text: `DELETE FROM appointment_closure WHERE zone_id IS NOT DISTINCT FROM $1 AND day = $2::date`, values: [zoneId, day] };
}

export function closeSlotsOfDay(zoneId: string | null, from: Date, to: Date): Query {
  return {
    text: `UPDATE appointment_slot SET closed = true WHERE ($1::bigint IS NULL OR zone_id = $1) AND starts_at >= $2 AND starts_at < $3 AND NOT closed`,
    values: [zoneId, from, to]
  };
}

/** Reopens a day's slots unless another closure (the zone's own, or the OI-wide one) still covers them. */
export function reopenSlotsOfDay(zoneId: string | null, from: Date, to: Date): Query {
  return {
    text: `UPDATE appointment_slot s SET closed = false
            WHERE ($1::bigint IS NULL OR s.zone_id = $1) AND s.starts_at >= $2 AND s.starts_at < $3 AND s.closed
              AND NOT EXISTS (SELECT 1 FROM appointment_closure c
                               WHERE (c.zone_id = s.zone_id OR c.zone_id IS NULL) AND c.day = (s.starts_at AT TIME ZONE 'Europe/Paris')::date)`,
    values: [zoneId, from, to]
  };
}

export function zoneList(): Query {
  return {
    text: `SELECT z.code, z.label,
                  (SELECT array_agg(c.insee_code::text ORDER BY c.insee_code) FROM appointment_zone_commune c WHERE c.zone_id = z.id) AS communes,
                  (SELECT array_agg(g.kind ORDER BY g.kind) FROM appointment_grid g WHERE g.zone_id = z.id) AS kinds
             FROM appointment_zone z ORDER BY z.code`,
    values: []
  };
}

export function slotsOfPeriod(zoneId: string, kind: AppointmentKind, from: Date, to: Date): Query {
  return {
    text: `SELECT kind, starts_at, ends_at, capacity, booked, closed FROM appointment_slot
            WHERE zone_id = $1 AND kind = $2 AND starts_at >= $3 AND starts_at < $4 ORDER BY starts_at`,
    values: [zoneId, kind, from, to]
  };
}
