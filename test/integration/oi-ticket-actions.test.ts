/**
 * The OI's ticket actions through both ways in, on 1,200 tickets of two operators: `esav-admin tickets list` and the
 * internal API's GET /tickets filter by operator and state in SQL and page through every ticket (the in-memory
 * filter after LIMIT 500 answered wrongly past 500); the same refusal gets the same kind on both; the nightly
 * archiving writes, as one set, what the per-ticket path wrote.
 */
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { fixedClock } from '../../src/domain/clock.js';
import { TICKET_STATES, type TicketState } from '../../src/domain/ticket-lifecycle.js';
import { EsavError } from '../../src/errors/esav-error.js';
import { buildInternalApp } from '../../src/internal-app.js';
import { createCertificateAuthority, issueCertificate, type IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { buildInternalApi } from '../../src/transport/internal-api.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { json } from '../support/internal-api.js';
import { testPki, type TestPki } from '../support/pki.js';

const COUNT = 1200;
const reference = (i: number): string => `SIG-2026-${String(i).padStart(7, '0')}`;
/** The seed's rules, stated once for the SQL and the expectations: every third ticket is OPB's. */
const operatorOf = (i: number): 'OPA' | 'OPB' => (i % 3 === 0 ? 'OPB' : 'OPA');
const stateOf = (i: number): TicketState => TICKET_STATES[i % TICKET_STATES.length]!;
/** Newest first: ticket i was accepted i minutes after the start, so the list is by i descending. */
const expected = (keep: (i: number) => boolean): string[] =>
  Array.from({ length: COUNT }, (_, k) => COUNT - k).filter(keep).map(reference);

describe('OI ticket actions on 1,200 tickets (CLI and internal API)', () => {
  let db: TestDatabase;
  let pki: TestPki;
  let admin: AdminRunner;
  let api: FastifyInstance;
  let port: number;
  let agent: IssuedCertificate;
  const clock = fixedClock('2026-11-24T09:00:00Z');

  before(async () => {
    db = await freshDatabase();
    pki = await testPki();
    await loadDemoData(db.pool, { OPA: [], OPB: [] });
    // One statement for the 1,200 tickets, on one service of each operator. CLOS/VALIDE closed 10 to 23 November.
    await sql(db.pool, `
      INSERT INTO ticket (reference, operator_id, service_pk, service_id, offer_code, operator_reference, content_hash, form_id, form_version,
                          form_fields, state, accepted_at, state_changed_at, closed_at, freeze_reason)
      SELECT 'SIG-2026-' || lpad(i::text, 7, '0'), s.operator_id, s.id, s.service_id, s.offer_code, 'SEED-' || i, 'seed', 'ftth', 2, '[]'::jsonb,
             ($1::text[])[i % 9 + 1], timestamptz '2026-11-01T00:00:00Z' + i * interval '1 minute',
             timestamptz '2026-11-01T00:00:00Z' + i * interval '1 minute',
             CASE WHEN ($1::text[])[i % 9 + 1] IN ('CLOS', 'VALIDE', 'EN_REJET', 'CLOS_TABLEAU_DE_BORD', 'ANNULE')
                  THEN timestamptz '2026-11-10T00:00:00Z' + (i % 14) * interval '1 day' END,
             CASE WHEN ($1::text[])[i % 9 + 1] = 'GELE' THEN 'ACCES_SITE' END
        FROM generate_series(1, $2::int) AS i
        JOIN LATERAL (SELECT v.* FROM service v JOIN operator o ON o.id = v.operator_id
                       WHERE o.code = CASE WHEN i % 3 = 0 THEN 'OPB' ELSE 'OPA' END ORDER BY v.id LIMIT 1) s ON true`, [TICKET_STATES, COUNT]);
    admin = adminRunner(db.schema, pki);
    const internalCa = await createCertificateAuthority('CN=BFC Fibre internal CA');
    agent = await issueCertificate(internalCa, { subject: 'CN=sav.durand, O=BFC Fibre', kind: 'client' });
    api = await buildInternalApp({ pool: db.pool, clock, tls: { cert: pki.server.certPem, key: pki.server.keyPem, ca: [internalCa.certPem] } });
    await api.listen({ host: '127.0.0.1', port: 0 });
    port = (api.server.address() as { port: number }).port;
  });
  after(async () => { await api.close(); await db.drop(); });

  const get = (path: string) => json(port, pki.ca, agent, 'GET', path);

  async function cliPages(args: readonly string[], limit: number): Promise<string[]> {
    const refs: string[] = [];
    for (let page = 1; ; page++) {
      const r = await admin(['tickets', 'list', ...args, '--limit', String(limit), '--page', String(page), '--csv'], clock);
      expect(r.code, r.err).to.equal(0);
      const rows = r.out.split('\n').slice(1).filter((l) => l !== '');
      refs.push(...rows.map((l) => l.split(',')[0]!));
      if (rows.length < limit) return refs;
    }
  }

  async function apiPages(query: string, limit: number): Promise<{ refs: string[]; totals: number[]; pages: number[] }> {
    const out = { refs: [] as string[], totals: [] as number[], pages: [] as number[] };
    for (let page = 1; ; page++) {
      const r = await get(`/tickets?${query}&limit=${limit}&page=${page}`);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      const tickets = r.body!.tickets as Array<{ reference: string; operatorCode: string }>;
      out.refs.push(...tickets.map((t) => t.reference));
      out.totals.push(r.body!.total as number);
      out.pages.push(r.body!.pages as number);
      expect(r.body!.page).to.equal(page);
      if (page >= (r.body!.pages as number)) return out;
    }
  }

  it('lists one operator’s tickets past the 500th, page by page, on the CLI', async () => {
    const opa = expected((i) => operatorOf(i) === 'OPA');
    expect(opa).to.have.length(800);
    expect(await cliPages(['--operator', 'OPA'], 500)).to.deep.equal(opa);
    expect(await cliPages(['--operator', 'OPB'], 150)).to.deep.equal(expected((i) => operatorOf(i) === 'OPB'));
    const table = await admin(['tickets', 'list', '--operator', 'OPB', '--page', '3'], clock);
    expect(table.out.split('\n').at(-1)).to.equal('page 3 of 8, 400 ticket(s), 50 per page');
  });

  it('lists one operator’s tickets in one state on the CLI, and every ticket with no filter', async () => {
    // OPB's tickets (every third) are EN_DEPOT, EN_COURS or VALIDE; OPA has every other state.
    const validatedB = expected((i) => operatorOf(i) === 'OPB' && stateOf(i) === 'VALIDE');
    expect(validatedB).to.have.length(133);
    expect(await cliPages(['--operator', 'OPB', '--state', 'VALIDE'], 20)).to.deep.equal(validatedB);
    expect(await cliPages(['--operator', 'OPA', '--state', 'VALIDE'], 20)).to.deep.equal([]);
    expect(await cliPages([], 500)).to.deep.equal(expected(() => true));
  });

  it('pages the internal API’s list through every ticket of an operator, with the total and the page count', async () => {
    const b = await apiPages('operator=OPB', 100);
    expect(b.refs).to.deep.equal(expected((i) => operatorOf(i) === 'OPB'));
    expect(new Set(b.totals)).to.deep.equal(new Set([400]));
    expect(new Set(b.pages)).to.deep.equal(new Set([4]));
    const a = await apiPages('operator=OPA&state=GELE', 7);
    expect(a.refs).to.have.length(133).and.deep.equal(expected((i) => operatorOf(i) === 'OPA' && stateOf(i) === 'GELE'));
    expect(a.totals[0]).to.equal(a.refs.length);
    const first = await get('/tickets');
    expect(first.body).to.include({ total: COUNT, page: 1, limit: 50, pages: 24 });
    expect((first.body!.tickets as unknown[]).length).to.equal(50);
    const past = await get('/tickets?operator=OPB&page=9');
    expect(past.body).to.include({ total: 400, page: 9 });
    expect(past.body!.tickets).to.deep.equal([]);
  });

  it('gives each refusal the same kind on both ways in: the CLI’s code and exit status, the API’s status and code', async () => {
    // What each kind must be on each way in, written out here (not read from the mappings under test).
    const INVALID = { admin: 'ADMIN_INVALID_INPUT', status: 400 } as const;
    const NOT_FOUND = { admin: 'ADMIN_NOT_FOUND', status: 404 } as const;
    const CONFLICT = { admin: 'ADMIN_CONFLICT', status: 409 } as const;
    const events = (i: number): string => `/tickets/${reference(i)}/events`;
    const comments = (i: number): string => `/tickets/${reference(i)}/comments`;
    // usage: the CLI refuses before it opens the database (exit 2, ADMIN_USAGE naming the option); the API says the same kind as above.
    type Case = [cli: string[], method: string, path: string, body: unknown, expected: { admin: string; status: number }, error: string, usage?: string];
    const cases: Case[] = [
      [['list', '--operator', 'OPZ'], 'GET', '/tickets?operator=OPZ', undefined, INVALID, 'UNKNOWN_OPERATOR'],
      [['list', '--state', 'OUVERT'], 'GET', '/tickets?state=OUVERT', undefined, INVALID, 'BAD_STATE'],
      [['list', '--limit', '501'], 'GET', '/tickets?limit=501', undefined, INVALID, 'BAD_LIMIT'],
      [['list', '--limit', '0'], 'GET', '/tickets?limit=0', undefined, INVALID, 'BAD_LIMIT'],
      [['list', '--page', 'deux'], 'GET', '/tickets?page=deux', undefined, INVALID, 'BAD_PAGE'],
      [['show', 'SIG-2026-9999999'], 'GET', '/tickets/SIG-2026-9999999', undefined, NOT_FOUND, 'NOT_FOUND'],
      [['accept', 'SIG-2026-9999999'], 'POST', '/tickets/SIG-2026-9999999/events', { event: 'accept' }, NOT_FOUND, 'NOT_FOUND'],
      // Ticket 3 is EN_COURS (3 % 9): closing it needs a reason, freezing it what is awaited, starting it is not possible.
      [['close', reference(3)], 'POST', events(3), { event: 'close' }, INVALID, 'REASON_REQUIRED', '--reason'],
      [['freeze', reference(3), '--reason', 'x'], 'POST', events(3), { event: 'freeze', reason: 'x' }, INVALID, 'BAD_AWAITING', '--awaiting'],
      [['freeze', reference(3), '--awaiting', 'PLUS_TARD', '--reason', 'x'], 'POST', events(3),
        { event: 'freeze', awaiting: 'PLUS_TARD', reason: 'x' }, INVALID, 'BAD_AWAITING'],
      [['start', reference(3)], 'POST', events(3), { event: 'start' }, CONFLICT, 'TRANSITION_INTERDITE'],
      [['comment', reference(3)], 'POST', comments(3), {}, INVALID, 'BAD_TEXT'],
      // Ticket 2 is EN_REJET: terminal, no comment any more.
      [['comment', reference(2), '--text', 'x'], 'POST', comments(2), { text: 'x' }, CONFLICT, 'TRANSITION_INTERDITE']
    ];
    for (const [args, method, path, body, expected, error, usage] of cases) {
      const cli = await admin(['tickets', ...args], clock);
      if (usage) {
        expect(cli.code, args.join(' ')).to.equal(2);
        expect(cli.err, args.join(' ')).to.match(new RegExp(`^ADMIN_USAGE: ${usage} is required\\n`));
      } else {
        expect(cli.code, args.join(' ')).to.equal(1);
        expect(cli.err, args.join(' ')).to.match(new RegExp(`^${expected.admin}: ${error}: `));
      }
      const r = await json(port, pki.ca, agent, method, path, body);
      expect(r.status, path).to.equal(expected.status);
      // A refusal about one field of the request names it (REASON_REQUIRED: reason).
      expect(r.body, path).to.have.keys(...(error === 'REASON_REQUIRED' ? ['error', 'message', 'field'] : ['error', 'message'])).and.include({ error });
      if (!usage) expect(cli.err).to.include(r.body!.message as string);
    }
    const untouched = await sql(db.pool, 'SELECT count(*)::int AS n FROM ticket_transition');
    expect(untouched.rows[0].n, 'no refusal writes anything').to.equal(0);
  });

  it('answers 503 with Retry-After, not a refusal, when the database cannot serve', async () => {
    const down = async (): Promise<never> => {
      throw new EsavError('ESAV_SERVICE_UNAVAILABLE', { params: { reason: 'base de données injoignable', retryAfter: 5 }, retryAfterSeconds: 5 });
    };
    const tls = { cert: pki.server.certPem, key: pki.server.keyPem, ca: [pki.ca] };
    const outage = await buildInternalApi(tls, { list: down, show: down, move: down, comment: down }, clock);
    await outage.listen({ host: '127.0.0.1', port: 0 });
    try {
      const r = await json((outage.server.address() as { port: number }).port, pki.ca, pki.gatewayClient, 'GET', '/tickets?operator=OPA');
      expect(r.status).to.equal(503);
      expect(r.headers['retry-after']).to.equal('5');
      expect(r.body).to.include({ error: 'SERVICE_INDISPONIBLE' });
    } finally {
      await outage.close();
    }
  });

  it('archives every closure past its answer delay in one set, with the transition, event and delivery of each', async () => {
    expect((await admin(['notifications', 'set-endpoint', 'OPB', '--url', 'https://opb.example/esav/notification'], clock)).code).to.equal(0);
    const cutoff = Date.parse('2026-11-17T09:00:00Z');
    const closures = Array.from({ length: COUNT }, (_, k) => k + 1).filter((i) => stateOf(i) === 'CLOS' || stateOf(i) === 'VALIDE');
    const closedAt = (i: number): number => Date.parse('2026-11-10T00:00:00Z') + (i % 14) * 86_400_000;
    const due = closures.filter((i) => closedAt(i) < cutoff);
    expect(due.length).to.be.greaterThan(0).and.lessThan(closures.length);
    const r = await admin(['tickets', 'archive-due'], clock);
    expect(r.out).to.equal(`${due.length} ticket(s) archived, ${closures.length - due.length} still within their acceptance delay`);
    const archived = await sql<{ reference: string }>(db.pool, 
      `SELECT reference FROM ticket WHERE state = 'CLOS_TABLEAU_DE_BORD' AND state_changed_at = $1 ORDER BY reference`, [clock.now()]);
    expect(archived.rows.map((x) => x.reference)).to.deep.equal(due.map(reference).sort());
    const transitions = await sql(db.pool, `SELECT t.reference, x.from_state, x.actor_kind, x.actor, x.reason FROM ticket_transition x
      JOIN ticket t ON t.id = x.ticket_id WHERE x.to_state = 'CLOS_TABLEAU_DE_BORD' ORDER BY t.reference`);
    const transition = (i: number) => ({ reference: reference(i), from_state: stateOf(i), actor_kind: 'system', actor: 'archivage automatique', reason: null });
    expect(transitions.rows).to.deep.equal(due.map(transition).sort((x, y) => x.reference.localeCompare(y.reference)));
    const first = due[0]!;
    const events = await sql<{ payload: unknown }>(db.pool, 
      'SELECT payload FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id WHERE t.reference = $1', [reference(first)]);
    expect(events.rows.map((e) => e.payload))
      .to.deep.equal([{ reference: reference(first), from: stateOf(first), to: 'CLOS_TABLEAU_DE_BORD', reason: null, freezeReason: null }]);
    const deliveries = await sql<{ n: number }>(db.pool, 'SELECT count(*)::int AS n FROM notification_delivery WHERE ticket_sequence = 1');
    expect(deliveries.rows[0]!.n, 'OPB’s archived tickets are pushed').to.equal(due.filter((i) => operatorOf(i) === 'OPB').length);
    expect((await admin(['tickets', 'archive-due'], clock)).out)
      .to.equal(`0 ticket(s) archived, ${closures.length - due.length} still within their acceptance delay`);
  });
});
