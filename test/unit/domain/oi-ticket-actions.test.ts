import { expect } from 'chai';
import { adminErrorOf } from '../../../src/admin/commands/tickets.js';
import {
  LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, oiTicketActions, parseListRequest, parseMoveRequest, type OiTicketPorts
} from '../../../src/domain/oi-ticket-actions.js';
import { archivableClosedBefore, DEFAULT_LIFECYCLE_POLICY, transition } from '../../../src/domain/ticket-lifecycle.js';
import type { TicketStore } from '../../../src/domain/tickets.js';
import { EsavError } from '../../../src/errors/esav-error.js';
import { ticketActionRefusals, TicketActionRefusal, type TicketActionRefusalCode } from '../../../src/errors/ticket-action-refusal.js';
import { httpStatusOf } from '../../../src/transport/internal-api.js';

function refusalOf(fn: () => unknown): TicketActionRefusal {
  try {
    fn();
  } catch (e) {
    if (e instanceof TicketActionRefusal) return e;
    throw e;
  }
  throw new Error('not refused');
}

async function refusalOfAsync(p: Promise<unknown>): Promise<TicketActionRefusal> {
  const e = await p.then(() => null, (err: unknown) => err);
  if (e instanceof TicketActionRefusal) return e;
  throw e instanceof Error ? e : new Error('not refused');
}

/** Ports whose every call fails the test unless the case replaces it. */
type PortOverrides = Partial<Omit<OiTicketPorts, 'tickets'>> & { tickets?: Partial<TicketStore> };

function ports(overrides: PortOverrides = {}): OiTicketPorts {
  const fail = (): never => { throw new Error('port called'); };
  const { tickets: given, ...rest } = overrides;
  const tickets = { file: fail, withTicket: fail, find: fail, stateOf: fail, history: fail, search: fail, searchSummaries: fail, ...given } as TicketStore;
  return { operatorIdOf: fail, archiveClosures: fail, networkEventsOf: async () => new Map(), lineTestOf: fail, ...rest, tickets };
}

