/**
 * SQL of e-SAV en ligne (issue 21): the operators' people, their one-time links and their sessions, and the
 * service list the portal searches. Every query on a person's data is scoped by operator or by a secret's hash.
 */
import type { Query } from '../database.js';

const PERSON_COLUMNS = `u.id, u.operator_id, o.code AS operator_code, o.name AS operator_name, u.login, u.full_name, u.email, u.functions,
  u.offers, u.state, u.password_hash, u.totp_secret, u.totp_last_step, u.failed_attempts, u.locked_until, u.created_at, u.last_sign_in_at,
  o.access_online, to_char(o.activation_date, 'YYYY-MM-DD') AS activation_date, to_char(o.end_date, 'YYYY-MM-DD') AS end_date`;

export interface NewPerson {
  readonly operatorId: string; readonly login: string; readonly fullName: string; readonly email: string;
  readonly functions: readonly string[]; readonly offers: readonly string[]; readonly at: Date;
}

export function insertPerson(p: NewPerson): Query {
  return {
    text: `INSERT INTO portal_user (operator_id, login, full_name, email, functions, offers, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'invited', $7, $7) RETURNING id`,
    values: [p.operatorId, p.login, p.fullName, p.email, p.functions, p.offers, p.at]
  };
}

export function personByLogin(login: string, lock: boolean): Query {
  return {
    text: `SELECT ${PERSON_COLUMNS} FROM portal_user u JOIN operator o ON o.id = u.operator_id WHERE u.login = $1${lock ? ' FOR UPDATE OF u' : ''}`,
    values: [login]
  };
}

export function personById(id: string): Query {
  return { name: 'portal-person-by-id', text: `SELECT ${PERSON_COLUMNS} FROM portal_user u JOIN operator o ON o.id = u.operator_id WHERE u.id = $1`, values: [id] };
}

/** The people of one operator, or of every operator (null). */
export function peopleOf(operatorId: string | null): Query {
  return {
    text: `SELECT ${PERSON_COLUMNS} FROM portal_user u JOIN operator o ON o.id = u.operator_id
       WHERE ($1::bigint IS NULL OR u.operator_id = $1) ORDER BY o.code, u.login`,
    values: [operatorId]
  };
}

export function setPersonState(id: string, state: string, at: Date): Query {
  return { text: `UPDATE portal_user SET state = $2, updated_at = $3, failed_attempts = 0, locked_until = NULL WHERE id = $1`, values: [id, state, at] };
}

export function setPersonProfile(id: string, functions: readonly string[], offers: readonly string[], at: Date): Query {
  return { text: 'UPDATE portal_user SET functions = $2, offers = $3, updated_at = $4 WHERE id = $1', values: [id, functions, offers, at] };
}

/** A reset: the password and the second factor are chosen again through the link; until then, no sign-in. */
export function clearCredentials(id: string, at: Date): Query {
  return {
    text: `UPDATE portal_user SET password_hash = NULL, totp_secret = NULL, totp_last_step = NULL, failed_attempts = 0, locked_until = NULL,
       state = CASE WHEN state = 'disabled' THEN 'disabled' ELSE 'invited' END, updated_at = $2 WHERE id = $1`,
    values: [id, at]
  };
}

export function setCredentials(id: string, passwordHash: string, totpSecret: string, totpStep: number, at: Date): Query {
  return {
    text: `UPDATE portal_user SET password_hash = $2, totp_secret = $3, totp_last_step = $4, state = 'active', failed_attempts = 0,
       locked_until = NULL, updated_at = $5 WHERE id = $1 AND state = 'invited'`,
    values: [id, passwordHash, totpSecret, totpStep, at]
  };
}

export function recordFailure(id: string, failedAttempts: number, lockedUntil: Date | null): Query {
  return { text: 'UPDATE portal_user SET failed_attempts = $2, locked_until = $3 WHERE id = $1', values: [id, failedAttempts, lockedUntil] };
}

/** The TOTP step used is remembered: a code is accepted once (RFC 6238 §5.2). */
export function recordSignIn(id: string, totpStep: number, at: Date): Query {
  return {
    text: 'UPDATE portal_user SET failed_attempts = 0, locked_until = NULL, totp_last_step = $2, last_sign_in_at = $3 WHERE id = $1',
    values: [id, totpStep, at]
  };
}

export function insertLink(tokenSha256: string, userId: string, operatorId: string, purpose: string, at: Date, expiresAt: Date): Query {
  return {
    text: 'INSERT INTO portal_link (token_sha256, user_id, operator_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    values: [tokenSha256, userId, operatorId, purpose, at, expiresAt]
  };
}

