/**
 * SQL of the tickets (src/store/ticket-store.ts), as named query functions (pg-boss style). Every query is scoped to
 * the operator unless it is the OI's side (operatorId null).
 */
import type { NewTicket, SearchCriteria, StateChange } from '../../domain/tickets.js';
import type { Query } from '../database.js';
import { FILED_IN_EVENT_TEXT, inProgressAt, NETWORK_AUTHOR } from './network-events.js';
import { DELIVERIES_OF_EVENTS } from './notification-outbox.js';

export const TICKET_COLUMNS = `t.id, t.reference, t.operator_id, o.code AS operator_code, t.service_id, t.offer_code, t.operator_reference, t.content_hash,
  t.form_id, t.form_version, t.form_fields, t.state, t.accepted_at, t.state_changed_at, t.closed_at, t.freeze_reason, t.freeze_detail`;

/** The written ticket's columns but its form (the caller has it: not sent back and parsed again). */
const FILED_COLUMNS = TICKET_COLUMNS.replace(/\bt\.form_fields, /, '').replace(/\bt\./g, 'w.');

/**
 * A page of tickets matching the criteria, and how many match, in one round trip: the matching set once (ids and
 * dates), its count, and the page joined back to the tickets for the columns asked. Only the criteria given become
 * predicates, so that the planner sees plain comparisons it can use an index for (a "$n IS NULL OR column = $n"
 * predicate defeats the indexes); the shape of the criteria names the prepared statement.
 * S3: closed (terminal) tickets only while closed after visibleSince.
 */
export function searchTicketPage(operatorId: string | null, c: SearchCriteria, visibleSince: Date, limit: number, offset: number,
  columns: string, join: string, kind: string): Query {
  const values: unknown[] = [visibleSince];
  const where = [`(t.state NOT IN ('EN_REJET', 'CLOS_TABLEAU_DE_BORD', 'ANNULE') OR t.closed_at IS NULL OR t.closed_at > $1)`];
  const shape: string[] = [];
  const add = (key: string, predicate: (n: number) => string, value: unknown): void => {
    values.push(value);
    where.push(predicate(values.length));
    shape.push(key);
  };
  if (operatorId !== null) add('o', (n) => `t.operator_id = $${n}`, operatorId);
  if (c.states.length > 0) add('s', (n) => `t.state = ANY($${n}::text[])`, c.states);
  if (c.serviceId !== null) add('p', (n) => `t.service_id = $${n}`, c.serviceId);
  if (c.from !== null) add('f', (n) => `t.accepted_at >= $${n}`, c.from);
  if (c.to !== null) add('t', (n) => `t.accepted_at <= $${n}`, c.to);
  return {
    name: `ticket-search-${kind}-${shape.join('') || 'all'}`,
    text: `WITH m AS (SELECT t.id, t.accepted_at FROM ticket t WHERE ${where.join(' AND ')}),
                p AS (SELECT id FROM m ORDER BY accepted_at DESC, id DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2})
           SELECT (SELECT count(*) FROM m) AS total, t.id IS NOT NULL AS found, ${columns}
             FROM (SELECT 1) AS one LEFT JOIN (p JOIN ticket t ON t.id = p.id ${join}) ON true
            ORDER BY t.accepted_at DESC, t.id DESC`,
    values: [...values, limit, offset]
  };
}

/**
 * The scoped keys of a batch: unnest(keys, operators) WITH ORDINALITY joined to the table, so that each answer goes
 * back to the position that asked (column i), and a key asked by another operator matches nothing.
 */
export function lookupScopedKeys(name: string, select: string, join: string, keys: readonly string[], operatorIds: readonly string[]): Query {
  return {
    name,
    text: `SELECT k.i, ${select} FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS k(key, operator_id, i) ${join}`,
    values: [keys, operatorIds]
  };
}

/**
 * One statement, atomic (an implicit transaction), for a batch of filings: each filing's service read (scoped to the
 * operator, A6) and its conditions checked (FilingConditions: active, offer in the profile, open on the Paris date,
 * the form's offer), then for the admissible ones the tickets, their first transitions, their events and the
 * events' deliveries; a ticket whose service is inside an open network incident or a planned work in progress is
 * linked to it, with the OI's comment that names it (issue 15 part 5: one index probe per filing when there is none); a ticket
 * whose service an open e-intervention reported cut, and not restored, is linked to that intervention (issue 18); a filing that relied on a line test (S5) is linked to it. A batch holds one filing per operator reference (the first admissible one asked); the
 * others of the same reference, and those already filed, are not inserted (row null: the caller reads the original).
 */
