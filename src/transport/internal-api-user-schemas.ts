/**
 * The route schemas of the internal API's users routes (issue 21: the people of e-SAV en ligne, the portal), beside
 * the ticket, network and appointment ones. As there, they document and serialize; the people's actions
 * (src/store/portal/people.ts, shared with esav-admin users) check the requests.
 */
import { errors, named, type JsonSchema, type RouteSchema } from './internal-api-schemas.js';

const text = { type: 'string' } as const;
const instant = { type: 'string', format: 'date-time' } as const;
const list = (description: string): JsonSchema => ({ type: 'array', items: text, description });
const TAGS = ['users'] as const;
const READ_ERRORS = errors(404, 409, 503, 500);
const WRITE_ERRORS = errors(400, 404, 409, 413, 415, 503, 500);

const OPERATOR_PARAMS = { type: 'object', required: ['operator'], properties: { operator: { type: 'string', description: 'The operator\'s code.' } } };
const USER_PARAMS = { type: 'object', required: ['operator', 'login'], properties: { ...OPERATOR_PARAMS.properties, login: text } };

const USER_PROPERTIES = {
  login: text, operator: text, name: text, email: text,
  state: { type: 'string', enum: ['invited', 'active', 'disabled'], description: 'invited: the one-time link not used yet.' },
  locked: { type: 'boolean', description: 'Locked out after repeated failed sign-ins (until lockedUntil).' },
  lockedUntil: { type: ['string', 'null'], format: 'date-time' },
  functions: list('Web-service operations the person may use on the portal (A5), or *.'),
  offers: list('Offers the person may act on, or *.'),
  createdAt: instant, lastSignInAt: { type: ['string', 'null'], format: 'date-time' }
} as const;
const USER = named('PortalUser', { type: 'object', required: Object.keys(USER_PROPERTIES), properties: USER_PROPERTIES });

const LINK = named('PortalOneTimeLink', {
  type: 'object', required: ['login', 'link', 'expiresAt'],
  properties: {
    login: text, link: { type: 'string', format: 'uri', description: 'The one-time link to give the person (shown only in this answer; only its SHA-256 is kept).' },
    expiresAt: instant
  }
});

const PROFILE_FIELDS = {
  functions: list('Web-service operations (signalisation.depotSignalisation, …, or *); default: every portal function.'),
  offers: list('Offers (FTTE, LFO, …) or *; default *.')
} as const;

export const LIST_USERS: RouteSchema = {
  operationId: 'listPortalUsers', tags: TAGS, summary: 'The operator\'s people on the portal, with their state and last sign-in',
  description: 'Refused (USER_CONFLICT) when the operator\'s order form does not ask for online access (O1).',
  params: OPERATOR_PARAMS,
  response: { 200: { type: 'object', required: ['users'], properties: { users: { type: 'array', items: USER } } }, ...READ_ERRORS }
};

export const SHOW_USER: RouteSchema = {
  operationId: 'showPortalUser', tags: TAGS, summary: 'One person of the operator', params: USER_PARAMS, response: { 200: USER, ...READ_ERRORS }
};

export const INVITE_USER: RouteSchema = {
  operationId: 'invitePortalUser', tags: TAGS, summary: 'Creates a person and answers the one-time link where they choose a password and set up TOTP',
  description: 'As esav-admin users invite; the operator\'s order form must ask for online access (O1). Audited (entity portal_user).',
  params: OPERATOR_PARAMS,
  body: { type: 'object', required: ['login', 'name', 'email'], properties: { login: text, name: text, email: text, ...PROFILE_FIELDS } },
  response: { 201: LINK, ...WRITE_ERRORS }
};

const stateChange = (operationId: string, summary: string): RouteSchema => ({
  operationId, tags: TAGS, summary, description: 'Audited (entity portal_user).', params: USER_PARAMS,
  response: { 200: USER, ...WRITE_ERRORS }
});
export const DISABLE_USER = stateChange('disablePortalUser', 'Refuses sign-in from now on and ends the person\'s sessions');
export const ENABLE_USER = stateChange('enablePortalUser', 'Allows a disabled person again (lockout lifted)');
export const UNLOCK_USER = stateChange('unlockPortalUser', 'Lifts a lockout after repeated failed sign-ins before it ends by itself');

export const RESET_USER: RouteSchema = {
  operationId: 'resetPortalUser', tags: TAGS, summary: 'A forgotten password or a lost second factor: a new one-time link; sessions ended',
  description: 'Audited (entity portal_user).', params: USER_PARAMS, response: { 200: LINK, ...WRITE_ERRORS }
};

export const REVOKE_SESSIONS: RouteSchema = {
  operationId: 'revokePortalSessions', tags: TAGS, summary: 'Signs the person out everywhere (every live session ended)',
  description: 'Audited (entity portal_user).', params: USER_PARAMS,
  response: { 200: { type: 'object', required: ['sessionsEnded'], properties: { sessionsEnded: { type: 'integer', minimum: 0 } } }, ...WRITE_ERRORS }
};

export const SET_USER_PROFILE: RouteSchema = {
  operationId: 'setPortalUserProfile', tags: TAGS, summary: 'Changes what the person may do (A5)',
  description: 'As esav-admin users set-profile: give functions and/or offers. Audited (entity portal_user).',
  params: USER_PARAMS, body: { type: 'object', properties: PROFILE_FIELDS }, response: { 200: USER, ...WRITE_ERRORS }
};
