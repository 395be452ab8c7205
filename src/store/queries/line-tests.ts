/**
 * SQL of the line tests (issue 17): the operator's reads (every one filtered by operator_id, A6), the launch, the
 * queue's claims and outcomes, the simulated network's element states, and the 90-day purge. Named query functions
 * returning { text, values } (pg-boss style).
 */
import type { Query } from '../database.js';

export const LINE_TEST_COLUMNS = `t.reference, t.service_id, t.test_code, t.kind, t.state, t.parameters, t.launched_at, t.finished_at, t.measures,
  t.diagnosis, t.failure_reason`;

/** The operator's service and the element that runs its tests: its PM (the OLT port behind it), else its A end's PM, else itself. */
export function serviceLineOf(operatorId: string, serviceId: string): Query {
  return {
    name: 'line-test-service-line',
    text: `SELECT s.id AS service_pk, s.service_id, s.offer_code, s.state, coalesce(pm.ref, a.pm_ref, s.service_id) AS element_key
             FROM service s
             LEFT JOIN service_attachment sa ON sa.service_pk = s.id
             LEFT JOIN network_element e ON e.id = sa.element_id
             LEFT JOIN network_element pm ON pm.id = CASE WHEN e.kind = 'PM' THEN e.id ELSE e.pm_id END
             LEFT JOIN service_end a ON a.service_pk = s.id AND a.end_code = 'A'
            WHERE s.operator_id = $1 AND s.service_id = $2`,
    values: [operatorId, serviceId]
  };
}

/** Serialises the action launches of one service (the limit per hour is counted under this lock). */
export function lockService(servicePk: string): Query {
  return { text: 'SELECT id FROM service WHERE id = $1 FOR UPDATE', values: [servicePk] };
}

/** The launches of one test on a service since `since` (the action's limit), oldest first. */
export function launchesSince(servicePk: string, testCode: string, since: Date): Query {
  return {
    text: 'SELECT launched_at FROM line_test WHERE service_pk = $1 AND test_code = $2 AND launched_at > $3 ORDER BY launched_at',
    values: [servicePk, testCode, since]
  };
}

export interface LineTestInsert {
  readonly operatorId: string; readonly servicePk: string; readonly serviceId: string; readonly testCode: string; readonly kind: string;
  readonly parameters: Readonly<Record<string, string>>; readonly thresholds: unknown; readonly elementKey: string; readonly maxAttempts: number;
  readonly timeoutMs: number; readonly at: Date; readonly actor: string; readonly parisDay: string;
}

/** A queued test; its reference from the Paris day and the sequence. */
export function insertLineTest(t: LineTestInsert): Query {
  return {
    name: 'line-test-insert',
    text: `INSERT INTO line_test (reference, operator_id, service_pk, service_id, test_code, kind, parameters, thresholds, element_key, state,
                                  max_attempts, timeout_ms, next_attempt_at, launched_at, actor)
           VALUES ('TST-' || $13 || '-' || lpad((nextval('line_test_number') % 1000000)::text, 6, '0'), $1, $2, $3, $4, $5, $6, $7, $8,
                   'EN_ATTENTE', $9, $10, $11, $11, $12)
           RETURNING reference`,
    values: [t.operatorId, t.servicePk, t.serviceId, t.testCode, t.kind, JSON.stringify(t.parameters), JSON.stringify(t.thresholds ?? {}), t.elementKey,
      t.maxAttempts, t.timeoutMs, t.at, t.actor, t.parisDay]
  };
}

export function lineTestByReference(operatorId: string, reference: string): Query {
  return {
    name: 'line-test-find',
    text: `SELECT ${LINE_TEST_COLUMNS} FROM line_test t WHERE t.operator_id = $1 AND t.reference = $2`,
    values: [operatorId, reference]
  };
}

export function lineTestsOfService(operatorId: string, serviceId: string, since: Date, limit: number): Query {
  return {
    name: 'line-test-search',
    text: `SELECT ${LINE_TEST_COLUMNS}, count(*) OVER () AS total FROM line_test t
            WHERE t.operator_id = $1 AND t.service_id = $2 AND t.launched_at >= $3
            ORDER BY t.launched_at DESC, t.id DESC LIMIT $4`,
    values: [operatorId, serviceId, since, limit]
  };
}

export function latestTerminatedTest(operatorId: string, serviceId: string, codes: readonly string[], since: Date): Query {
  return {
    name: 'line-test-latest-result',
    text: `SELECT ${LINE_TEST_COLUMNS} FROM line_test t
            WHERE t.operator_id = $1 AND t.service_id = $2 AND t.test_code = ANY($3::text[]) AND t.state = 'TERMINE' AND t.finished_at >= $4
            ORDER BY t.finished_at DESC LIMIT 1`,
    values: [operatorId, serviceId, [...codes], since]
  };
}

/** Claims are serialised by this transaction-level lock, so that the cap per element holds across workers exactly. */
export function lockClaims(key: number): Query {
  return { text: 'SELECT pg_advisory_xact_lock($1)', values: [key] };
}

/**
 * Due tests (queued and due, or claimed by a worker whose lease ran out: taken over), at most `cap` claimed at once
 * per element counting those whose lease still runs, leased for their timeout plus `graceMs`. Each claim is an attempt.
 */
