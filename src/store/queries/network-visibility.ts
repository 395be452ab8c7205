/**
 * The operator's view of planned works and incidents (issue 15 part 3, built here so the web service only maps
 * it): the events that touch the operator's own services or PM prestations, with only its own references in the
 * impacted lists (A6). Every filter of getInfoTravauxFTTH is optional; they combine.
 */
import type { NetworkEventFilter } from '../../domain/network-event.js';
import type { Query } from '../database.js';
import { EVENT_COLUMNS, EVENT_FROM } from './network-events.js';

export function visibleEvents(operatorId: string, f: NetworkEventFilter, limit: number): Query {
  // The operator's own impact rows of the event, joined to its services or to the prises.
  const services = 'FROM network_event_impact i JOIN service s ON s.id = i.service_pk WHERE i.event_id = ev.id AND i.operator_id = $1';
  const prises = 'FROM network_event_impact i JOIN network_element p ON p.id = i.prise_id WHERE i.event_id = ev.id AND i.operator_id = $1';
  return {
    text: `SELECT ${EVENT_COLUMNS},
             (SELECT array_agg(DISTINCT s.service_id) ${services} AND i.prise_id IS NULL) AS pm_prestations,
             (SELECT array_agg(DISTINCT p.ref) ${prises}) AS impacted_prises,
             (SELECT array_agg(DISTINCT s.service_id) ${services} AND i.prise_id IS NOT NULL) AS impacted_services,
             (SELECT array_agg(DISTINCT p.building_id) ${prises}) AS buildings
           FROM ${EVENT_FROM}
          WHERE ev.id IN (SELECT event_id FROM network_event_impact WHERE operator_id = $1)
            AND ($2::text IS NULL OR ev.reference = $2)
            AND ($3::text IS NULL OR ev.category = $3)
            AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM network_event_impact i JOIN service s ON s.id = i.service_pk
                  WHERE i.event_id = ev.id AND i.operator_id = $1 AND i.prise_id IS NULL AND s.service_id = ANY($4::text[])))
            AND ($5::timestamptz IS NULL OR ev.created_at BETWEEN $5 AND $6)
            AND ($7::timestamptz IS NULL OR ev.starts_at BETWEEN $7 AND $8)
            AND ($9::timestamptz IS NULL OR ev.ends_at BETWEEN $9 AND $10)
            AND ($11::boolean IS NULL OR ev.intervention_required = $11)
            AND ($12::text IS NULL OR ev.state = $12)
            AND ($13::text IS NULL OR EXISTS (SELECT 1 FROM network_event_impact i JOIN network_element p ON p.id = i.prise_id
                  WHERE i.event_id = ev.id AND i.operator_id = $1 AND p.ref = $13))
            AND ($14::text IS NULL OR EXISTS (SELECT 1 FROM network_event_impact i JOIN service s ON s.id = i.service_pk
                  WHERE i.event_id = ev.id AND i.operator_id = $1 AND i.prise_id IS NOT NULL AND s.service_id = $14))
          ORDER BY ev.id LIMIT $15`,
    values: [operatorId, f.reference ?? null, f.category ?? null, f.pmPrestations ?? null,
      f.created?.from ?? null, f.created?.to ?? null, f.start?.from ?? null, f.start?.to ?? null, f.end?.from ?? null, f.end?.to ?? null,
      f.interventionRequired ?? null, f.state ?? null, f.impactedPrise ?? null, f.impactedService ?? null, limit]
  };
}