describe('OI ticket actions (src/domain/oi-ticket-actions.ts)', () => {
  describe('list requests', () => {
    it('takes the documented defaults when nothing is given, and an empty value as nothing', () => {
      expect(parseListRequest({})).to.deep.equal({ state: null, operator: null, limit: LIST_DEFAULT_LIMIT, page: 1 });
      expect(parseListRequest({ state: '', operator: '', limit: '', page: '' })).to.deep.equal({ state: null, operator: null, limit: 50, page: 1 });
      expect(parseListRequest({ state: 'GELE', operator: 'OPA', limit: '500', page: '3' }))
        .to.deep.equal({ state: 'GELE', operator: 'OPA', limit: 500, page: 3 });
    });

    it('refuses a state outside the lifecycle, a page size outside 1…500 and a page below 1', () => {
      const cases: Array<[Record<string, unknown>, TicketActionRefusalCode]> = [
        [{ state: 'OUVERT' }, 'BAD_STATE'], [{ state: 'toString' }, 'BAD_STATE'], [{ state: ['GELE', 'CLOS'] }, 'BAD_STATE'],
        [{ operator: ['OPA', 'OPB'] }, 'UNKNOWN_OPERATOR'],
        [{ limit: '0' }, 'BAD_LIMIT'], [{ limit: String(LIST_MAX_LIMIT + 1) }, 'BAD_LIMIT'], [{ limit: '10.5' }, 'BAD_LIMIT'], [{ limit: '-1' }, 'BAD_LIMIT'],
        [{ limit: '1e2' }, 'BAD_LIMIT'], [{ page: '0' }, 'BAD_PAGE'], [{ page: 'deux' }, 'BAD_PAGE'], [{ page: '9999999999' }, 'BAD_PAGE']
      ];
      for (const [request, code] of cases) expect(refusalOf(() => parseListRequest(request)).code, JSON.stringify(request)).to.equal(code);
    });

    it('refuses an unknown operator instead of answering an empty list, before any search', async () => {
      const actions = oiTicketActions(ports({ operatorIdOf: async () => null }));
      const refusal = await refusalOfAsync(actions.list({ operator: 'OPZ' }));
      expect(refusal).to.include({ code: 'UNKNOWN_OPERATOR', kind: 'invalid-input', message: 'no operator OPZ' });
    });

    it('asks the store for the operator’s page, and says the total and the number of pages', async () => {
      const asked: unknown[] = [];
      const actions = oiTicketActions(ports({
        operatorIdOf: async (code) => (code === 'OPB' ? '7' : null),
        tickets: { search: async (...args) => { asked.push(args); return { rows: [], total: 401 }; } }
      }));
      expect(await actions.list({ operator: 'OPB', state: 'CLOS', limit: '100', page: '3' }))
        .to.deep.equal({ tickets: [], total: 401, page: 3, limit: 100, pages: 5 });
      expect(asked).to.deep.equal([['7', { states: ['CLOS'], serviceId: null, from: null, to: null }, new Date(0), 100, 200]]);
    });
  });

  describe('moves', () => {
    it('asks a reason where the lifecycle needs one, and what a freeze awaits', () => {
      expect(refusalOf(() => parseMoveRequest({ event: 'close' }))).to.include({ code: 'REASON_REQUIRED', field: 'reason' });
      expect(refusalOf(() => parseMoveRequest({ event: 'reject', reason: '  ' })).code).to.equal('REASON_REQUIRED');
      expect(refusalOf(() => parseMoveRequest({ event: 'freeze', reason: 'badge' })).code).to.equal('BAD_AWAITING');
      expect(refusalOf(() => parseMoveRequest({ event: 'freeze', reason: 'badge', awaiting: 'constructor' })).code).to.equal('BAD_AWAITING');
      expect(refusalOf(() => parseMoveRequest({ event: 'toString' })).code).to.equal('BAD_EVENT');
      expect(refusalOf(() => parseMoveRequest({ event: 42 })).code).to.equal('BAD_EVENT');
      expect(parseMoveRequest({ event: 'freeze', reason: 'badge', awaiting: 'ACCES_SITE' }))
        .to.deep.equal({ event: 'freeze', reason: 'badge', freezeReason: 'ACCES_SITE' });
      expect(parseMoveRequest({ event: 'unfreeze' })).to.deep.equal({ event: 'unfreeze', reason: null, freezeReason: null });
    });

    it('maps the lifecycle’s refusals, and leaves an unavailable database as the fault it is', async () => {
      const illegal = new EsavError('ESAV_TICKET_TRANSITION', { params: { reference: 'SIG-1', state: 'CLOS', why: 'non' } });
      const refused = oiTicketActions(ports({ tickets: { withTicket: async () => { throw illegal; } } }));
      expect(await refusalOfAsync(refused.move('SIG-1', { event: 'accept' }, { name: 'a' }, new Date())))
        .to.include({ code: 'TRANSITION_INTERDITE', kind: 'conflict' });
      const gone = oiTicketActions(ports({ tickets: { withTicket: async () => null } }));
      expect(await refusalOfAsync(gone.comment('SIG-2', 'x', { name: 'a' }, new Date())))
        .to.include({ code: 'NOT_FOUND', kind: 'not-found', message: 'no ticket SIG-2' });
      const down = new EsavError('ESAV_SERVICE_UNAVAILABLE', { params: { reason: 'base', retryAfter: 5 }, retryAfterSeconds: 5 });
      const unavailable = oiTicketActions(ports({ tickets: { withTicket: async () => { throw down; } } }));
      expect(await unavailable.move('SIG-3', { event: 'accept' }, { name: 'a' }, new Date()).then(() => null, (e: unknown) => e)).to.equal(down);
    });
  });

  describe('archiving (S2)', () => {
    it('selects by the instant transition() agrees on, to the millisecond', () => {
      const now = new Date('2026-11-28T03:01:00Z');
      const cutoff = archivableClosedBefore(now, DEFAULT_LIFECYCLE_POLICY);
      const archives = (closedAt: Date): boolean => {
        try {
          transition({ reference: 'SIG-1', state: 'CLOS', closedAt, freezeReason: null }, { event: 'archive', actor: 'system' }, now);
          return true;
        } catch {
          return false;
        }
      };
      expect(archives(new Date(cutoff.getTime() - 1)), 'closed just before the cutoff').to.equal(true);
      expect(archives(cutoff), 'closed at the cutoff').to.equal(false);
    });

    it('asks the store to archive, as the system, what was closed before the cutoff', async () => {
      const asked: unknown[] = [];
      const now = new Date('2026-11-28T03:01:00Z');
      const actions = oiTicketActions(ports({ archiveClosures: async (...args) => { asked.push(args); return { archived: 2, pending: 1 }; } }));
      expect(await actions.archiveDue('travaux de nuit', now)).to.deep.equal({ archived: 2, pending: 1 });
      expect(asked).to.deep.equal([[new Date('2026-11-21T03:01:00Z'), { kind: 'system', name: 'travaux de nuit' }, now]]);
    });
  });

  describe('one mapping per way in', () => {
    it('gives every refusal code the CLI code and the HTTP status of its kind', () => {
      const expectedOf = { 'invalid-input': ['ADMIN_INVALID_INPUT', 400], 'not-found': ['ADMIN_NOT_FOUND', 404], conflict: ['ADMIN_CONFLICT', 409] } as const;
      for (const code of Object.keys(ticketActionRefusals) as TicketActionRefusalCode[]) {
        const refusal = new TicketActionRefusal(code, 'why');
        const admin = adminErrorOf(refusal);
        expect([admin.code, httpStatusOf(refusal.kind)], code).to.deep.equal(expectedOf[ticketActionRefusals[code].kind]);
        expect(admin.message).to.equal(`${code}: why`);
      }
    });
  });
});
