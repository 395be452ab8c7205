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
import type { AppointmentPlanActions } from '../domain/appointment-plan-actions.js';
import type { Clock } from '../domain/clock.js';
import { isAppointmentPlanRefusal, type PlanRefusalKind } from '../errors/appointment-plan-refusal.js';
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

const PLAN_STATUS: Readonly<Record<PlanRefusalKind, 400 | 404 | 409>> = Object.freeze({ invalid: 400, 'not-found': 404, conflict: 409 });

/** @param appointments the appointment routes' actions (absent: no such routes, as in a test of the ticket routes). */
export async function buildInternalApi(tls: TlsMaterial, port: InternalTicketPort, clock: Clock,
  appointments?: AppointmentPlanActions): Promise<FastifyInstance> {
  const api = Fastify({ https: httpsOptions(tls), logger: false, bodyLimit: 64 * 1024 });
  api.setErrorHandler((error, _request, reply) => {
    if (isAppointmentPlanRefusal(error)) {
      return reply.code(PLAN_STATUS[error.kind]).send({ error: 'PLAN_REFUSE', message: error.message, ...(error.field ? { field: error.field } : {}) });
    }
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
  if (appointments) appointmentRoutes(api, appointments, clock);
  return api;
}

type Body = Record<string, unknown>;
const bodyOf = (request: FastifyRequest): Body => (request.body ?? {}) as Body;
const paramOf = (request: FastifyRequest, name: string): string => (request.params as Record<string, string>)[name] ?? '';

/** The appointments' capacity plan and outcomes (issue 16), the same actions as esav-admin appointments. */
function appointmentRoutes(api: FastifyInstance, actions: AppointmentPlanActions, clock: Clock): void {
  api.get('/appointments/zones', async () => actions.zones());
  api.put('/appointments/zones/:zone', async (request, reply) => {
    await actions.defineZone(paramOf(request, 'zone'), bodyOf(request), agentOf(request));
    return reply.code(204).send();
  });
  api.put('/appointments/zones/:zone/grid', async (request) => actions.setGrid(paramOf(request, 'zone'), bodyOf(request), agentOf(request)));
  api.put('/appointments/zones/:zone/capacity', async (request) =>
    ({ slots: await actions.setCapacity(paramOf(request, 'zone'), bodyOf(request), agentOf(request)) }));
  api.get('/appointments/zones/:zone/slots', async (request) => actions.slots(paramOf(request, 'zone'), (request.query ?? {}) as Body));
  api.post('/appointments/closures', async (request) => ({ slotsClosed: await actions.closeDay(bodyOf(request), agentOf(request)) }));
  api.delete('/appointments/closures', async (request, reply) => {
    await actions.reopenDay((request.query ?? {}) as Body, agentOf(request));
    return reply.code(204).send();
  });
  api.get('/appointments', async (request) => actions.list((request.query ?? {}) as Body));
  api.post('/appointments/:reference/outcome', async (request) => {
    const a = await actions.outcome(paramOf(request, 'reference'), bodyOf(request), agentOf(request), clock.now());
    return { reference: a.reference, state: a.state, ticket: a.ticketReference };
  });
}
