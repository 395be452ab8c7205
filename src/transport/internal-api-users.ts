/**
 * The internal API's users routes (issue 21 part 1: the people of e-SAV en ligne, "esav-admin users … and the
 * internal API"). Every route calls the people's actions esav-admin users calls (src/store/portal/people.ts, bound in
 * src/internal-app.ts), scoped to the operator of the path: a person of another operator is answered as missing.
 * Their refusals (AdminError codes) become USER_INVALID, USER_NOT_FOUND or USER_CONFLICT in userRefusal, which the
 * API's one error handler calls. Every change is audited by the actions under the agent's CN.
 */
import { PortalUserRefusal } from '../errors/portal-user-refusal.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../domain/clock.js';
import { PORTAL_FUNCTIONS } from '../domain/portal-access.js';
import type { PersonCredentials } from '../domain/portal-directory.js';
import { isCodedError } from '../errors/coded-error.js';
import type { InternalApiErrorCode } from '../errors/internal-api-errors.js';
import {
  DISABLE_USER, ENABLE_USER, INVITE_USER, LIST_USERS, RESET_USER, REVOKE_SESSIONS, SET_USER_PROFILE, SHOW_USER, UNLOCK_USER
} from './internal-api-user-schemas.js';

export type UserView = PersonCredentials & { readonly lastSignInAt: Date | null; readonly createdAt: Date };
export interface OneTimeLink { readonly token: string; readonly expiresAt: Date }
export interface NewPortalUser {
  readonly login: string; readonly fullName: string; readonly email: string; readonly functions: readonly string[]; readonly offers: readonly string[];
}

/** The people's actions, each scoped to an operator's code (the same functions as esav-admin users). */
export interface InternalUsersPort {
  /** Where the portal is reached: the one-time links are `${publicUrl}/activation/<token>`. */
  readonly publicUrl: string;
  list(operator: string, now: Date): Promise<UserView[]>;
  show(operator: string, login: string, now: Date): Promise<UserView>;
  invite(operator: string, person: NewPortalUser, actor: string, now: Date): Promise<OneTimeLink>;
  setEnabled(operator: string, login: string, enabled: boolean, actor: string, now: Date): Promise<void>;
  reset(operator: string, login: string, actor: string, now: Date): Promise<OneTimeLink>;
  unlock(operator: string, login: string, actor: string, now: Date): Promise<void>;
  revokeSessions(operator: string, login: string, actor: string, now: Date): Promise<number>;
  setProfile(operator: string, login: string, functions: readonly string[], offers: readonly string[], actor: string, now: Date): Promise<void>;
}

const CODE_OF: Readonly<Record<string, InternalApiErrorCode & `USER_${string}`>> = Object.freeze({
  ADMIN_INVALID_INPUT: 'USER_INVALID', ADMIN_USAGE: 'USER_INVALID', ADMIN_NOT_FOUND: 'USER_NOT_FOUND', ADMIN_CONFLICT: 'USER_CONFLICT'
});
const STATUS_OF = Object.freeze({ USER_INVALID: 400, USER_NOT_FOUND: 404, USER_CONFLICT: 409 } as const);

/** A refusal of a users route: an action's AdminError, or a request field that cannot be read. */
const UserRefusal = PortalUserRefusal;

export interface UserRefusalAnswer {
  readonly status: 400 | 404 | 409;
  readonly body: { readonly error: InternalApiErrorCode; readonly message: string; readonly field?: string };
}

/** A users route's refusal as the API's answer, or null for any other error. */
export function userRefusal(error: unknown): UserRefusalAnswer | null {
  if (!(error instanceof UserRefusal)) return null;
  return { status: STATUS_OF[error.apiCode], body: { error: error.apiCode, message: error.message, ...(error.field ? { field: error.field } : {}) } };
}

/** The action's own refusals under the API's codes; anything else (the database failing…) goes on as it is. */
async function refusing<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (isCodedError(error) && CODE_OF[error.code] !== undefined) throw new UserRefusal(CODE_OF[error.code]!, error.message);
    throw error;
  }
}

type Input = Record<string, unknown>;
const param = (request: FastifyRequest, name: string): string => (request.params as Record<string, string>)[name] ?? '';

function body(request: FastifyRequest): Input {
  const b = request.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new UserRefusal('USER_INVALID', 'a JSON object is expected', 'body');
  return b as Input;
}

function textField(input: Input, field: string): string {
  const v = input[field];
  if (typeof v !== 'string') throw new UserRefusal('USER_INVALID', `${field}: a string is required`, field);
  return v;
}

