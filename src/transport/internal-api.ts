/**
 * The internal API for the OI's own systems (after-sales tools, supervision): JSON over HTTPS on a listener of its
 * own, with mutual TLS trusting ONLY the OI's internal CA — operators' certificates (issued by the OI's e-SAV CA
 * or a recognised CA) fail the handshake there. The agent recorded in transitions and in the audit trail is the
 * client certificate's CN. Every route calls the OI's ticket actions (src/domain/oi-ticket-actions.ts), as the admin
 * CLI does; their refusals become HTTP answers in one place (httpStatusOf): 400 invalid input, 404 not found, 409
 * conflict. Every refusal or failure, the API's own included (unknown route, media type, body; src/errors/
 * internal-api-errors.ts), has one shape `{error, message, field?}`.
 *
 * GET /openapi.json is the OpenAPI 3.1 document built from the route schemas (internal-api-schemas.ts). Requests are
 * checked by the ticket actions, not by the schemas: the CLI and the API must refuse the same things in the same
 * words, and a schema validator would answer first, in its own. One log line per request (who, which route, status,
 * refusal, duration; never a body).
 */
import type { TLSSocket } from 'node:tls';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Clock } from '../domain/clock.js';
import {
  readEventDeclaration, readEventFields, type EventDeclaration, type EventFields, type LinkedTicket, type NetworkEvent, type OperatorTold,
  type RequestProblem, type TicketClosure
} from '../domain/network-event.js';
import { NETWORK_EVENT_MOVES, type NetworkEventMove, type NetworkEventState } from '../domain/network-event-lifecycle.js';
import type { OiTicketActions } from '../domain/oi-ticket-actions.js';
import { isCodedError } from '../errors/coded-error.js';
import { AdminError } from '../errors/admin-error.js';
import { isEsavError } from '../errors/esav-error.js';
import { internalApiErrors, type InternalApiErrorCode } from '../errors/internal-api-errors.js';
import { isTicketActionRefusal, type RefusalKind } from '../errors/ticket-action-refusal.js';
import {
  COMMENT_TICKET, DECLARE_NETWORK_EVENT, LIST_NETWORK_EVENTS, LIST_TICKETS, MOVE_NETWORK_EVENT, MOVE_TICKET, NAMED_SCHEMAS, OPENAPI_DOCUMENT,
  SHOW_NETWORK_EVENT, SHOW_TICKET
} from './internal-api-schemas.js';
import { appointmentRefusal, appointmentRoutes, type InternalAppointmentPort } from './internal-api-appointments.js';
import { interventionRefusal, interventionRoutes, type InternalInterventionPort } from './internal-api-interventions.js';
import { userRefusal, userRoutes, type InternalUsersPort } from './internal-api-users.js';
import { openApiCollector } from './openapi.js';
import type { TlsMaterial } from './tls.js';
import { httpsOptions } from './tls.js';

/** What the internal API serves: the OI's ticket actions. */
export type InternalTicketPort = Pick<OiTicketActions, 'list' | 'show' | 'move' | 'comment'>;

const HTTP_STATUS_OF: Readonly<Record<RefusalKind, 400 | 404 | 409>> = Object.freeze({ 'invalid-input': 400, 'not-found': 404, conflict: 409 });

/** The one mapping of a ticket action's refusal kind to the internal API's status. */
export function httpStatusOf(kind: RefusalKind): 400 | 404 | 409 {
  return HTTP_STATUS_OF[kind];
}

/**
 * What the internal API serves of planned works and incidents (issue 15): the store's actions, as esav-admin network
 * works|incidents runs them. Their refusals are AdminErrors (ADMIN_INVALID_INPUT, ADMIN_NOT_FOUND, ADMIN_CONFLICT).
 */
export interface InternalNetworkPort {
  list(openOnly: boolean, category: 'TP' | 'DERCO' | null, limit: number): Promise<(NetworkEvent & { prises: number; services: number })[]>;
  show(reference: string, first: number): Promise<{
    event: NetworkEvent; prises: number; firstPrises: readonly string[]; perOperator: readonly { operator: string; count: number }[];
    tickets: readonly LinkedTicket[];
  } | null>;
  declare(d: EventDeclaration, actor: string, now: Date): Promise<{ event: NetworkEvent; told: readonly OperatorTold[] }>;
  move(reference: string, move: NetworkEventMove, changes: Partial<EventFields>, actor: string, now: Date, closeTickets: boolean): Promise<{
    event: NetworkEvent; from: NetworkEventState; to: NetworkEventState; told: readonly OperatorTold[]; commented: readonly string[];
    closed: readonly TicketClosure[];
  }>;
}

/** The store's refusals of the network routes, under the API's codes. */
const NETWORK_REFUSAL: Readonly<Record<string, InternalApiErrorCode>> = Object.freeze({
  ADMIN_INVALID_INPUT: 'NETWORK_EVENT_INVALID', ADMIN_USAGE: 'NETWORK_EVENT_INVALID', ADMIN_NOT_FOUND: 'NETWORK_EVENT_NOT_FOUND',
  ADMIN_CONFLICT: 'NETWORK_EVENT_CONFLICT'
});

