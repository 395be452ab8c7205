/**
 * SQL of planned works (TP) and network incidents (DERCO), issue 15 part 2, as named query functions. Impacts are
 * stored with the event (network_event_impact) so that an operator's query and the filing cross-check read
 * indexed rows instead of walking the inventory.
 */
import type { EventDeclaration, EventFields } from '../../domain/network-event.js';
import type { NetworkEventState } from '../../domain/network-event-lifecycle.js';
import type { Query } from '../database.js';
import { DELIVERIES_OF_EVENTS } from './notification-outbox.js';

export interface EventRow {
  id: string; reference: string; category: 'TP' | 'DERCO'; equipment_kind: 'PM' | 'PMT' | 'PBO' | 'LIENPMPBO'; equipment_ref: string; pm_ref: string;
  pmt_ref: string | null; pbo_ref: string | null; state: NetworkEventState; nature: EventFields['nature']; starts_at: Date | null; ends_at: Date | null;
  curative: boolean; intervention_required: boolean; comments: string | null; oi_contact: string | null;
  created_at: Date; modified_at: Date; closed_at: Date | null;
}

/** The columns of EventRow, from network_event ev joined to its element x and PM pm. */
export const EVENT_COLUMNS = `ev.id, ev.reference, ev.category, ev.equipment_kind, x.ref AS equipment_ref, pm.ref AS pm_ref,
  CASE WHEN x.kind = 'PMT' THEN x.ref ELSE xpmt.ref END AS pmt_ref, CASE WHEN x.kind = 'PBO' THEN x.ref END AS pbo_ref,
  ev.state, ev.nature, ev.starts_at, ev.ends_at, ev.curative, ev.intervention_required, ev.comments, ev.oi_contact,
  ev.created_at, ev.modified_at, ev.closed_at`;
export const EVENT_FROM = `network_event ev JOIN network_element x ON x.id = ev.element_id JOIN network_element pm ON pm.id = ev.pm_id
  LEFT JOIN network_element xpmt ON xpmt.id = x.pmt_id`;

/** The element an event is declared on: of the expected kind, not retired; with its PM. */
export function equipmentForEvent(kind: string, ref: string): Query {
  return {
    text: `SELECT id, COALESCE(pm_id, id) AS pm_id FROM network_element WHERE kind = $1 AND ref = $2 AND retired_at IS NULL`,
    values: [kind, ref]
  };
}

export function insertEvent(d: EventDeclaration, elementId: string, pmId: string, now: Date): Query {
  return {
    text: `INSERT INTO network_event (reference, category, equipment_kind, element_id, pm_id, state, nature, starts_at, ends_at, curative,
                                      intervention_required, comments, oi_contact, created_at, modified_at)
           VALUES ($1 || '-' || lpad(nextval('network_event_number')::text, 7, '0'), $1, $2, $3, $4, 'NOUVEAU', $5, $6, $7, $8, $9, $10, $11, $12, $12)
           RETURNING id, reference`,
    values: [d.category, d.equipmentKind, elementId, pmId, d.nature, d.start, d.end, d.curative, d.interventionRequired, d.comments, d.oiContact, now]
  };
}

export function eventByReference(reference: string, forUpdate: boolean): Query {
  return {
    text: `SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE ev.reference = $1 ${forUpdate ? 'FOR UPDATE OF ev' : ''}`,
    values: [reference]
  };
}

/** Writes the fields and state after a move; closed_at is set by the final states. */
export function updateEvent(id: string, state: NetworkEventState, f: EventFields, now: Date): Query {
  return {
    text: `UPDATE network_event SET state = $2, nature = $3, starts_at = $4, ends_at = $5, curative = $6, intervention_required = $7,
                  comments = $8, oi_contact = $9, modified_at = $10, closed_at = CASE WHEN $2 IN ('CLOTURE', 'ANNULE') THEN $10::timestamptz END
            WHERE id = $1`,
    values: [id, state, f.nature, f.start, f.end, f.curative, f.interventionRequired, f.comments, f.oiContact, now]
  };
}

export function listEvents(openOnly: boolean, category: string | null, limit: number): Query {
  return {
    text: `SELECT ${EVENT_COLUMNS}, (SELECT count(DISTINCT prise_id)::int FROM network_event_impact i WHERE i.event_id = ev.id) AS prises,
                  (SELECT count(service_pk)::int FROM network_event_impact i WHERE i.event_id = ev.id) AS services
             FROM ${EVENT_FROM}
            WHERE ($1::boolean IS FALSE OR ev.closed_at IS NULL) AND ($2::text IS NULL OR ev.category = $2)
            ORDER BY ev.id DESC LIMIT $3`,
    values: [openOnly, category, limit]
  };
}

