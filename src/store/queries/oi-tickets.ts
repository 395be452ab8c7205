/** SQL of the OI's ticket actions (src/domain/oi-ticket-actions.ts), as named query functions (pg-boss style). */
import type { Query } from '../database.js';
import { DELIVERIES_OF_EVENTS } from './notification-outbox.js';

/**
 * S2, one statement for the whole set (atomic: an implicit transaction): every CLOS or VALIDE ticket closed before
 * $1 (or with no closure date) becomes CLOS_TABLEAU_DE_BORD, with its transition by the system and its outbox event
 * (and the event's delivery when the operator's endpoint is enabled) — what applyEvent and changeState write for
 * one ticket, for all at once. FOR UPDATE waits for a change in flight on a ticket and re-reads it: a ticket moved
 * meanwhile (a refused closure) no longer matches and is left alone. Answers how many were archived and how many
 * closures are still within their delay. Uses the partial index ticket_closed (0003).
 */
export function archiveClosures(closedBefore: Date, actorKind: string, actor: string, at: Date): Query {
  return {
    name: 'ticket-archive-closures',
    text: `WITH due AS (
             SELECT t.id, t.state FROM ticket t
              WHERE t.state IN ('CLOS', 'VALIDE') AND (t.closed_at IS NULL OR t.closed_at < $1)
              ORDER BY t.id FOR UPDATE
           ), u AS (
             UPDATE ticket t SET state = 'CLOS_TABLEAU_DE_BORD', state_changed_at = $2, freeze_reason = NULL, freeze_detail = NULL
               FROM due WHERE t.id = due.id
             RETURNING t.id, t.operator_id, t.reference, due.state AS from_state
           ), tr AS (
             INSERT INTO ticket_transition (ticket_id, operator_id, from_state, to_state, at, actor_kind, actor, reason)
             SELECT id, operator_id, from_state, 'CLOS_TABLEAU_DE_BORD', $2, $3, $4, NULL FROM u ORDER BY id
           ), e AS (
             INSERT INTO ticket_event (ticket_id, operator_id, kind, payload, at)
             SELECT id, operator_id, 'state',
                    jsonb_build_object('reference', reference, 'from', from_state, 'to', 'CLOS_TABLEAU_DE_BORD', 'reason', NULL, 'freezeReason', NULL), $2
               FROM u ORDER BY id
             RETURNING id, ticket_id, operator_id, at
           ), d AS (
             ${DELIVERIES_OF_EVENTS}
           )
           SELECT (SELECT count(*) FROM u) AS archived,
                  (SELECT count(*) FROM ticket WHERE state IN ('CLOS', 'VALIDE')) - (SELECT count(*) FROM u) AS pending`,
    values: [closedBefore, at, actorKind, actor]
  };
}
