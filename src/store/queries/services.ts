/** SQL of the service inventory, as named query functions (pg-boss style). Every query filters by operator. */
import type { Query } from '../database.js';

/** One round trip: the service, its offer, both ends and its guarantees, scoped to the operator. */
export function findServiceForOperator(operatorId: string, serviceId: string): Query {
  return {
    name: 'service-find-for-operator',
    text: `
      SELECT s.service_id, s.state, to_char(s.activated_on, 'YYYY-MM-DD') AS activated_on, s.complementary_info,
             o.code AS offer_code, o.label AS offer_label,
             (SELECT json_agg(json_build_object(
                 'end', e.end_code, 'label', e.label, 'streetNumber', e.street_number, 'street', e.street,
                 'complement', e.complement, 'postcode', e.postcode, 'city', e.city, 'inseeCode', e.insee_code,
                 'pmRef', e.pm_ref, 'pboRef', e.pbo_ref, 'ptoRef', e.pto_ref))
                FROM service_end e WHERE e.service_pk = s.id AND e.operator_id = s.operator_id) AS ends,
             (SELECT json_agg(json_build_object(
                 'kind', g.kind, 'label', g.label, 'restorationHours', g.restoration_hours, 'hours', g.hours) ORDER BY g.kind)
                FROM service_guarantee g WHERE g.service_pk = s.id AND g.operator_id = s.operator_id) AS guarantees
        FROM service s JOIN offer o ON o.code = s.offer_code
       WHERE s.operator_id = $1 AND s.service_id = $2`,
    values: [operatorId, serviceId]
  };
}