/**
 * Recomputes the impacts of open events (all of them, or these): every prise downstream of the equipment, with the
 * active services on it, and the active PM prestations at the event's PM. One branch per equipment kind, each an
 * index probe (network_element_pm / _pmt / _pbo).
 */
export function clearImpacts(eventIds: readonly string[] | null): Query {
  return {
    text: `DELETE FROM network_event_impact i USING network_event ev
            WHERE i.event_id = ev.id AND ev.closed_at IS NULL AND ($1::bigint[] IS NULL OR ev.id = ANY($1::bigint[]))`,
    values: [eventIds]
  };
}

export function computeImpacts(eventIds: readonly string[] | null): Query {
  const open = `ev.closed_at IS NULL AND ($1::bigint[] IS NULL OR ev.id = ANY($1::bigint[]))`;
  return {
    text: `WITH prises AS (
             SELECT ev.id AS event_id, p.id AS prise_id FROM network_event ev
               JOIN network_element p ON p.pm_id = ev.element_id AND p.kind = 'PTO' AND p.retired_at IS NULL WHERE ev.equipment_kind = 'PM' AND ${open}
             UNION ALL
             SELECT ev.id, p.id FROM network_event ev
               JOIN network_element p ON p.pmt_id = ev.element_id AND p.kind = 'PTO' AND p.retired_at IS NULL WHERE ev.equipment_kind = 'PMT' AND ${open}
             UNION ALL
             SELECT ev.id, p.id FROM network_event ev
               JOIN network_element p ON p.pbo_id = ev.element_id AND p.retired_at IS NULL WHERE ev.equipment_kind IN ('PBO', 'LIENPMPBO') AND ${open})
           INSERT INTO network_event_impact (event_id, prise_id, service_pk, operator_id)
           SELECT pr.event_id, pr.prise_id, s.id, s.operator_id
             FROM prises pr LEFT JOIN (service_attachment a JOIN service s ON s.id = a.service_pk AND s.state = 'active')
                  ON a.element_id = pr.prise_id AND a.role = 'prise'
           UNION ALL
           SELECT ev.id, NULL, s.id, s.operator_id
             FROM network_event ev JOIN service_attachment a ON a.element_id = ev.pm_id AND a.role = 'pm'
             JOIN service s ON s.id = a.service_pk AND s.state = 'active'
            WHERE ${open}`,
    values: [eventIds]
  };
}

/** The purge of events closed or cancelled before `before` (their impacts go with them, ON DELETE CASCADE). */
export function purgeClosedEvents(before: Date): Query {
  return { text: `DELETE FROM network_event WHERE closed_at IS NOT NULL AND closed_at < $1 RETURNING reference`, values: [before] };
}

/** The first impacted prises and services of an event, with their counts (the OI's view). */
export function eventImpactSummary(eventId: string, first: number): Query {
  return {
    text: `SELECT (SELECT count(DISTINCT prise_id)::int FROM network_event_impact WHERE event_id = $1) AS prises,
                  (SELECT array_agg(r ORDER BY r) FROM (SELECT DISTINCT p.ref AS r FROM network_event_impact i JOIN network_element p ON p.id = i.prise_id
                      WHERE i.event_id = $1 ORDER BY p.ref LIMIT $2) f) AS first_prises,
                  (SELECT json_agg(json_build_object('operator', code, 'count', n)) FROM (SELECT o.code, count(*)::int AS n FROM network_event_impact i
                      JOIN operator o ON o.id = i.operator_id WHERE i.event_id = $1 GROUP BY o.code ORDER BY o.code) g) AS per_operator`,
    values: [eventId, first]
  };
}

/**
 * Open events impacting this operator's service (issue 15 part 5, the filing cross-check): the service's probe of
 * service_operator_service_id, then network_event_impact_service, whatever the number of open events.
 */
export function openEventsForService(operatorId: string, serviceId: string): Query {
  return {
    name: 'network-events-open-for-service',
    text: `SELECT ev.reference, ev.category, ev.state, ev.starts_at, ev.ends_at
             FROM service s JOIN network_event_impact i ON i.service_pk = s.id JOIN network_event ev ON ev.id = i.event_id
            WHERE s.operator_id = $1 AND s.service_id = $2 AND ev.closed_at IS NULL ORDER BY ev.id`,
    values: [operatorId, serviceId]
  };
}

/**
 * Is the event (alias ev, open) impacting a filing made at `at`: an incident (DERCO) that has begun, or a planned work
 * (TP) whose window has begun. A TP past its announced end but not closed is still in progress.
 */