/** A list field: an array of strings or a comma-separated string; undefined when absent. */
function listField(input: Input, field: string): string[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  const items = typeof v === 'string' ? v.split(',') : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v as string[] : null;
  if (items === null) throw new UserRefusal('USER_INVALID', `${field}: an array of strings (or a comma-separated string)`, field);
  const list = items.map((s) => s.trim()).filter(Boolean);
  return list.length > 0 ? list : undefined;
}

function userAnswer(p: UserView, now: Date): Input {
  const locked = p.lockedUntil !== null && p.lockedUntil.getTime() > now.getTime();
  return {
    login: p.login, operator: p.operator.code, name: p.fullName, email: p.email, state: p.state, locked, lockedUntil: locked ? p.lockedUntil : null,
    functions: p.profile.operations, offers: p.profile.offers, createdAt: p.createdAt, lastSignInAt: p.lastSignInAt
  };
}

/** Registers the routes on the internal API; `agentOf` names the agent of a request (its certificate's CN). */
export function userRoutes(api: FastifyInstance, users: InternalUsersPort, clock: Clock, agentOf: (r: FastifyRequest) => string): void {
  const linkAnswer = (login: string, l: OneTimeLink): Input => ({ login, link: `${users.publicUrl}/activation/${l.token}`, expiresAt: l.expiresAt });
  const shown = async (operator: string, login: string, now: Date): Promise<Input> => userAnswer(await users.show(operator, login, now), now);
  const base = '/operators/:operator/users';
  const at = (request: FastifyRequest): { operator: string; login: string; actor: string; now: Date } =>
    ({ operator: param(request, 'operator'), login: param(request, 'login'), actor: agentOf(request), now: clock.now() });

  api.get(base, { schema: LIST_USERS }, async (request) => refusing(async () => {
    const now = clock.now();
    return { users: (await users.list(param(request, 'operator'), now)).map((p) => userAnswer(p, now)) };
  }));
  api.get(`${base}/:login`, { schema: SHOW_USER }, async (request) => refusing(() => shown(param(request, 'operator'), param(request, 'login'), clock.now())));
  api.post(base, { schema: INVITE_USER }, async (request, reply) => {
    const b = body(request);
    const person: NewPortalUser = {
      login: textField(b, 'login'), fullName: textField(b, 'name'), email: textField(b, 'email'),
      functions: listField(b, 'functions') ?? Object.keys(PORTAL_FUNCTIONS), offers: listField(b, 'offers') ?? ['*']
    };
    const link = await refusing(() => users.invite(param(request, 'operator'), person, agentOf(request), clock.now()));
    return reply.code(201).send(linkAnswer(person.login, link));
  });
  const stateRoute = (path: string, schema: typeof DISABLE_USER, act: (a: ReturnType<typeof at>) => Promise<unknown>): void => {
    api.post(`${base}/:login/${path}`, { schema }, async (request) => {
      const a = at(request);
      return refusing(async () => { await act(a); return shown(a.operator, a.login, a.now); });
    });
  };
  stateRoute('disable', DISABLE_USER, (a) => users.setEnabled(a.operator, a.login, false, a.actor, a.now));
  stateRoute('enable', ENABLE_USER, (a) => users.setEnabled(a.operator, a.login, true, a.actor, a.now));
  stateRoute('unlock', UNLOCK_USER, (a) => users.unlock(a.operator, a.login, a.actor, a.now));
  api.post(`${base}/:login/reset`, { schema: RESET_USER }, async (request) => {
    const a = at(request);
    return linkAnswer(a.login, await refusing(() => users.reset(a.operator, a.login, a.actor, a.now)));
  });
  api.post(`${base}/:login/revoke-sessions`, { schema: REVOKE_SESSIONS }, async (request) => {
    const a = at(request);
    return { sessionsEnded: await refusing(() => users.revokeSessions(a.operator, a.login, a.actor, a.now)) };
  });
  api.put(`${base}/:login/profile`, { schema: SET_USER_PROFILE }, async (request) => {
    const b = body(request);
    const functions = listField(b, 'functions');
    const offers = listField(b, 'offers');
    if (functions === undefined && offers === undefined) throw new UserRefusal('USER_INVALID', 'give functions and/or offers', 'functions');
    const a = at(request);
    return refusing(async () => {
      await users.setProfile(a.operator, a.login, functions ?? Object.keys(PORTAL_FUNCTIONS), offers ?? ['*'], a.actor, a.now);
      return shown(a.operator, a.login, a.now);
    });
  });
}
