/**
 * Overload without a declared limit (issue "Operating the gateway", item 5): when the event loop lags or the database
 * pool has too many calls waiting, a call gets at once a SERVICE_INDISPONIBLE fault with a retry-after instead of
 * queueing until it times out. @fastify/under-pressure samples the event loop; the pool check is ours. With fair
 * shares (`shedsByOperator`), pressure is only recorded on the request here: the SOAP route, which knows the caller,
 * sheds the heaviest operators and lets the quiet ones through (fair-share.ts).
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EsavError } from '../errors/esav-error.js';
import { writeFault } from '../soap/fault-writer.js';
import { parseMediaType, SOAP11 } from '../soap/soap-version.js';

export interface OverloadOptions {
  readonly maxEventLoopDelayMs: number;
  /** Calls waiting for a database connection above which new calls are turned away. */
  readonly maxDatabaseWaiting: number;
  readonly databaseWaiting: () => number;
  readonly retryAfterSeconds: number;
  /** The SOAP route decides whom to refuse (request.esavPressure); otherwise every call is refused under pressure. */
  readonly shedsByOperator?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest { esavPressure: string | null }
}

function refuse(request: FastifyRequest, reply: FastifyReply, reason: string, retryAfter: number): FastifyReply {
  const fault = writeFault(new EsavError('ESAV_SERVICE_UNAVAILABLE', { params: { reason, retryAfter }, retryAfterSeconds: retryAfter }, { logReason: `overload: ${reason}` }),
    request.id, parseMediaType(request.headers['content-type']).soap ?? SOAP11);
  request.esavOutcome = fault;
  return reply.code(fault.status).headers({ ...fault.headers, 'x-request-id': request.id }).send(fault.body);
}

export function overloadGuard(o: OverloadOptions) {
  const plugin = async function overload(app: FastifyInstance): Promise<void> {
    await app.register(underPressure, {
      maxEventLoopDelay: o.maxEventLoopDelayMs,
      retryAfter: o.retryAfterSeconds,
      pressureHandler: (request, reply) => {
        if (o.shedsByOperator) request.esavPressure = 'surcharge de la passerelle';
        else refuse(request, reply, 'surcharge de la passerelle', o.retryAfterSeconds);
      }
    });
    app.decorateRequest('esavPressure', null);
    app.addHook('onRequest', async (request, reply) => {
      if (o.databaseWaiting() <= o.maxDatabaseWaiting) return undefined;
      if (!o.shedsByOperator) return refuse(request, reply, 'base de données saturée', o.retryAfterSeconds);
      request.esavPressure ??= 'base de données saturée';
      return undefined;
    });
  };
  // Not encapsulated: its hooks guard the routes of the whole instance (the fastify-plugin convention).
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
