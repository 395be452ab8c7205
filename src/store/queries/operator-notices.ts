/**
 * SQL of the operator notices of one operator and one subject (0014, 0018): an appointment's change and a line test's
 * outcome, each built from the rows as the change left them, in the change's own transaction (the caller holds the
 * subject's row lock: two notices of one subject never get the same rank). A pushed notice (note null) gets its
 * delivery, due at once; one the operator's endpoint cannot take is recorded with why (channel 'none').
 */
import type { AppointmentChange } from '../../domain/appointment-records.js';
import type { Query } from '../database.js';

/** Inserts the notice built by the CTE `src` (operator_id, subject, payload), and its delivery when pushed. */
const NOTICE_INSERT = (kind: string, note: string, at: string): string => `n AS (
             INSERT INTO operator_notice (operator_id, kind, subject, sequence, channel, note, payload, at)
             SELECT src.operator_id, '${kind}', src.subject,
                    coalesce((SELECT max(p.sequence) FROM operator_notice p WHERE p.subject = src.subject AND p.operator_id = src.operator_id), 0) + 1,
                    CASE WHEN ${note}::text IS NULL THEN 'endpoint' ELSE 'none' END, ${note}, src.payload, ${at}
               FROM src
             RETURNING id, operator_id, subject, channel, at
           ), d AS (
             INSERT INTO notification_delivery (notice_pk, notice_subject, operator_id, next_attempt_at)
             SELECT n.id, n.subject, n.operator_id, n.at FROM n WHERE n.channel = 'endpoint'
           )
           SELECT n.channel FROM n`;

/**
 * The appointment as this change left it: its slot, the slot it left (a move or a new appointment), the ticket it
 * serves, what happened, who did it and why.
 */
export function recordAppointmentNotice(appointmentId: string, c: AppointmentChange, note: string | null): Query {
  return {
    name: 'appointment-notice-record',
    text: `WITH src AS (
             SELECT a.operator_id, 'appointment:' || a.id AS subject,
                    jsonb_build_object('event', $3::text, 'actorKind', $4::text, 'reference', a.reference, 'kind', a.kind, 'fromState', $5::text,
                      'state', a.state, 'start', s.starts_at, 'end', s.ends_at, 'previousStart', fs.starts_at, 'inseeCode', a.insee_code,
                      'ticketReference', t.reference, 'reason', $6::text) AS payload
               FROM appointment a JOIN appointment_slot s ON s.id = a.slot_id
               LEFT JOIN appointment_slot fs ON fs.id = $2::bigint AND fs.id <> a.slot_id
               LEFT JOIN ticket t ON t.id = a.ticket_id
              WHERE a.id = $1
           ), ${NOTICE_INSERT('appointment', '$7', '$8')}`,
    values: [appointmentId, c.fromSlotId, c.event, c.actor.kind === 'oi' ? 'oi' : 'operator', c.from, c.reason ?? c.outcomeNote ?? null, note, c.at]
  };
}

/** The test's outcome as it was just written (TERMINE with its measures and diagnosis, or ECHEC with why). */
export function recordLineTestNotice(testId: string, note: string | null, at: Date): Query {
  return {
    name: 'line-test-notice-record',
    text: `WITH src AS (
             SELECT lt.operator_id, 'line-test:' || lt.id AS subject,
                    jsonb_build_object('reference', lt.reference, 'serviceId', lt.service_id, 'testCode', lt.test_code, 'state', lt.state,
                      'launchedAt', lt.launched_at, 'finishedAt', lt.finished_at, 'measures', lt.measures, 'diagnosis', lt.diagnosis,
                      'failureReason', lt.failure_reason) AS payload
               FROM line_test lt WHERE lt.id = $1 AND lt.state IN ('TERMINE', 'ECHEC')
           ), ${NOTICE_INSERT('line_test', '$2', '$3')}`,
    values: [testId, note, at]
  };
}
