/**
 * The ops listener: plain HTTP, bound to loopback by default (ESAV_OPS_HOST/ESAV_OPS_PORT), for the people and
 * probes that run the gateway — liveness, readiness and Prometheus metrics. Never exposed to operators.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, string>>;
}

export interface OpsDeps {
  readiness(): Promise<ReadinessReport>;
  metrics(): Promise<string>;
}

export async function buildOpsServer(deps: OpsDeps): Promise<FastifyInstance> {
  const ops = Fastify({ logger: false });
  ops.get('/health/live', async () => ({ status: 'ok' }));
  ops.get('/health/ready', async (_req, reply) => {
    const r = await deps.readiness();
    return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', checks: r.checks });
  });
  ops.get('/metrics', async (_req, reply) => reply.type(Registry.PROMETHEUS_CONTENT_TYPE).send(await deps.metrics()));
  return ops;
}
