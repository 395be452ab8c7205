/** A portal_user row joined with its operator, as the domain reads it (PersonCredentials). */
import { parisDate } from '../../domain/calendar.js';
import { operatorStatus } from '../../domain/operator-subscription.js';
import { personProfile, type PersonState } from '../../domain/portal-access.js';
import type { PersonCredentials } from '../../domain/portal-directory.js';

export interface PersonRow {
  id: string; operator_id: string; operator_code: string; operator_name: string; login: string; full_name: string; email: string;
  functions: string[]; offers: string[]; state: PersonState; password_hash: string | null; totp_secret: string | null;
  totp_last_step: string | null; failed_attempts: number; locked_until: Date | null; created_at: Date; last_sign_in_at: Date | null;
  access_online: boolean; activation_date: string; end_date: string | null;
}

export function personFromRow(r: PersonRow, now: Date): PersonCredentials {
  return {
    id: r.id,
    operator: { id: r.operator_id, code: r.operator_code, name: r.operator_name },
    login: r.login, fullName: r.full_name, email: r.email,
    profile: personProfile(r.login, r.functions, r.offers),
    state: r.state, failedAttempts: r.failed_attempts, lockedUntil: r.locked_until,
    passwordHash: r.password_hash, totpSecret: r.totp_secret, totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
    operatorActive: operatorStatus(r.activation_date, r.end_date, parisDate(now)).state === 'active',
    onlineAccess: r.access_online
  };
}
