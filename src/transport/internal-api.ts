/**
 * The internal API for the OI's own systems (after-sales tools, supervision): JSON over HTTPS on a listener of its
 * own, with mutual TLS trusting ONLY the OI's internal CA — operators' certificates (issued by the OI's e-SAV CA
 * or a recognised CA) fail the handshake there. The agent recorded in transitions is the client certificate's CN.
 * Every route calls the OI's ticket actions (src/domain/oi-ticket-actions.ts), as the admin CLI does; their refusals
 * become HTTP answers in one place (httpStatusOf): 400 invalid input, 404 not found, 409 conflict, `{error, message}`,
 * with `field` naming the request's field in error when there is one (a comment or reason that cannot be stored or sent).
 */
import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Clock } from '../domain/clock.js';
import type { OiTicketActions } from '../domain/oi-ticket-actions.js';
import { isEsavError } from '../errors/esav-error.js';
import { isTicketActionRefusal, type RefusalKind } from '../errors/ticket-action-refusal.js';
import type { TlsMaterial } from './tls.js';
import { httpsOptions } from './tls.js';

/** What the internal API serves: the OI's ticket actions. */
export type InternalTicketPort = Pick<OiTicketActions, 'list' | 'show' | 'move' | 'comment'>;

const HTTP_STATUS_OF: Readonly<Record<RefusalKind, 400 | 404 | 409>> = Object.freeze({ 'invalid-input': 400, 'not-found': 404, conflict: 409 });

/** The one mapping of a ticket action's refusal kind to the internal API's status. */
export function httpStatusOf(kind: RefusalKind): 400 | 404 | 409 {
  return HTTP_STATUS_OF[kind];
}

function agentOf(request: FastifyRequest): string {
  const cert = (request.raw.socket as TLSSocket).getPeerCertificate();
  return `agent:${cert.subject?.CN ?? 'inconnu'}`;
}

const referenceOf = (request: FastifyRequest): string => (request.params as { reference: string }).reference;

export async function buildInternalApi(tls: TlsMaterial, port: InternalTicketPort, clock: Clock): Promise<FastifyInstance> {
  const api = Fastify({ https: httpsOptions(tls), logger: false, bodyLimit: 64 * 1024 });
  api.setErrorHandler((error, _request, reply) => {
    if (isTicketActionRefusal(error)) {
      return reply.code(httpStatusOf(error.kind)).send({ error: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
    }
    // The database cannot serve now: the caller may retry (the same fault as on the SOAP side, registry ESAV_SERVICE_UNAVAILABLE).
    if (isEsavError(error) && error.code === 'ESAV_SERVICE_UNAVAILABLE') {
      if (error.detail.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.detail.retryAfterSeconds));
      return reply.code(503).send({ error: error.definition.wireCode, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status < 500) return reply.code(status).send({ error: 'BAD_REQUEST', message: (error as Error).message });
    return reply.code(500).send({ error: 'INTERNAL', message: 'internal error' });
  });
  api.get('/tickets', async (request) => {
    const q = (request.query ?? {}) as Record<string, unknown>;
    return port.list({ state: q.state, operator: q.operator, limit: q.limit, page: q.page });
  });
  api.get('/tickets/:reference', async (request) => port.show(referenceOf(request)));
  api.post('/tickets/:reference/events', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const move = { event: body.event, reason: body.reason, awaiting: body.awaiting };
    return { state: await port.move(referenceOf(request), move, { name: agentOf(request) }, clock.now()) };
  });
  api.post('/tickets/:reference/comments', async (request, reply) => {
    await port.comment(referenceOf(request), (request.body as { text?: unknown } | null)?.text, { name: agentOf(request) }, clock.now());
    return reply.code(204).send();
  });
  return api;
}
