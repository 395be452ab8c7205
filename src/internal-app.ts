/**
 * The internal API of one gateway (src/transport/internal-api.ts) bound to the OI's ticket and appointment actions.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from './domain/clock.js';
import { appointmentPlanActions } from './domain/appointment-plan-actions.js';
import { oiTicketActions } from './domain/oi-ticket-actions.js';
import { createAppointmentPlanPorts } from './store/appointment-plan-store.js';
import type { Pool } from './store/database.js';
import { createOiTicketPorts } from './store/oi-ticket-store.js';
import { buildInternalApi } from './transport/internal-api.js';
import type { TlsMaterial } from './transport/tls.js';

export async function buildInternalApp(deps: { pool: Pool; clock: Clock; tls: TlsMaterial }): Promise<FastifyInstance> {
  return buildInternalApi(deps.tls, oiTicketActions(createOiTicketPorts(deps.pool)), deps.clock, appointmentPlanActions(createAppointmentPlanPorts(deps.pool)));
}
