/**
 * The OI's internal API: its own listener, mutual TLS with the OI's internal CA only. Operators' certificates fail
 * the handshake; an agent's certificate moves tickets and comments, recorded under its CN.
 */
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { fixedClock } from '../../src/domain/clock.js';
import { buildInternalApp } from '../../src/internal-app.js';
import { createCertificateAuthority, issueCertificate, type IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf } from '../support/soap-client.js';
import { adminRunner } from '../support/admin.js';
import { json } from '../support/internal-api.js';
import { filing, formExample } from '../support/tickets.js';

describe('internal API for the OI’s systems', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let api: FastifyInstance;
  let port: number;
  let agent: IssuedCertificate;
  let reference: string;
  const clock = fixedClock('2026-11-24T10:00:00Z');

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ database: db, clock });
    const internalCa = await createCertificateAuthority('CN=BFC Fibre internal CA');
    agent = await issueCertificate(internalCa, { subject: 'CN=sav.martin, O=BFC Fibre', kind: 'client' });
    api = await buildInternalApp({ pool: db.pool, clock, tls: { cert: gw.pki.server.certPem, key: gw.pki.server.keyPem, ca: [internalCa.certPem] } });
    await api.listen({ host: '127.0.0.1', port: 0 });
    port = (api.server.address() as { port: number }).port;
    const r = await call(gw.url, { path: '/esav/signalisation/v2', body: filing(2, 'FTTH-21-0000001', 'OPA-INTERNAL-1', formExample('ftth', 2, 'valid-minimal.xml')), client: gw.pki.opa, ca: gw.pki.ca });
    reference = textOf(r.body, 'referenceSignalisation')!;
  });
  after(async () => { await api.close(); await gw.close(); await db.drop(); });

  it('refuses an operator’s certificate in the TLS handshake', async () => {
    const outcome = await json(port, gw.pki.ca, gw.pki.opa, 'GET', '/tickets').then(() => 'answered', () => 'refused');
    expect(outcome).to.equal('refused');
  });

  it('moves a ticket and records the agent from its certificate', async () => {
    expect((await json(port, gw.pki.ca, agent, 'POST', `/tickets/${reference}/events`, { event: 'accept' })).body).to.deep.equal({ state: 'EN_QUALIFICATION' });
    expect((await json(port, gw.pki.ca, agent, 'POST', `/tickets/${reference}/events`, { event: 'start' })).body).to.deep.equal({ state: 'EN_COURS' });
    const frozen = await json(port, gw.pki.ca, agent, 'POST', `/tickets/${reference}/events`, { event: 'freeze', awaiting: 'ACCES_SITE', reason: 'Badge à déposer à l’accueil' });
    expect(frozen.body).to.deep.equal({ state: 'GELE' });
    expect((await json(port, gw.pki.ca, agent, 'POST', `/tickets/${reference}/comments`, { text: 'Passage prévu demain 9 h' })).status).to.equal(204);
    const shown = (await json(port, gw.pki.ca, agent, 'GET', `/tickets/${reference}`)).body!;
    expect(shown.state).to.equal('GELE');
    expect((shown.transitions as Array<{ actor: string }>).at(-1)!.actor).to.equal('agent:sav.martin');
    expect((shown.comments as Array<{ text: string }>)[0]!.text).to.equal('Passage prévu demain 9 h');
  });

  it('answers 409 with the fault code for an illegal move, 404 for an unknown ticket, 400 for a bad event', async () => {
    const illegal = await json(port, gw.pki.ca, agent, 'POST', `/tickets/${reference}/events`, { event: 'close', reason: 'x' });
    expect(illegal.status).to.equal(409);
    expect(illegal.body!.error).to.equal('TRANSITION_INTERDITE');
    expect((await json(port, gw.pki.ca, agent, 'POST', '/tickets/SIG-2026-9999999/events', { event: 'accept' })).status).to.equal(404);
    expect((await json(port, gw.pki.ca, agent, 'POST', `/tickets/${reference}/events`, { event: 'toString' })).status).to.equal(400);
  });

  // Issue 19 item 4: a missing reason is the request's fault, naming its field, whatever the ticket's state.
  it('answers 400 naming the field for a freeze without a reason, not 409, whatever the ticket’s state', async () => {
    for (const body of [{ event: 'freeze', awaiting: 'ACCES_SITE' }, { event: 'freeze', awaiting: 'ACCES_SITE', reason: '   ' }]) {
      const r = await json(port, gw.pki.ca, agent, 'POST', `/tickets/${reference}/events`, body);
      expect(r.status, JSON.stringify(body)).to.equal(400);
      expect(r.body).to.include({ error: 'REASON_REQUIRED', field: 'reason' });
    }
  });

  // Texts that PostgreSQL cannot store (NUL: a 500 before) or the notification cannot carry (its texte is Texte4000Type,
  // minLength 1: a text of controls only was accepted, then sent empty and refused by the operator's endpoint).
  const UNSENDABLE: ReadonlyArray<[string, string, string]> = [
    ['x'.repeat(4001), 'TEXT_TOO_LONG', 'text: at most 4000 characters, 4001 given'],
    ['fin\u0000', 'TEXT_FORBIDDEN_CHARACTER', 'text: U+0000 (NUL) at position 4 is not allowed'],
    ['\u0001\u0002', 'TEXT_FORBIDDEN_CHARACTER', 'text: U+0001 (a control character) at position 1'],
    ['\u0085\u200b', 'TEXT_BLANK', 'text: only white space or control characters, nothing readable'],
    ['a\ud800b', 'TEXT_FORBIDDEN_CHARACTER', 'text: U+D800 (a lone surrogate) at position 2']
  ];

  it('answers 400 naming the field for a comment it cannot store or send, and the CLI refuses it in the same words', async () => {
    const admin = adminRunner(db.schema, gw.pki);
    for (const [text, error, message] of UNSENDABLE) {
      const r = await json(port, gw.pki.ca, agent, 'POST', `/tickets/${reference}/comments`, { text });
      expect(r.status, JSON.stringify(text).slice(0, 40)).to.equal(400);
      expect(r.body).to.include({ error, field: 'text' });
      expect(r.body!.message).to.include(message);
      // In process, as a script's argument array would give it (a shell cannot pass a NUL, the rest it can).
      const cli = await admin(['tickets', 'comment', reference, '--text', text], clock);
      expect(cli.code, JSON.stringify(text).slice(0, 40)).to.equal(1);
      expect(cli.err).to.include(`ADMIN_INVALID_INPUT: ${error}: ${message}`);
    }
    const shown = (await json(port, gw.pki.ca, agent, 'GET', `/tickets/${reference}`)).body!;
    expect((shown.comments as unknown[]).length, 'nothing recorded').to.equal(1);
  });

  it('answers 400 naming the field for a reason too long (Texte1000Type) or unsendable; the CLI refuses the same', async () => {
    const admin = adminRunner(db.schema, gw.pki);
    const cases: ReadonlyArray<[string, string, string]> = [
      ['x'.repeat(1001), 'TEXT_TOO_LONG', 'reason: at most 1000 characters, 1001 given'],
      ['motif\u0000', 'TEXT_FORBIDDEN_CHARACTER', 'reason: U+0000 (NUL) at position 6'],
      ['\u0007', 'TEXT_FORBIDDEN_CHARACTER', 'reason: U+0007 (a control character)']
    ];
    for (const [reason, error, message] of cases) {
      const r = await json(port, gw.pki.ca, agent, 'POST', `/tickets/${reference}/events`, { event: 'unfreeze', reason });
      expect(r.status, JSON.stringify(reason).slice(0, 40)).to.equal(400);
      expect(r.body).to.include({ error, field: 'reason' });
      expect(r.body!.message).to.include(message);
    }
    const cli = await admin(['tickets', 'unfreeze', reference, '--reason', 'x'.repeat(1001)], clock);
    expect(cli.code).to.equal(1);
    expect(cli.err).to.include('ADMIN_INVALID_INPUT: TEXT_TOO_LONG: reason: at most 1000 characters, 1001 given');
    const control = await admin(['tickets', 'unfreeze', reference, '--reason', '\u0007'], clock);
    expect(control.err).to.include('ADMIN_INVALID_INPUT: TEXT_FORBIDDEN_CHARACTER: reason: U+0007 (a control character) at position 1');
    expect((await json(port, gw.pki.ca, agent, 'GET', `/tickets/${reference}`)).body!.state, 'not moved').to.equal('GELE');
  });

  it('answers 404, not 500, for a reference or an operator code with a NUL in it', async () => {
    expect((await json(port, gw.pki.ca, agent, 'GET', '/tickets/SIG-2026-%00')).status).to.equal(404);
    expect((await json(port, gw.pki.ca, agent, 'POST', '/tickets/SIG%00/comments', { text: 'x' })).status).to.equal(404);
    const listed = await json(port, gw.pki.ca, agent, 'GET', '/tickets?operator=OP%00A');
    expect(listed.status).to.equal(400);
    expect(listed.body!.error).to.equal('UNKNOWN_OPERATOR');
  });

  it('lists tickets by state', async () => {
    const listed = await json(port, gw.pki.ca, agent, 'GET', '/tickets?state=GELE');
    expect((listed.body!.tickets as Array<{ reference: string }>).map((t) => t.reference)).to.include(reference);
  });
});