export const inProgressAt = (at: string): string =>
  `(ev.starts_at IS NOT NULL AND ev.starts_at <= ${at} OR (ev.category = 'DERCO' AND ev.starts_at IS NULL))`;

/** Who writes the network's comments on tickets (a system of the OI, shown as the comment's author). */
export const NETWORK_AUTHOR = 'supervision réseau';

const EVENT_NAME = `CASE ev.category WHEN 'DERCO' THEN 'Incident réseau ' ELSE 'Travaux programmés ' END || ev.reference`;
const EQUIPMENT_NAME = `CASE ev.equipment_kind WHEN 'LIENPMPBO' THEN 'lien PM-PBO ' ELSE ev.equipment_kind || ' ' END || x.ref`;
const PARIS = (column: string): string => `to_char(${column} AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY "à" HH24:MI') || ' (heure de Paris)'`;

/**
 * The OI's comment on a ticket filed inside an open event (alias ev, its element x): which event, on what, and its
 * expected end (the operator reads it in consultationDetail and its notifications; no contract changes).
 */
export const FILED_IN_EVENT_TEXT = `${EVENT_NAME} || ' en cours sur cette ligne (' || ${EQUIPMENT_NAME} || ') : ' || ` +
  `CASE WHEN ev.ends_at IS NULL THEN CASE ev.category WHEN 'DERCO' THEN 'rétablissement non encore estimé.' ELSE 'fin non précisée.' END ` +
  `ELSE CASE ev.category WHEN 'DERCO' THEN 'rétablissement prévu le ' ELSE 'fin prévue le ' END || ${PARIS('ev.ends_at')} || '.' END ` +
  `|| ' Votre signalisation lui est rattachée.'`;

/**
 * On closure or cancellation (issue 15 part 5): the OI's comment on every ticket linked to the event and not closed
 * yet, with its outbox event and delivery, in the transaction of the move (the caller holds the event's row lock).
 * Answers the tickets commented.
 */
export function commentLinkedTickets(eventId: string, at: Date): Query {
  return {
    name: 'network-event-comment-linked-tickets',
    text: `WITH ln AS (
             SELECT t.id AS ticket_id, t.operator_id, t.reference,
                    ${EVENT_NAME} || CASE ev.state WHEN 'ANNULE' THEN CASE ev.category WHEN 'DERCO' THEN ' annulé' ELSE ' annulés' END
                      ELSE CASE ev.category WHEN 'DERCO' THEN ' clos : service rétabli le ' ELSE ' terminés le ' END || ${PARIS('coalesce(ev.ends_at, ev.closed_at)')} END
                    || coalesce(' — ' || ev.comments, '') || '.' AS text
               FROM ticket_network_event l JOIN ticket t ON t.id = l.ticket_id JOIN network_event ev ON ev.id = l.event_id
              WHERE l.event_id = $1 AND t.state NOT IN ('EN_REJET', 'CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD', 'ANNULE')
           ), cm AS (
             INSERT INTO ticket_comment (ticket_id, operator_id, author_kind, author, text, at)
             SELECT ticket_id, operator_id, 'oi', $3, text, $2 FROM ln
           ), e AS (
             INSERT INTO ticket_event (ticket_id, operator_id, kind, payload, at)
             SELECT ticket_id, operator_id, 'comment', jsonb_build_object('reference', reference, 'text', text), $2 FROM ln ORDER BY ticket_id
             RETURNING id, ticket_id, operator_id, at
           ), d AS (
             ${DELIVERIES_OF_EVENTS}
           )
           SELECT reference FROM ln ORDER BY reference`,
    values: [eventId, at, NETWORK_AUTHOR]
  };
}

/** The tickets linked to an event (by reference: kept after the event's purge), with their state, oldest first. */
export function ticketsLinkedToEvent(reference: string): Query {
  return {
    text: `SELECT t.reference, o.code AS operator, t.state FROM ticket_network_event l JOIN ticket t ON t.id = l.ticket_id
             JOIN operator o ON o.id = t.operator_id WHERE l.event_reference = $1 ORDER BY t.id`,
    values: [reference]
  };
}

/** The events each ticket was linked to at filing (the OI's views). */
export function networkEventsOfTickets(ticketIds: readonly string[]): Query {
  return {
    text: `SELECT ticket_id, array_agg(event_reference ORDER BY event_reference) AS refs FROM ticket_network_event
            WHERE ticket_id = ANY($1::bigint[]) GROUP BY ticket_id`,
    values: [ticketIds]
  };
}
