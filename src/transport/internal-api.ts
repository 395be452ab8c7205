/**
 * The internal API for the OI's own systems (after-sales tools, supervision): JSON over HTTPS on a listener of its
 * own, with mutual TLS trusting ONLY the OI's internal CA — operators' certificates (issued by the OI's e-SAV CA
 * or a recognised CA) fail the handshake there. The agent recorded in transitions is the client certificate's CN.
 */
import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { CodedError } from '../errors/coded-error.js';
import type { TlsMaterial } from './tls.js';
import { httpsOptions } from './tls.js';

export interface InternalTicketPort {
  list(filter: { state: string | null; operator: string | null }): Promise<unknown[]>;
  show(reference: string): Promise<unknown | null>;
  event(reference: string, agent: string, body: { event?: unknown; reason?: unknown; awaiting?: unknown }): Promise<{ state: string }>;
  comment(reference: string, agent: string, text: unknown): Promise<void>;
}

const CODE_OF_STATUS = { 400: 'ESAV_INTERNAL_API_BAD_REQUEST', 404: 'ESAV_INTERNAL_API_NOT_FOUND', 409: 'ESAV_INTERNAL_API_CONFLICT' } as const;

/**
 * An error the port raises for a request it refuses: 404 for an unknown ticket, 409 for an illegal move, 400 else.
 * `code` is the stable internal code (from the status); `apiCode` is what the JSON answer's `error` says, unchanged.
 */
export class InternalApiError extends CodedError<(typeof CODE_OF_STATUS)[400 | 404 | 409]> {
  constructor(readonly status: 400 | 404 | 409, readonly apiCode: string, message: string) {
    super(CODE_OF_STATUS[status], message);
  }
}

function agentOf(request: FastifyRequest): string {
  const cert = (request.raw.socket as TLSSocket).getPeerCertificate();
  return `agent:${cert.subject?.CN ?? 'inconnu'}`;
}

export async function buildInternalApi(tls: TlsMaterial, port: InternalTicketPort): Promise<FastifyInstance> {
  const api = Fastify({ https: httpsOptions(tls), logger: false, bodyLimit: 64 * 1024 });
  api.setErrorHandler((error, _request, reply) => {
    if (error instanceof InternalApiError) return reply.code(error.status).send({ error: error.apiCode, message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status < 500) return reply.code(status).send({ error: 'BAD_REQUEST', message: (error as Error).message });
    return reply.code(500).send({ error: 'INTERNAL', message: 'internal error' });
  });
  api.get('/tickets', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    return { tickets: await port.list({ state: q.state ?? null, operator: q.operator ?? null }) };
  });
  api.get('/tickets/:reference', async (request, reply) => {
    const t = await port.show((request.params as { reference: string }).reference);
    return t === null ? reply.code(404).send({ error: 'NOT_FOUND', message: 'no such ticket' }) : t;
  });
  api.post('/tickets/:reference/events', async (request) =>
    port.event((request.params as { reference: string }).reference, agentOf(request), (request.body ?? {}) as Record<string, unknown>));
  api.post('/tickets/:reference/comments', async (request, reply) => {
    await port.comment((request.params as { reference: string }).reference, agentOf(request), (request.body as { text?: unknown } | null)?.text);
    return reply.code(204).send();
  });
  return api;
}