export function fileTickets(ts: readonly NewTicket[]): Query {
  return {
    name: 'ticket-file-batch',
    text: `WITH g AS (
             SELECT k.*, s.id AS service_pk, s.offer_code, s.state AS service_state, f.filing_opens_on, coalesce(f.form_offer, s.offer_code) AS forms_of,
                    coalesce(s.state = 'active'
                             AND (s.offer_code = ANY(k.offers) OR '*' = ANY(k.offers))
                             AND f.filing_opens_on <= k.paris_date AND coalesce(f.form_offer, s.offer_code) = k.form_offer, false) AS admissible
               FROM jsonb_to_recordset($1::jsonb) AS k(i int, operator_id bigint, service_id text, operator_reference text, content_hash text,
                                                       form_id text, form_version int, form_fields jsonb, at timestamptz, actor text,
                                                       offers text[], paris_date date, form_offer text, relied_test text)
               LEFT JOIN service s ON s.service_id = k.service_id AND s.operator_id = k.operator_id
               LEFT JOIN offer f ON f.code = s.offer_code
           ), a AS (
             SELECT DISTINCT ON (operator_id, operator_reference) * FROM g WHERE admissible ORDER BY operator_id, operator_reference, i
           ), t AS (
             INSERT INTO ticket (reference, operator_id, service_pk, service_id, offer_code, operator_reference, content_hash, form_id, form_version,
                                 form_fields, state, accepted_at, state_changed_at)
             SELECT 'SIG-' || to_char(a.at AT TIME ZONE 'Europe/Paris', 'YYYY') || '-' || ticket_number_text(nextval('ticket_number')),
                    a.operator_id, a.service_pk, a.service_id, a.offer_code, a.operator_reference, a.content_hash, a.form_id, a.form_version,
                    a.form_fields, 'EN_DEPOT', a.at, a.at
               FROM a ORDER BY a.i
             ON CONFLICT (operator_id, operator_reference) DO NOTHING RETURNING *
           ), w AS (
             SELECT a.i, a.actor, a.relied_test, t.* FROM t JOIN a ON a.operator_id = t.operator_id AND a.operator_reference = t.operator_reference
           ), tr AS (
             INSERT INTO ticket_transition (ticket_id, operator_id, from_state, to_state, at, actor_kind, actor)
             SELECT w.id, w.operator_id, NULL, 'EN_DEPOT', w.accepted_at, 'operator', w.actor FROM w
           ), lk AS (
             INSERT INTO ticket_network_event (ticket_id, event_id, event_reference, operator_id, linked_at)
             SELECT DISTINCT w.id, ev.id, ev.reference, w.operator_id, w.accepted_at
               FROM w JOIN network_event_impact i ON i.service_pk = w.service_pk
               JOIN network_event ev ON ev.id = i.event_id AND ev.closed_at IS NULL
              WHERE ${inProgressAt('w.accepted_at')}
             RETURNING ticket_id, event_id
           ), lt AS (
             INSERT INTO ticket_line_test (ticket_id, operator_id, test_reference)
             SELECT w.id, w.operator_id, w.relied_test FROM w WHERE w.relied_test IS NOT NULL
           ), lki AS (
             INSERT INTO ticket_e_intervention (ticket_id, intervention_id, ref_interv_oi, operator_id, linked_at)
             SELECT DISTINCT w.id, iv.id, iv.ref_interv_oi, w.operator_id, w.accepted_at
               FROM w JOIN e_intervention_line l ON l.operator_id = w.operator_id AND l.service_id = w.service_id AND l.restored_at IS NULL
               JOIN e_intervention iv ON iv.id = l.intervention_id AND iv.state <> 'CLOTUREE'
           ), ln AS (
             SELECT lk.ticket_id, w.operator_id, w.reference, w.accepted_at AS at, ev.id AS event_id, ${FILED_IN_EVENT_TEXT} AS text
               FROM lk JOIN w ON w.id = lk.ticket_id JOIN network_event ev ON ev.id = lk.event_id JOIN network_element x ON x.id = ev.element_id
           ), cm AS (
             INSERT INTO ticket_comment (ticket_id, operator_id, author_kind, author, text, at)
             SELECT ticket_id, operator_id, 'oi', '${NETWORK_AUTHOR}', text, at FROM ln ORDER BY ticket_id, event_id
           ), e AS (
             INSERT INTO ticket_event (ticket_id, operator_id, kind, payload, at)
             SELECT x.ticket_id, x.operator_id, x.kind, x.payload, x.at FROM (
               SELECT id AS ticket_id, operator_id, 'state' AS kind,
                      jsonb_build_object('reference', reference, 'from', NULL, 'to', 'EN_DEPOT', 'reason', NULL) AS payload, accepted_at AS at, 0::bigint AS rank
                 FROM t
               UNION ALL
               SELECT ticket_id, operator_id, 'comment', jsonb_build_object('reference', reference, 'text', text), at, event_id FROM ln
             ) x ORDER BY x.ticket_id, x.rank
             RETURNING id, ticket_id, operator_id, at
           ), d AS (
             ${DELIVERIES_OF_EVENTS}
           )
           SELECT g.i, g.service_pk AS target_pk, g.service_id AS target_service_id, g.offer_code AS target_offer, g.forms_of AS target_forms_of,
                  to_char(g.filing_opens_on, 'YYYY-MM-DD') AS target_opens, g.service_state AS target_state, g.admissible,
                  ${FILED_COLUMNS}
             FROM g LEFT JOIN (w JOIN operator o ON o.id = w.operator_id) ON w.i = g.i
            ORDER BY g.i`,
    // One JSON document for the batch (one native stringify; the pg driver escapes text arrays element by element).
    values: [JSON.stringify(ts.map((t, i) => ({
      i: i + 1, operator_id: t.operatorId, service_id: t.serviceId, operator_reference: t.operatorReference, content_hash: t.contentHash,
      form_id: t.formId, form_version: t.formVersion, form_fields: t.formFields, at: t.at, actor: t.actor,
      offers: t.conditions.offers, paris_date: t.conditions.parisDate, form_offer: t.conditions.formOffer,
      relied_test: t.reliedTest ?? null
    })))]
  };
}

