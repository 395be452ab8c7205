/**
 * The people of "e-SAV en ligne" (issue 21; DOMAIN.md A1, A5, A6, O1): who may sign in to the portal, how long a
 * one-time link and a session last, when repeated failures lock a person out. Pure rules; the store keeps the rows
 * and the portal does the hashing (argon2id) and the TOTP arithmetic.
 */
import type { Operator } from './identity.js';
import type { Profile } from './profile.js';

export type PersonState = 'invited' | 'active' | 'disabled';

export interface Person {
  readonly id: string;
  readonly operator: Operator;
  readonly login: string;
  readonly fullName: string;
  readonly email: string;
  /** A5: the functions (named as the web services' operations) and the offers this person may use. */
  readonly profile: Profile;
  readonly state: PersonState;
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
}

/** Consecutive failed sign-ins (password or second factor) that lock a person out, and for how long. */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 15 * 60_000;
/** A session ends after this much inactivity, and in any case this long after sign-in. */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
/** Between the right password and the TOTP code. */
export const SECOND_FACTOR_WAIT_MS = 5 * 60_000;
/** An invitation or reset link is valid this long, once. */
export const LINK_VALIDITY_MS = 72 * 3600_000;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The functions of the portal, each named as the web-service operation it is (A1: same functions in both access
 * modes), so that a person's profile and a certificate's profile speak one vocabulary (profile.ts).
 */
export const PORTAL_FUNCTIONS = Object.freeze({
  'prestation.consultationPrestation': 'Consulter les prestations',
  'signalisation.depotSignalisation': 'Déposer une signalisation',
  'signalisation.rechercheSignalisations': 'Rechercher les signalisations',
  'signalisation.consultationDetail': "Consulter le détail d'une signalisation",
  'signalisation.ajoutComplement': 'Compléter une signalisation, répondre à un gel',
  'signalisation.reponseCloture': 'Accepter ou refuser une clôture',
  'signalisation.annulationSignalisation': 'Annuler une signalisation',
  'test.listeTests': "Voir les tests d'une prestation",
  'test.lancementTest': 'Lancer un test de ligne',
  'test.consultationTest': "Consulter l'état et le résultat d'un test",
  'test.rechercheTests': "Voir les tests récents d'une prestation",
  'rendezvous.rechercheCreneaux': 'Rechercher des créneaux libres',
  'rendezvous.priseRendezVous': 'Prendre un rendez-vous',
  'rendezvous.confirmationRendezVous': 'Confirmer un rendez-vous',
  'rendezvous.reportRendezVous': 'Reporter un rendez-vous',
  'rendezvous.annulationRendezVous': 'Annuler un rendez-vous',
  'rendezvous.consultationRendezVous': 'Consulter les rendez-vous',
  'info-travaux.getInfoTravauxFTTH': 'Consulter les travaux programmés et incidents'
} as const);
export type PortalFunction = keyof typeof PORTAL_FUNCTIONS;

const LOGIN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Problems of a new person's identity (login, name, e-mail), each naming its field. */
export function personProblems(p: { login: string; fullName: string; email: string }): string[] {
  const problems: string[] = [];
  if (!LOGIN.test(p.login)) problems.push(`login « ${p.login} »: 3 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit`);
  if (p.fullName.trim() === '' || p.fullName.length > 100) problems.push('name: 1 to 100 characters');
  if (!EMAIL.test(p.email) || p.email.length > 254) problems.push(`email « ${p.email} »: not an e-mail address`);
  return problems;
}

/** O1: only an operator whose order form asks for online access gets people on the portal. */
export function onlineAccessProblem(operator: { code: string; access_online: boolean }): string | null {
  return operator.access_online ? null
    : `operator ${operator.code} has no online access on its order form (O1): it gets no portal users (change the subscription first)`;
}

/** A password's problems, in French for the person choosing it (the portal shows them beside the field). */
export function passwordProblems(password: string, login: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`au moins ${PASSWORD_MIN_LENGTH} caractères (${length} saisis)`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`au plus ${PASSWORD_MAX_LENGTH} caractères`);
  if (login.length > 0 && password.toLowerCase().includes(login.toLowerCase())) problems.push("ne doit pas contenir l'identifiant");
  if (/^(.)\1*$/.test(password)) problems.push('ne doit pas répéter un seul caractère');
  return problems;
}

/** Whether a person is locked out now. */
export function isLocked(p: Pick<Person, 'lockedUntil'>, now: Date): boolean {
  return p.lockedUntil !== null && p.lockedUntil.getTime() > now.getTime();
}

/** After a failed sign-in: the new count, and the lock when it reaches the threshold (the count starts again). */
export function afterFailure(failedAttempts: number, now: Date): { failedAttempts: number; lockedUntil: Date | null } {
  const n = failedAttempts + 1;
  return n >= LOCKOUT_THRESHOLD ? { failedAttempts: 0, lockedUntil: new Date(now.getTime() + LOCKOUT_MS) } : { failedAttempts: n, lockedUntil: null };
}

/** Why a person cannot sign in (or stay signed in) now, or null. The portal tells the person only "refused". */
export function signInRefusal(p: Person, operatorActive: boolean, onlineAccess: boolean, now: Date): 'disabled' | 'invited' | 'locked' | 'operator' | null {
  if (p.state === 'disabled') return 'disabled';
  if (p.state === 'invited') return 'invited';
  if (isLocked(p, now)) return 'locked';
  if (!operatorActive || !onlineAccess) return 'operator';
  return null;
}

/**
 * Why a signed-in person's session must end now, or null. A lockout stops new sign-ins only: someone guessing a
 * password must not sign the person out.
 */
export function sessionRefusal(p: Person, operatorActive: boolean, onlineAccess: boolean): 'disabled' | 'invited' | 'operator' | null {
  if (p.state === 'disabled') return 'disabled';
  if (p.state === 'invited') return 'invited';
  if (!operatorActive || !onlineAccess) return 'operator';
  return null;
}

/** A session's next expiry: idle timeout from now, never past its absolute end. */
export function sessionExpiry(now: Date, absoluteEnd: Date): Date {
  return new Date(Math.min(now.getTime() + SESSION_IDLE_MS, absoluteEnd.getTime()));
}

export type LinkPurpose = 'invitation' | 'reset';

/** The person's profile (A5) as the domain operations read it: the same shape as a certificate's. */
export function personProfile(login: string, functions: readonly string[], offers: readonly string[]): Profile {
  return { name: `portail-${login}`.slice(0, 40), operations: functions, offers };
}
