/**
 * The OI's comments on the tickets linked to an e-intervention (issue 18 part 4), with their outbox events and
 * deliveries, in the transaction of the intervention's move (the caller holds its row lock): the way the network's
 * events comment on their linked tickets (network-events.ts commentLinkedTickets).
 */
import type { LinkedTicketComment } from '../../domain/e-intervention-after-sales.js';
import type { Query } from '../database.js';
import { DELIVERIES_OF_EVENTS } from './notification-outbox.js';

/** Every comment on the linked tickets it concerns that are not closed yet; answers the tickets commented. */
export function commentTicketsOfIntervention(interventionId: string, comments: readonly LinkedTicketComment[], at: Date, author: string): Query {
  return {
    name: 'e-intervention-comment-linked-tickets',
    text: `WITH c AS (
             SELECT x.*, c.n FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS c(v, n)
              CROSS JOIN LATERAL jsonb_to_record(c.v) AS x(operator text, "serviceId" text, text text)
           ), tk AS (
             SELECT t.id, t.operator_id, t.reference, t.service_id, o.code FROM ticket_e_intervention l JOIN ticket t ON t.id = l.ticket_id
               JOIN operator o ON o.id = t.operator_id
              WHERE l.intervention_id = $1 AND t.state NOT IN ('EN_REJET', 'CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD', 'ANNULE')
              ORDER BY t.id FOR UPDATE OF t
           ), ln AS (
             SELECT tk.id AS ticket_id, tk.operator_id, tk.reference, c.text, c.n FROM tk
               JOIN c ON (c.operator IS NULL OR c.operator = tk.code) AND (c."serviceId" IS NULL OR c."serviceId" = tk.service_id)
           ), cm AS (
             INSERT INTO ticket_comment (ticket_id, operator_id, author_kind, author, text, at)
             SELECT ticket_id, operator_id, 'oi', $4, text, $3 FROM ln ORDER BY ticket_id, n
           ), e AS (
             INSERT INTO ticket_event (ticket_id, operator_id, kind, payload, at)
             SELECT ticket_id, operator_id, 'comment', jsonb_build_object('reference', reference, 'text', text), $3 FROM ln ORDER BY ticket_id, n
             RETURNING id, ticket_id, operator_id, at
           ), d AS (
             ${DELIVERIES_OF_EVENTS}
           )
           SELECT DISTINCT reference FROM ln ORDER BY reference`,
    values: [interventionId, JSON.stringify(comments), at, author]
  };
}