/** A request to the network routes that cannot be read (its fields named), before the store is asked. */
class RequestRefusal extends AdminError {
  constructor(readonly fields: readonly RequestProblem[]) { super('ADMIN_INVALID_INPUT', fields.map((p) => p.message).join('; ')); }
}

export interface InternalApiOptions {
  /** Planned works and incidents (issue 15); their routes answer NO_ROUTE without it. */
  readonly network?: InternalNetworkPort;
  /** The appointments' capacity plan and outcomes (issue 16, internal-api-appointments.ts); no such routes without it. */
  readonly appointments?: InternalAppointmentPort;
  /** The e-intervention hub's views (issue 18, internal-api-interventions.ts); no such routes without it. */
  readonly interventions?: InternalInterventionPort;
  /** The people of e-SAV en ligne, the portal (issue 21, internal-api-users.ts); no such routes without it. */
  readonly users?: InternalUsersPort;
  /** The request log (one line per request at info); none when absent. */
  readonly logger?: FastifyBaseLogger;
  /** The gateway's version, shown by the OpenAPI document. */
  readonly version?: string;
}

function agentOf(request: FastifyRequest): string {
  const cert = (request.raw.socket as TLSSocket).getPeerCertificate();
  return `agent:${cert.subject?.CN ?? 'inconnu'}`;
}

const referenceOf = (request: FastifyRequest): string => (request.params as { reference: string }).reference;

/** The refusal code each request was answered with, for its log line. */
const refusals = new WeakMap<FastifyRequest, string>();

function refuse(request: FastifyRequest, reply: FastifyReply, code: InternalApiErrorCode, message: string): FastifyReply {
  refusals.set(request, code);
  return reply.code(internalApiErrors[code].status).send({ error: code, message });
}

/** Fastify's own refusals (before a handler runs) under the API's codes. */
function frameworkCode(error: FastifyError): InternalApiErrorCode {
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'UNSUPPORTED_MEDIA_TYPE';
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'BODY_TOO_LARGE';
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) return 'BAD_JSON';
  return 'BAD_REQUEST';
}