/** A ticket by its reference, of this operator (null: the OI's side), locked for a change when asked. */
export function ticketByReference(operatorId: string | null, reference: string, lock: boolean): Query {
  return {
    text: `SELECT ${TICKET_COLUMNS} FROM ticket t JOIN operator o ON o.id = t.operator_id
              WHERE t.reference = $1 AND ($2::bigint IS NULL OR t.operator_id = $2)${lock ? ' FOR UPDATE OF t' : ''}`,
    values: [reference, operatorId]
  };
}

export function ticketByOperatorReference(operatorId: string, operatorReference: string): Query {
  return {
    name: 'ticket-by-operator-reference',
    text: `SELECT ${TICKET_COLUMNS} FROM ticket t JOIN operator o ON o.id = t.operator_id WHERE t.operator_id = $1 AND t.operator_reference = $2`,
    values: [operatorId, operatorReference]
  };
}

export function updateTicketState(ticketId: string, c: StateChange): Query {
  return {
    text: `UPDATE ticket SET state = $2, state_changed_at = $3, closed_at = $4, freeze_reason = $5, freeze_detail = $6 WHERE id = $1`,
    values: [ticketId, c.outcome.to, c.at, c.closedAt, c.freezeReason, c.freezeDetail]
  };
}

export function insertTicketTransition(ticketId: string, operatorId: string, c: StateChange): Query {
  return {
    text: `INSERT INTO ticket_transition (ticket_id, operator_id, from_state, to_state, at, actor_kind, actor, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    values: [ticketId, operatorId, c.outcome.from, c.outcome.to, c.at, c.actor.kind, c.actor.name, c.reason]
  };
}

export function insertTicketComment(ticketId: string, operatorId: string, authorKind: string, author: string, text: string, at: Date): Query {
  return {
    text: 'INSERT INTO ticket_comment (ticket_id, operator_id, author_kind, author, text, at) VALUES ($1, $2, $3, $4, $5, $6)',
    values: [ticketId, operatorId, authorKind, author, text, at]
  };
}

export function transitionsOfTicket(ticketId: string): Query {
  return { text: 'SELECT from_state, to_state, at, actor_kind, actor, reason FROM ticket_transition WHERE ticket_id = $1 ORDER BY id', values: [ticketId] };
}

export function commentsOfTicket(ticketId: string): Query {
  return { text: 'SELECT at, author_kind, author, text FROM ticket_comment WHERE ticket_id = $1 ORDER BY id', values: [ticketId] };
}
