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
import type { OiTicketActions } from '../domain/oi-ticket-actions.js';
import { isEsavError } from '../errors/esav-error.js';
import { internalApiErrors, type InternalApiErrorCode } from '../errors/internal-api-errors.js';
import { isTicketActionRefusal, type RefusalKind } from '../errors/ticket-action-refusal.js';
import { COMMENT_TICKET, LIST_TICKETS, MOVE_TICKET, NAMED_SCHEMAS, OPENAPI_DOCUMENT, SHOW_TICKET } from './internal-api-schemas.js';
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

export interface InternalApiOptions {
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
  let document: Record<string, unknown> | null = null;
  api.get('/openapi.json', { schema: OPENAPI_DOCUMENT }, async () => (document ??= openApi.document()));
  return api;
}
