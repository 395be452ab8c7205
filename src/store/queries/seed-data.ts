/**
 * SQL of the demo data set (src/store/demo-data.ts) and of the integration platform's sandbox data
 * (src/store/sandbox-data.ts), as named query functions (pg-boss style). Every insert is idempotent.
 */
import type { Query } from '../database.js';

export function insertOffer(code: string, label: string, opensOn: string, lineTestFirst: boolean, online: boolean): Query {
  return {
    text: `INSERT INTO offer (code, label, filing_opens_on, line_test_required_to_file, online_filing_allowed)
                          VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING`,
    values: [code, label, opensOn, lineTestFirst, online]
  };
}

/** An offer filed with another offer's form (the activated FTTH offer with the FTTH form). */
export function setFormOffer(code: string, formOffer: string): Query {
  return { text: 'UPDATE offer SET form_offer = $2 WHERE code = $1 AND form_offer IS DISTINCT FROM $2', values: [code, formOffer] };
}

export interface DemoOperator {
  readonly code: string; readonly name: string; readonly siren: string; readonly siret: string; readonly contract: string;
  readonly representative: unknown; readonly contact: unknown; readonly address: unknown;
}

/** A demo operator, active since the demo's first day with both accesses. */
export function insertDemoOperator(o: DemoOperator): Query {
  return {
    text: `INSERT INTO operator (code, name, siren, siret, contract_reference, representative, contact, address, access_online, access_integrated,
                             activation_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true, true, '2026-01-05') ON CONFLICT (code) DO NOTHING`,
    values: [o.code, o.name, o.siren, o.siret, o.contract, o.representative, o.contact, o.address]
  };
}

export function insertFullProfileIfMissing(operatorId: string): Query {
  return {
    text: `INSERT INTO profile (operator_id, name, operations, offers) VALUES ($1, 'complet', '{*}', '{*}') ON CONFLICT DO NOTHING`,
    values: [operatorId]
  };
}

export function fullProfileIdOf(operatorId: string): Query {
  return { text: `SELECT id FROM profile WHERE operator_id = $1 AND name = 'complet'`, values: [operatorId] };
}

/** Answers the service's id, or no row when the service id exists already. */
export function insertDemoService(id: string, operatorId: string, offer: string, state: string, since: string, info: string | null): Query {
  return {
    text: `INSERT INTO service (service_id, operator_id, offer_code, state, activated_on, complementary_info)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (service_id) DO NOTHING RETURNING id`,
    values: [id, operatorId, offer, state, since, info]
  };
}

export interface ServiceEndValues {
  readonly end: string; readonly label: string; readonly num: string | null; readonly street: string; readonly postcode: string;
  readonly city: string; readonly insee: string; readonly pm: string | null; readonly pbo: string | null; readonly pto: string | null;
}

export function insertServiceEnd(servicePk: string, operatorId: string, e: ServiceEndValues): Query {
  return {
    text: `INSERT INTO service_end (service_pk, operator_id, end_code, label, street_number, street, postcode, city, insee_code, pm_ref, pbo_ref, pto_ref)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    values: [servicePk, operatorId, e.end, e.label, e.num, e.street, e.postcode, e.city, e.insee, e.pm, e.pbo, e.pto]
  };
}

/** The service's GTR (guaranteed restoration time), hours HO or HNO. */
export function insertGtr(servicePk: string, operatorId: string, label: string, restorationHours: number, hours: string): Query {
  return {
    text: `INSERT INTO service_guarantee (service_pk, operator_id, kind, label, restoration_hours, hours) VALUES ($1, $2, 'GTR', $3, $4, $5)`,
    values: [servicePk, operatorId, label, restorationHours, hours]
  };
}

/** Every offer open for filing on `today` at the latest. */
export function openFilingBy(today: string): Query {
  return { text: 'UPDATE offer SET filing_opens_on = $1 WHERE filing_opens_on > $1', values: [today] };
}

export function offerCodes(): Query {
  return { text: 'SELECT code FROM offer ORDER BY code', values: [] };
}

export function operatorCodes(): Query {
  return { text: 'SELECT id, code FROM operator ORDER BY code', values: [] };
}

/** Answers the service's id, or no row when the service id exists already. */
export function insertSandboxService(id: string, operatorId: string, offer: string, info: string): Query {
  return {
    text: `INSERT INTO service (service_id, operator_id, offer_code, state, activated_on, complementary_info)
             VALUES ($1, $2, $3, 'active', '2026-01-05', $4) ON CONFLICT (service_id) DO NOTHING RETURNING id`,
    values: [id, operatorId, offer, info]
  };
}

/** Both ends of a sandbox service: the test PM and a test customer end on prise `pto`. */
export function insertSandboxEnds(servicePk: string, operatorId: string, pto: string): Query {
  return {
    text: `INSERT INTO service_end (service_pk, operator_id, end_code, label, street_number, street, postcode, city, insee_code, pm_ref, pbo_ref,
                               pto_ref) VALUES
             ($1, $2, 'A', 'PM de test 21231-PM-9000 (bac à sable)', '1', 'rue du Bac à Sable', '21000', 'Dijon', '21231', '21231-PM-9000', NULL, NULL),
             ($1, $2, 'Z', 'Extrémité client de test (bac à sable)', '2', 'rue du Bac à Sable', '21000', 'Dijon', '21231', NULL, '21231-PBO-9000-001', $3)`,
    values: [servicePk, operatorId, pto]
  };
}

/** Both ends of a sandbox line-test service (issue 17): the sandbox's test PM and the scenario's prise under its PBO. */
export function insertSandboxLineEnds(servicePk: string, operatorId: string, pm: string, pbo: string, pto: string): Query {
  return {
    text: `INSERT INTO service_end (service_pk, operator_id, end_code, label, street_number, street, postcode, city, insee_code, pm_ref, pbo_ref,
                               pto_ref) VALUES
             ($1, $2, 'A', 'PM des tests de ligne (bac à sable)', '1', 'rue du Bac à Sable', '21000', 'Dijon', '21231', $3, NULL, NULL),
             ($1, $2, 'Z', 'Prise de test de ligne (bac à sable)', '3', 'rue du Bac à Sable', '21000', 'Dijon', '21231', NULL, $4, $5)`,
    values: [servicePk, operatorId, pm, pbo, pto]
  };
}

/** A sandbox element's state, unless the OI gave it another one since. */
export function insertSandboxElementState(ref: string, fault: string, value: number | null): Query {
  return {
    text: `INSERT INTO network_element_state (element_id, fault, value, set_at, set_by)
           SELECT id, $2, $3, now(), 'bac à sable' FROM network_element WHERE ref = $1 AND retired_at IS NULL
           ON CONFLICT (element_id) DO NOTHING`,
    values: [ref, fault, value]
  };
}

/** The sandbox tickets not in a terminal state, in filing order. */
export function openSandboxTicketReferences(): Query {
  return {
    text: `SELECT reference FROM ticket
            WHERE service_id LIKE 'SBX-%' AND state NOT IN ('EN_REJET', 'ANNULE', 'CLOS_TABLEAU_DE_BORD', 'VALIDE', 'GELE') ORDER BY id`,
    values: []
  };
}
