/** The ports of the OI's ticket actions (src/domain/oi-ticket-actions.ts) on PostgreSQL. */
import type { OiTicketPorts } from '../domain/oi-ticket-actions.js';
import { run, type Pool } from './database.js';
import { lineTestOfTicket } from './queries/line-tests.js';
import { networkEventsOfTickets } from './queries/network-events.js';
import { archiveClosures } from './queries/oi-tickets.js';
import { operatorIdByCode } from './queries/operators.js';
import { createTicketStore } from './ticket-store.js';

export function createOiTicketPorts(pool: Pool): OiTicketPorts {
  return {
    tickets: createTicketStore(pool),
    async operatorIdOf(code) {
      const [row] = await run<{ id: string }>(pool, operatorIdByCode(code));
      return row ? String(row.id) : null;
    },
    async archiveClosures(closedBefore, actor, at) {
      const [row] = await run<{ archived: string; pending: string }>(pool, archiveClosures(closedBefore, actor.kind, actor.name, at));
      return { archived: Number(row?.archived ?? 0), pending: Number(row?.pending ?? 0) };
    },
    async networkEventsOf(ticketIds) {
      const rows = await run<{ ticket_id: string; refs: string[] }>(pool, networkEventsOfTickets(ticketIds));
      return new Map(rows.map((r) => [String(r.ticket_id), r.refs]));
    },
    async lineTestOf(ticketId) {
      const [r] = await run<{ reference: string; test_code: string | null; state: string | null; diagnosis: string | null; finished_at: Date | null; failure_reason: string | null }>(
        pool, lineTestOfTicket(ticketId));
      return r ? { reference: r.reference, testCode: r.test_code, state: r.state, diagnosis: r.diagnosis, finishedAt: r.finished_at, failureReason: r.failure_reason } : null;
    }
  };
}