/** Earlier unused links of a person stop working when a new one is made. */
export function retireLinks(userId: string, at: Date): Query {
  return { text: 'UPDATE portal_link SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL', values: [userId, at] };
}

export function linkByToken(tokenSha256: string, lock: boolean): Query {
  return {
    text: `SELECT token_sha256, user_id, purpose, expires_at, used_at FROM portal_link WHERE token_sha256 = $1${lock ? ' FOR UPDATE' : ''}`,
    values: [tokenSha256]
  };
}

export function useLink(tokenSha256: string, at: Date): Query {
  return { text: 'UPDATE portal_link SET used_at = $2 WHERE token_sha256 = $1 AND used_at IS NULL', values: [tokenSha256, at] };
}

export function insertSession(idSha256: string, userId: string, operatorId: string, stage: string, at: Date, expiresAt: Date, absoluteEnd: Date): Query {
  return {
    text: `INSERT INTO portal_session (id_sha256, user_id, operator_id, stage, created_at, last_seen_at, expires_at, absolute_expires_at)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`,
    values: [idSha256, userId, operatorId, stage, at, expiresAt, absoluteEnd]
  };
}

/** A live session (not ended, not expired at `at`). */
export function liveSession(idSha256: string, at: Date): Query {
  return {
    name: 'portal-live-session',
    text: `SELECT id_sha256, user_id, operator_id, stage, created_at, expires_at, absolute_expires_at FROM portal_session
       WHERE id_sha256 = $1 AND ended_at IS NULL AND expires_at > $2`,
    values: [idSha256, at]
  };
}

export function touchSession(idSha256: string, at: Date, expiresAt: Date): Query {
  return { name: 'portal-touch-session', text: 'UPDATE portal_session SET last_seen_at = $2, expires_at = $3 WHERE id_sha256 = $1 AND ended_at IS NULL', values: [idSha256, at, expiresAt] };
}

export function endSession(idSha256: string, at: Date, reason: string): Query {
  return { text: 'UPDATE portal_session SET ended_at = $2, ended_reason = $3 WHERE id_sha256 = $1 AND ended_at IS NULL', values: [idSha256, at, reason] };
}

export function endSessionsOf(userId: string, at: Date, reason: string): Query {
  return { text: 'UPDATE portal_session SET ended_at = $2, ended_reason = $3 WHERE user_id = $1 AND ended_at IS NULL RETURNING id_sha256', values: [userId, at, reason] };
}

/** The operator's services, searched by service id, address or PM, scoped to the operator (A6). */
export function searchServices(operatorId: string, text: string | null, offers: readonly string[] | null, limit: number, offset: number): Query {
  return {
    text: `SELECT s.service_id, s.offer_code, o.label AS offer_label, s.state, to_char(s.activated_on, 'YYYY-MM-DD') AS activated_on,
              (SELECT concat_ws(' ', e.street_number, e.street, e.postcode, e.city) FROM service_end e
                WHERE e.service_pk = s.id AND e.operator_id = s.operator_id ORDER BY e.end_code DESC LIMIT 1) AS address,
              count(*) OVER () AS total
         FROM service s JOIN offer o ON o.code = s.offer_code
        WHERE s.operator_id = $1 AND s.state <> 'archived' AND ($4::text[] IS NULL OR s.offer_code = ANY($4))
          AND ($2::text IS NULL OR s.service_id ILIKE '%' || $2 || '%' OR EXISTS (
                SELECT 1 FROM service_end e WHERE e.service_pk = s.id AND e.operator_id = s.operator_id
                   AND (concat_ws(' ', e.street_number, e.street, e.postcode, e.city) ILIKE '%' || $2 || '%' OR e.pm_ref ILIKE '%' || $2 || '%')))
        ORDER BY s.service_id LIMIT $3 OFFSET $5`,
    values: [operatorId, text, limit, offers, offset]
  };
}

/** S6: whether the offer's tickets may be filed on the portal. */
export function offerOnlineFiling(offerCode: string): Query {
  return { name: 'portal-offer-online-filing', text: 'SELECT online_filing_allowed FROM offer WHERE code = $1', values: [offerCode] };
}

/** Keeps the first value written under a name: instances starting together agree on one. */
export function insertSecretIfAbsent(name: string, value: string): Query {
  return { text: 'INSERT INTO portal_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', values: [name, value] };
}

export function secretByName(name: string): Query {
  return { text: 'SELECT value FROM portal_secret WHERE name = $1', values: [name] };
}

/** Lifts a lockout: the failures counted so far forgotten. */
export function unlockPerson(id: string, at: Date): Query {
  return { text: 'UPDATE portal_user SET failed_attempts = 0, locked_until = NULL, updated_at = $2 WHERE id = $1', values: [id, at] };
}
