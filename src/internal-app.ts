/**
 * The internal API of one gateway (src/transport/internal-api.ts) bound to the OI's ticket actions.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Clock } from './domain/clock.js';
import { oiTicketActions } from './domain/oi-ticket-actions.js';
import type { Pool } from './store/database.js';
import { createOiTicketPorts } from './store/oi-ticket-store.js';
import { buildInternalApi } from './transport/internal-api.js';
import type { TlsMaterial } from './transport/tls.js';

export interface InternalAppDeps {
  readonly pool: Pool;
  readonly clock: Clock;
  readonly tls: TlsMaterial;
  /** Where the request lines go (none without it). */
  readonly logger?: FastifyBaseLogger;
  /** The gateway's version, for the OpenAPI document. */
  readonly version?: string;
}

export async function buildInternalApp(deps: InternalAppDeps): Promise<FastifyInstance> {
  return buildInternalApi(deps.tls, oiTicketActions(createOiTicketPorts(deps.pool)), deps.clock,
    { ...(deps.logger ? { logger: deps.logger } : {}), ...(deps.version ? { version: deps.version } : {}) });
}