export async function buildInternalApi(tls: TlsMaterial, port: InternalTicketPort, clock: Clock, options: InternalApiOptions = {}): Promise<FastifyInstance> {
  const api = Fastify({
    https: httpsOptions(tls), bodyLimit: 64 * 1024,
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true })
  });
  // The ticket actions check every request (see the header comment): the schemas document, and serialize answers.
  api.setValidatorCompiler(() => () => true);
  // JSON only: Fastify would read a text/plain body as a string (a comment "text" then missing, instead of a 415).
  api.removeContentTypeParser('text/plain');
  const openApi = openApiCollector(api, {
    title: 'e-SAV gateway — internal API', version: options.version ?? '0.0.0',
    description: 'The OI\'s after-sales systems act on tickets (DOMAIN.md S2) over mutual TLS with a certificate of the OI\'s internal CA; '
      + 'the agent recorded is its CN. Refusals: `{error, message, field?}`.'
  }, NAMED_SCHEMAS, { internalCertificate: { type: 'mutualTLS', description: 'A client certificate issued by the OI\'s internal CA (ESAV_INTERNAL_CA).' } });

  api.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof RequestRefusal) {
      refusals.set(request, 'NETWORK_EVENT_INVALID');
      return reply.code(400).send({ error: 'NETWORK_EVENT_INVALID', message: error.message, ...(error.fields.length === 1 ? { field: error.fields[0]!.field } : {}) });
    }
    const planned = appointmentRefusal(error) ?? interventionRefusal(error) ?? userRefusal(error);
    if (planned) { refusals.set(request, planned.body.error); return reply.code(planned.status).send(planned.body); }
    if (isCodedError(error) && NETWORK_REFUSAL[error.code] !== undefined) return refuse(request, reply, NETWORK_REFUSAL[error.code]!, error.message);
    if (isTicketActionRefusal(error)) {
      refusals.set(request, error.code);
      return reply.code(httpStatusOf(error.kind)).send({ error: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
    }
    // The database cannot serve now: the caller may retry (the same fault as on the SOAP side, registry ESAV_SERVICE_UNAVAILABLE).
    if (isEsavError(error) && error.code === 'ESAV_SERVICE_UNAVAILABLE') {
      if (error.detail.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.detail.retryAfterSeconds));
      return refuse(request, reply, 'SERVICE_INDISPONIBLE', error.message);
    }
    if (error.statusCode !== undefined && error.statusCode < 500) return refuse(request, reply, frameworkCode(error), error.message);
    request.log.error({ err: error }, 'internal API: internal error');
    return refuse(request, reply, 'INTERNAL', `internal error (request ${request.id})`);
  });
  api.setNotFoundHandler((request, reply) =>
    refuse(request, reply, 'NO_ROUTE', `no route ${request.method} ${request.url.split('?')[0]!} (GET /openapi.json lists the routes)`));

  api.addHook('onResponse', async (request, reply) => {
    request.log.info({
      agent: agentOf(request), method: request.method, route: request.routeOptions.url ?? null,
      ...(request.params && (request.params as { reference?: string }).reference ? { reference: referenceOf(request) } : {}),
      status: reply.statusCode, refused: refusals.get(request), durationMs: Math.round(reply.elapsedTime * 100) / 100
    }, 'internal API request');
  });

  api.get('/tickets', { schema: LIST_TICKETS }, async (request) => {
    const q = (request.query ?? {}) as Record<string, unknown>;
    return port.list({ state: q.state, operator: q.operator, limit: q.limit, page: q.page });
  });
  api.get('/tickets/:reference', { schema: SHOW_TICKET }, async (request) => port.show(referenceOf(request)));
  api.post('/tickets/:reference/events', { schema: MOVE_TICKET }, async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const move = { event: body.event, reason: body.reason, awaiting: body.awaiting };
    return { state: await port.move(referenceOf(request), move, { name: agentOf(request) }, clock.now()) };
  });
  api.post('/tickets/:reference/comments', { schema: COMMENT_TICKET }, async (request, reply) => {
    await port.comment(referenceOf(request), (request.body as { text?: unknown } | null)?.text, { name: agentOf(request) }, clock.now());
    return reply.code(204).send();
  });
  const network = options.network;
  if (network) {
    const body = (request: FastifyRequest): Record<string, unknown> => {
      const b = request.body;
      if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new RequestRefusal([{ field: 'body', message: 'a JSON object is expected' }]);
      return b as Record<string, unknown>;
    };
    const wholeNumber = (field: string, v: unknown, dflt: number, max: number): number => {
      if (v === undefined || v === '') return dflt;
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,6}$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < 0 || n > max) throw new RequestRefusal([{ field, message: `${field}: a whole number from 0 to ${max}` }]);
      return n;
    };
    api.get('/network/events', { schema: LIST_NETWORK_EVENTS }, async (request) => {
      const q = (request.query ?? {}) as Record<string, unknown>;
      if (q.category !== undefined && q.category !== 'TP' && q.category !== 'DERCO') throw new RequestRefusal([{ field: 'category', message: 'category: TP or DERCO' }]);
      if (q.all !== undefined && q.all !== 'true' && q.all !== 'false') throw new RequestRefusal([{ field: 'all', message: 'all: true or false' }]);
      const events = await network.list(q.all !== 'true', (q.category as 'TP' | 'DERCO' | undefined) ?? null, Math.max(1, wholeNumber('limit', q.limit, 1000, 1000)));
      return { events };
    });
    api.get('/network/events/:reference', { schema: SHOW_NETWORK_EVENT }, async (request) => {
      const first = wholeNumber('first', ((request.query ?? {}) as Record<string, unknown>).first, 20, 10_000);
      const view = await network.show(referenceOf(request), first);
      if (!view) throw new AdminError('ADMIN_NOT_FOUND', `no planned work or incident ${referenceOf(request)}`);
      return view;
    });
    api.post('/network/events', { schema: DECLARE_NETWORK_EVENT }, async (request, reply) => {
      const { declaration, problems } = readEventDeclaration(body(request));
      if (!declaration) throw new RequestRefusal(problems);
      return reply.code(201).send(await network.declare(declaration, agentOf(request), clock.now()));
    });
    api.post('/network/events/:reference/moves', { schema: MOVE_NETWORK_EVENT }, async (request) => {
      const b = body(request);
      if (typeof b.move !== 'string' || !(NETWORK_EVENT_MOVES as readonly string[]).includes(b.move)) {
        throw new RequestRefusal([{ field: 'move', message: `move: one of ${NETWORK_EVENT_MOVES.join(', ')}` }]);
      }
      if (b.closeTickets !== undefined && (typeof b.closeTickets !== 'boolean' || (b.closeTickets && b.move !== 'close'))) {
        throw new RequestRefusal([{ field: 'closeTickets', message: 'closeTickets: true or false, true with move close only' }]);
      }
      const { fields, problems } = readEventFields(b);
      if (problems.length > 0) throw new RequestRefusal(problems);
      return network.move(referenceOf(request), b.move as NetworkEventMove, fields, agentOf(request), clock.now(), b.closeTickets === true);
    });
  }
  if (options.appointments) appointmentRoutes(api, options.appointments, clock, agentOf);
  if (options.interventions) interventionRoutes(api, options.interventions, clock);
  if (options.users) userRoutes(api, options.users, clock, agentOf);
  let document: Record<string, unknown> | null = null;
  api.get('/openapi.json', { schema: OPENAPI_DOCUMENT }, async () => (document ??= openApi.document()));
  return api;
}
