/**
 * The internal API of one gateway (src/transport/internal-api.ts) bound to the ticket operations of the OI's side.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from './domain/clock.js';
import { FREEZE_REASONS, TICKET_STATES, TRANSITIONS, type FreezeReason, type TicketEvent, type TicketState } from './domain/ticket-lifecycle.js';
import { oiComment, oiEvent } from './domain/ticket-service.js';
import { isEsavError } from './errors/esav-error.js';
import type { Pool } from './store/database.js';
import { createTicketStore } from './store/ticket-store.js';
import { buildInternalApi, InternalApiError } from './transport/internal-api.js';
import type { TlsMaterial } from './transport/tls.js';

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isEsavError(e)) {
      throw e.code === 'ESAV_RESOURCE_NOT_FOUND' ? new InternalApiError(404, 'NOT_FOUND', e.message) : new InternalApiError(409, e.definition.wireCode, e.message);
    }
    throw e;
  }
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

export async function buildInternalApp(deps: { pool: Pool; clock: Clock; tls: TlsMaterial }): Promise<FastifyInstance> {
  const store = createTicketStore(deps.pool);
  return buildInternalApi(deps.tls, {
    async list(filter) {
      if (filter.state !== null && !(TICKET_STATES as readonly string[]).includes(filter.state)) throw new InternalApiError(400, 'BAD_STATE', `unknown state ${filter.state}`);
      const { rows } = await store.search(null, { states: filter.state ? [filter.state as TicketState] : [], serviceId: null, from: null, to: null }, new Date(0), 500, 0);
      return rows.filter((t) => filter.operator === null || t.operatorCode === filter.operator);
    },
    async show(reference) {
      const t = await store.find(null, reference);
      return t === null ? null : { ...t, ...(await store.history(t.id)) };
    },
    async event(reference, agent, body) {
      const event = text(body.event);
      if (event === null || !Object.hasOwn(TRANSITIONS, event)) throw new InternalApiError(400, 'BAD_EVENT', `event must be one of ${Object.keys(TRANSITIONS).join(', ')}`);
      const awaiting = text(body.awaiting);
      if (awaiting !== null && !Object.hasOwn(FREEZE_REASONS, awaiting)) throw new InternalApiError(400, 'BAD_AWAITING', `awaiting must be one of ${Object.keys(FREEZE_REASONS).join(', ')}`);
      const reason = text(body.reason);
      const state = await mapped(() => oiEvent(store, reference, event as TicketEvent, agent, deps.clock.now(), { reason, freezeReason: awaiting as FreezeReason | null, freezeDetail: reason }));
      return { state };
    },
    async comment(reference, agent, body) {
      const t = text(body);
      if (t === null) throw new InternalApiError(400, 'BAD_TEXT', 'text is required');
      await mapped(() => oiComment(store, reference, agent, t, deps.clock.now()));
    }
  });
}
