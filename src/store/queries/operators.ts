/** SQL of the operators (DOMAIN.md O1) and of their profiles (A5), as named query functions (pg-boss style). */
import type { OrderForm } from '../../domain/operator-subscription.js';
import type { Profile } from '../../domain/profile.js';
import type { Query } from '../database.js';

export function operatorIdByCode(code: string): Query {
  return { name: 'operator-id-by-code', text: 'SELECT id FROM operator WHERE code = $1', values: [code] };
}

/** The operator's id, its row locked (two registrations at once cannot both pass the two-certificate rule). */
export function lockOperatorIdByCode(code: string): Query {
  return { text: 'SELECT id FROM operator WHERE code = $1 FOR UPDATE', values: [code] };
}

export const OPERATOR_COLUMNS = `id, code, name, siren, siret, contract_reference, representative, contact, address, esav_contact, access_online,
  access_integrated, to_char(activation_date, 'YYYY-MM-DD') AS activation_date,
  to_char(termination_notified_on, 'YYYY-MM-DD') AS termination_notified_on, to_char(end_date, 'YYYY-MM-DD') AS end_date`;

/** The operators that already hold this code or this contract reference. */
export function operatorsClashingWith(code: string, contractReference: string): Query {
  return { text: 'SELECT code, contract_reference FROM operator WHERE code = $1 OR contract_reference = $2', values: [code, contractReference] };
}

export function insertOperator(form: OrderForm): Query {
  return {
    text: `INSERT INTO operator (code, name, siren, siret, contract_reference, representative, contact, address, esav_contact,
                             access_online, access_integrated, activation_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${OPERATOR_COLUMNS}`,
    values: [form.code, form.companyName, form.siret.slice(0, 9), form.siret, form.contractReference, form.representative, form.contact,
      form.address, form.esavContact, form.access.online, form.access.integrated, form.activationDate]
  };
}

/** The profile every new operator gets: every operation on every offer. */
export function insertFullProfile(operatorId: string): Query {
  return { text: `INSERT INTO profile (operator_id, name, operations, offers) VALUES ($1, 'complet', '{*}', '{*}')`, values: [operatorId] };
}

export function operatorByCode(code: string, lock: boolean): Query {
  return lock
    ? { text: `SELECT ${OPERATOR_COLUMNS} FROM operator WHERE code = $1 FOR UPDATE`, values: [code] }
    : { text: `SELECT ${OPERATOR_COLUMNS} FROM operator WHERE code = $1`, values: [code] };
}

export function allOperators(): Query {
  return { text: `SELECT ${OPERATOR_COLUMNS} FROM operator ORDER BY code`, values: [] };
}

/** O1: the notified termination and the end of the service. */
export function recordTermination(operatorId: string, notifiedOn: string, endDate: string): Query {
  return {
    text: `UPDATE operator SET termination_notified_on = $2, end_date = $3 WHERE id = $1 RETURNING ${OPERATOR_COLUMNS}`,
    values: [operatorId, notifiedOn, endDate]
  };
}

export function profileIdByName(operatorId: string, name: string): Query {
  return { text: 'SELECT id FROM profile WHERE operator_id = $1 AND name = $2', values: [operatorId, name] };
}

export function lockProfile(operatorId: string, name: string): Query {
  return { text: 'SELECT name, operations, offers FROM profile WHERE operator_id = $1 AND name = $2 FOR UPDATE', values: [operatorId, name] };
}

/** Creates the profile or replaces its operations and offers. */
export function upsertProfile(operatorId: string, profile: Profile): Query {
  return {
    text: `INSERT INTO profile (operator_id, name, operations, offers) VALUES ($1, $2, $3, $4)
       ON CONFLICT (operator_id, name) DO UPDATE SET operations = EXCLUDED.operations, offers = EXCLUDED.offers`,
    values: [operatorId, profile.name, profile.operations, profile.offers]
  };
}

/** The operator's profiles, with how many active certificates each. */
export function profilesOfOperator(operatorId: string): Query {
  return {
    text: `SELECT p.name, p.operations, p.offers, count(c.id)::int AS certificates
       FROM profile p LEFT JOIN client_certificate c ON c.profile_id = p.id AND c.state = 'active'
      WHERE p.operator_id = $1 GROUP BY p.id ORDER BY p.name`,
    values: [operatorId]
  };
}

/** The offers of the catalogue, by code. */
export function offerCodes(): Query {
  return { text: 'SELECT code FROM offer ORDER BY code', values: [] };
}

/** The certificates (any state) that carry a profile, locked with it for its deletion. */
export function certificatesWithProfile(operatorId: string, name: string): Query {
  return {
    text: `SELECT c.fingerprint_sha256, c.state FROM client_certificate c JOIN profile p ON p.id = c.profile_id
      WHERE p.operator_id = $1 AND p.name = $2 ORDER BY c.id`,
    values: [operatorId, name]
  };
}

export function deleteProfile(operatorId: string, name: string): Query {
  return { text: 'DELETE FROM profile WHERE operator_id = $1 AND name = $2', values: [operatorId, name] };
}