export function claimDueTests(now: Date, limit: number, cap: number, worker: string, graceMs: number): Query {
  return {
    name: 'line-test-claim',
    text: `WITH running AS (
             SELECT element_key, count(*)::int AS n FROM line_test WHERE state = 'EN_COURS' AND lease_until > $1 GROUP BY element_key
           ), candidate AS (
             SELECT t.id, coalesce(r.n, 0) AS running, row_number() OVER (PARTITION BY t.element_key ORDER BY t.next_attempt_at, t.id) AS rank
               FROM line_test t LEFT JOIN running r ON r.element_key = t.element_key
              WHERE (t.state = 'EN_ATTENTE' AND t.next_attempt_at <= $1) OR (t.state = 'EN_COURS' AND t.lease_until <= $1)
           ), chosen AS (
             SELECT t.id FROM line_test t JOIN candidate c ON c.id = t.id
              WHERE c.rank <= $3 - c.running
                AND ((t.state = 'EN_ATTENTE' AND t.next_attempt_at <= $1) OR (t.state = 'EN_COURS' AND t.lease_until <= $1))
              ORDER BY t.next_attempt_at, t.id LIMIT $2
              FOR UPDATE OF t SKIP LOCKED
           )
           UPDATE line_test t SET state = 'EN_COURS', attempts = t.attempts + 1, claimed_by = $4,
                  lease_until = $1::timestamptz + (t.timeout_ms + $5) * interval '1 millisecond'
             FROM chosen WHERE t.id = chosen.id
           RETURNING t.id, t.reference, t.operator_id, t.service_pk, t.service_id, t.test_code, t.kind, t.parameters, t.thresholds, t.element_key,
                     t.attempts, t.max_attempts, t.timeout_ms`,
    values: [now, limit, cap, worker, graceMs]
  };
}

/** The outcome of an attempt, written only if this claim is still the test's (a taken-over worker writes nothing). */
export function finishLineTest(id: string, worker: string, attempt: number, state: 'TERMINE' | 'ECHEC', at: Date,
  measures: unknown, diagnosis: string | null, reason: string | null): Query {
  return {
    name: 'line-test-finish',
    text: `UPDATE line_test SET state = $4, finished_at = $5, measures = $6, diagnosis = $7, failure_reason = $8, lease_until = NULL
            WHERE id = $1 AND claimed_by = $2 AND attempts = $3 AND state = 'EN_COURS'
            RETURNING operator_id`,
    values: [id, worker, attempt, state, at, measures === null ? null : JSON.stringify(measures), diagnosis, reason]
  };
}

/** Back in the queue for another attempt at `next`. */
export function requeueLineTest(id: string, worker: string, attempt: number, next: Date, reason: string): Query {
  return {
    name: 'line-test-requeue',
    text: `UPDATE line_test SET state = 'EN_ATTENTE', next_attempt_at = $4, lease_until = NULL, failure_reason = $5
            WHERE id = $1 AND claimed_by = $2 AND attempts = $3 AND state = 'EN_COURS'`,
    values: [id, worker, attempt, next, reason]
  };
}

/** The line's chain (PTO, PBO, PMT, PM, or the PM alone for a prestation PM) with the state the OI gave each element. */
export function lineChainStates(servicePk: string): Query {
  return {
    name: 'line-test-chain',
    text: `SELECT e.kind, e.ref, st.fault, st.value::float8 AS value
             FROM service_attachment sa
             JOIN network_element p ON p.id = sa.element_id
             JOIN network_element e ON e.id IN (p.id, p.pbo_id, p.pmt_id, p.pm_id)
             LEFT JOIN network_element_state st ON st.element_id = e.id
            WHERE sa.service_pk = $1`,
    values: [servicePk]
  };
}

export function upsertElementState(ref: string, fault: string, value: number | null, at: Date, by: string): Query {
  return {
    text: `INSERT INTO network_element_state (element_id, fault, value, set_at, set_by)
           SELECT id, $2, $3, $4, $5 FROM network_element WHERE ref = $1 AND retired_at IS NULL
           ON CONFLICT (element_id) DO UPDATE SET fault = EXCLUDED.fault, value = EXCLUDED.value, set_at = EXCLUDED.set_at, set_by = EXCLUDED.set_by
           RETURNING element_id`,
    values: [ref, fault, value, at, by]
  };
}

export function deleteElementState(ref: string): Query {
  return {
    text: 'DELETE FROM network_element_state st USING network_element e WHERE e.id = st.element_id AND e.ref = $1 RETURNING st.fault',
    values: [ref]
  };
}

export function listElementStates(): Query {
  return {
    text: `SELECT e.kind, e.ref, st.fault, st.value::float8 AS value, st.set_at, st.set_by FROM network_element_state st
             JOIN network_element e ON e.id = st.element_id ORDER BY e.ref`,
    values: []
  };
}

/** Tests past retention (90 days after their launch). */
export function purgeLineTests(before: Date): Query {
  return { text: 'DELETE FROM line_test WHERE launched_at < $1', values: [before] };
}

/** The test a ticket's filing relied on, with its outcome while the test is kept. */
export function lineTestOfTicket(ticketId: string): Query {
  return {
    text: `SELECT l.test_reference AS reference, t.test_code, t.state, t.diagnosis, t.finished_at, t.failure_reason
             FROM ticket_line_test l LEFT JOIN line_test t ON t.reference = l.test_reference AND t.operator_id = l.operator_id
            WHERE l.ticket_id = $1`,
    values: [ticketId]
  };
}
