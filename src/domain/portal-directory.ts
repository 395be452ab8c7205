/**
 * The port through which the portal reads and writes its people, links and sessions (implemented in
 * src/store/portal/). Secrets cross it raw only once: a new link's or session's token is returned to be given to
 * the person; the store keeps their SHA-256 alone.
 */
import type { LinkPurpose, Person } from './portal-access.js';

export interface PersonCredentials extends Person {
  readonly passwordHash: string | null;
  readonly totpSecret: string | null;
  /** The last TOTP time step accepted (a code is accepted once). */
  readonly totpLastStep: number | null;
  /** The operator's contract is running (O1) and asks for online access. */
  readonly operatorActive: boolean;
  readonly onlineAccess: boolean;
}

export type SessionStage = 'password' | 'complete';

export interface PortalSession {
  readonly personId: string;
  readonly operatorId: string;
  readonly stage: SessionStage;
  readonly expiresAt: Date;
}

export interface ServiceListing {
  readonly serviceId: string;
  readonly offerCode: string;
  readonly offerLabel: string;
  readonly state: string;
  readonly activatedOn: string;
  readonly address: string | null;
}

export interface PortalDirectory {
  personByLogin(login: string, now: Date): Promise<PersonCredentials | null>;
  personById(id: string, now: Date): Promise<PersonCredentials | null>;
  /** Counts a failed sign-in (audited); returns whether it locked the person out. */
  recordFailure(person: PersonCredentials, step: 'password' | 'totp', now: Date): Promise<{ locked: boolean }>;
  /** A complete sign-in (audited): failures reset, the TOTP step remembered. */
  recordSignIn(person: PersonCredentials, totpStep: number, now: Date): Promise<void>;
  createSession(person: PersonCredentials, stage: SessionStage, now: Date): Promise<string>;
  /** The live session of a token, its idle expiry moved on; null when unknown, ended or expired. */
  findSession(token: string, now: Date): Promise<PortalSession | null>;
  endSession(token: string, reason: string, now: Date): Promise<void>;
  /** The person of a valid, unused, unexpired link. */
  linkPerson(token: string, now: Date): Promise<{ person: PersonCredentials; purpose: LinkPurpose } | null>;
  /** Uses the link once and sets the person's credentials (audited); false if the link was used meanwhile. */
  activate(token: string, passwordHash: string, totpSecret: string, totpStep: number, now: Date): Promise<boolean>;
  /** Records a person's action in the audit trail. */
  audit(person: Person, action: string, after: Record<string, unknown>, now: Date): Promise<void>;
  searchServices(operatorId: string, text: string | null, offers: readonly string[] | null, page: { page: number; size: number }): Promise<{ rows: ServiceListing[]; total: number }>;
}
