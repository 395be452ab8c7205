/**
 * The internal API by the book (issue 19 item 6): an OpenAPI 3.1 document built from its route schemas, answers that
 * conform to it, one error shape for every refusal (the API's own included), one log line per request, and the
 * agents' actions in the audit trail — whichever way in (API or CLI), in the transaction of the change.
 */
import { request } from 'node:https';
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { fixedClock } from '../../src/domain/clock.js';
import { oiTicketActions } from '../../src/domain/oi-ticket-actions.js';
import { internalApiErrors } from '../../src/errors/internal-api-errors.js';
import { ticketActionRefusals } from '../../src/errors/ticket-action-refusal.js';
import { buildInternalApp } from '../../src/internal-app.js';
import { createCertificateAuthority, issueCertificate, type IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { createOiTicketPorts } from '../../src/store/oi-ticket-store.js';
import { auditTrail } from '../../src/store/registry/audit.js';
import { adminRunner } from '../support/admin.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { json } from '../support/internal-api.js';
import { openApiShapeProblems, schemaProblems } from '../support/openapi-shape.js';
import { call, textOf } from '../support/soap-client.js';
import { filing, formExample } from '../support/tickets.js';

type Json = Record<string, unknown>;

describe('internal API: OpenAPI document, one error shape, request logs, audit trail', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let api: FastifyInstance;
  let port: number;
  let agent: IssuedCertificate;
  let doc: Json;
  const references: string[] = [];
  const logLines: Json[] = [];
  const clock = fixedClock('2026-11-24T10:00:00Z');

  /** A request with any body and content type, for the refusals made before a route runs. */
  const raw = (method: string, path: string, contentType: string, body: string): Promise<{ status: number; body: Json }> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, ca: gw.pki.ca, cert: agent.certPem, key: agent.keyPem, servername: 'localhost', agent: false,
      headers: { 'content-type': contentType } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => { data += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as Json }));
    });
    req.on('error', reject);
    req.end(body);
  });
  /** The documented schema of an operation's answer. */
  const documented = (path: string, method: string, status: number): Json => {
    const op = ((doc.paths as Json)[path] as Json)[method] as Json;
    return ((((op.responses as Json)[String(status)] as Json).content as Json)['application/json'] as Json).schema as Json;
  };

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ database: db, clock });
    const internalCa = await createCertificateAuthority('CN=BFC Fibre internal CA');
    agent = await issueCertificate(internalCa, { subject: 'CN=sav.durand, O=BFC Fibre', kind: 'client' });
    const logger = pino({ level: 'info' }, { write: (line: string) => { logLines.push(JSON.parse(line) as Json); } });
    api = await buildInternalApp({ pool: db.pool, clock, logger, version: '9.8.7',
      tls: { cert: gw.pki.server.certPem, key: gw.pki.server.keyPem, ca: [internalCa.certPem] } });
    await api.listen({ host: '127.0.0.1', port: 0 });
    port = (api.server.address() as { port: number }).port;
    for (const ref of ['OPA-OPENAPI-1', 'OPA-OPENAPI-2', 'OPA-OPENAPI-3']) {
      const r = await call(gw.url, { path: '/esav/signalisation/v2', body: filing(2, 'FTTH-21-0000001', ref, formExample('ftth', 2, 'valid-minimal.xml')), client: gw.pki.opa, ca: gw.pki.ca });
      references.push(textOf(r.body, 'referenceSignalisation')!);
    }
    doc = (await json(port, gw.pki.ca, agent, 'GET', '/openapi.json')).body!;
  });
  after(async () => { await api.close(); await gw.close(); await db.drop(); });

  it('serves an OpenAPI 3.1 document of every route, built from the route schemas', () => {
    expect(openApiShapeProblems(doc)).to.deep.equal([]);
    expect((doc.info as Json).version).to.equal('9.8.7');
    const operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    expect(operations).to.have.members(['GET /tickets', 'GET /tickets/{reference}', 'POST /tickets/{reference}/events',
      'POST /tickets/{reference}/comments', 'GET /network/events', 'GET /network/events/{reference}', 'POST /network/events',
      'POST /network/events/{reference}/moves', 'GET /appointments/zones', 'PUT /appointments/zones/{zone}', 'PUT /appointments/zones/{zone}/grids/{kind}',
      'PUT /appointments/zones/{zone}/capacity', 'GET /appointments/zones/{zone}/slots', 'POST /appointments/closures', 'DELETE /appointments/closures/{date}',
      'GET /appointments', 'GET /appointments/{reference}', 'POST /appointments/{reference}/outcome', 'GET /interventions',
      'GET /interventions/{refIntervOI}', 'GET /openapi.json']);
    const list = ((doc.paths as Json)['/tickets'] as Json).get as Json;
    expect((list.parameters as Json[]).map((p) => p.name)).to.deep.equal(['state', 'operator', 'limit', 'page']);
    expect(((list.parameters as Json[])[2]!.schema as Json)).to.include({ minimum: 1, maximum: 500, default: 50 });
    expect(((doc.components as Json).securitySchemes as Json).internalCertificate).to.include({ type: 'mutualTLS' });
    // Every error code the API can answer is in the documented enum.
    const codes = (((doc.components as Json).schemas as Json).Error as { properties: { error: { enum: string[] } } }).properties.error.enum;
    expect(codes).to.have.members([...Object.keys(ticketActionRefusals), ...Object.keys(internalApiErrors)]);
  });

  it('answers as documented, and drops nothing of what the ticket actions return', async () => {
    const [first, second] = references as [string, string];
    expect((await json(port, gw.pki.ca, agent, 'POST', `/tickets/${first}/events`, { event: 'accept' })).status).to.equal(200);
    const moved = await json(port, gw.pki.ca, agent, 'POST', `/tickets/${first}/events`, { event: 'start' });
    expect(schemaProblems(doc, documented('/tickets/{reference}/events', 'post', 200), moved.body)).to.deep.equal([]);
    const listed = await json(port, gw.pki.ca, agent, 'GET', '/tickets?operator=OPA&limit=1&page=2');
    expect(schemaProblems(doc, documented('/tickets', 'get', 200), listed.body)).to.deep.equal([]);
    expect(listed.body).to.include({ page: 2, limit: 1 });
    const shown = await json(port, gw.pki.ca, agent, 'GET', `/tickets/${first}`);
    expect(schemaProblems(doc, documented('/tickets/{reference}', 'get', 200), shown.body)).to.deep.equal([]);
    const direct = await oiTicketActions(createOiTicketPorts(db.pool)).show(second);
    const api2 = (await json(port, gw.pki.ca, agent, 'GET', `/tickets/${second}`)).body!;
    expect(Object.keys(api2).sort()).to.deep.equal(Object.keys(direct).sort());
    expect(api2.acceptedAt).to.equal(direct.acceptedAt.toISOString());
  });

  it('answers every refusal in one documented shape, the API\'s own included', async () => {
    const refusals: Array<{ status: number; body: Json | null; code: string }> = [
      { ...await json(port, gw.pki.ca, agent, 'GET', '/nowhere'), code: 'NO_ROUTE' },
      { ...await json(port, gw.pki.ca, agent, 'DELETE', `/tickets/${references[0]}`), code: 'NO_ROUTE' },
      { ...await raw('POST', `/tickets/${references[0]}/comments`, 'text/plain', 'bonjour'), code: 'UNSUPPORTED_MEDIA_TYPE' },
      { ...await raw('POST', `/tickets/${references[0]}/comments`, 'application/json', '{"text": '), code: 'BAD_JSON' },
      { ...await raw('POST', `/tickets/${references[0]}/comments`, 'application/json', JSON.stringify({ text: 'x'.repeat(70_000) })), code: 'BODY_TOO_LARGE' },
      { ...await json(port, gw.pki.ca, agent, 'GET', '/tickets?limit=0'), code: 'BAD_LIMIT' },
      { ...await json(port, gw.pki.ca, agent, 'GET', '/tickets/SIG-2026-9999999'), code: 'NOT_FOUND' }
    ];
    for (const r of refusals) {
      expect(r.body, r.code).to.include({ error: r.code });
      expect(schemaProblems(doc, { $ref: '#/components/schemas/Error' }, r.body), r.code).to.deep.equal([]);
      expect(Object.keys(r.body!).every((k) => ['error', 'message', 'field'].includes(k)), r.code).to.equal(true);
      const status = r.code in internalApiErrors ? internalApiErrors[r.code as keyof typeof internalApiErrors].status : r.code === 'NOT_FOUND' ? 404 : 400;
      expect(r.status, r.code).to.equal(status);
    }
  });

  it('writes one line per request: the agent, the route, the reference, the status, the refusal, the duration; never a text', async () => {
    logLines.length = 0;
    await json(port, gw.pki.ca, agent, 'POST', `/tickets/${references[1]}/comments`, { text: 'Texte confidentiel du commentaire' });
    await json(port, gw.pki.ca, agent, 'POST', `/tickets/${references[1]}/events`, { event: 'close' });
    const lines = logLines.filter((l) => l.msg === 'internal API request');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.include({ agent: 'agent:sav.durand', method: 'POST', route: '/tickets/:reference/comments', reference: references[1], status: 204 });
    expect(lines[0]!.durationMs).to.be.a('number');
    expect(lines[0]!.reqId).to.be.a('string');
    expect(lines[1]).to.include({ route: '/tickets/:reference/events', status: 400, refused: 'REASON_REQUIRED' });
    expect(JSON.stringify(logLines)).to.not.include('Texte confidentiel');
  });

  it('records the agents\' moves and comments in the audit trail, from the API and the CLI alike', async () => {
    const ref = references[1]!;
    await json(port, gw.pki.ca, agent, 'POST', `/tickets/${ref}/events`, { event: 'accept' });
    await json(port, gw.pki.ca, agent, 'POST', `/tickets/${ref}/events`, { event: 'start' });
    const cli = await adminRunner(db.schema, gw.pki)(['tickets', 'freeze', ref, '--awaiting', 'ACCES_SITE', '--reason', 'Badge', '--actor', 'sav.leroy'], clock);
    expect(cli.code, cli.err).to.equal(0);
    // A refused move changes nothing and records nothing.
    expect((await json(port, gw.pki.ca, agent, 'POST', `/tickets/${ref}/events`, { event: 'accept' })).status).to.equal(409);
    const trail = (await auditTrail(db.pool, 'ticket', ref)).reverse();
    expect(trail.map((r) => [r.actor, r.action])).to.deep.equal([
      ['agent:sav.durand', 'ticket-comment'], ['agent:sav.durand', 'ticket-accept'], ['agent:sav.durand', 'ticket-start'], ['sav.leroy', 'ticket-freeze']
    ]);
    expect(trail[0]!.after).to.deep.equal({ text: 'Texte confidentiel du commentaire' });
    expect(trail[3]!.before).to.deep.equal({ state: 'EN_COURS' });
    expect(trail[3]!.after).to.deep.equal({ state: 'GELE', reason: 'Badge', awaiting: 'ACCES_SITE' });
    // An OI system's actions (the sandbox back office) are in the ticket's transitions and comments, not in the agents' trail.
    const system = references[2]!;
    const actions = oiTicketActions(createOiTicketPorts(db.pool));
    expect(await actions.move(system, { event: 'accept' }, { name: 'bac-a-sable', kind: 'system' }, clock.now())).to.equal('EN_QUALIFICATION');
    await actions.comment(system, 'Étape simulée', { name: 'bac-a-sable', kind: 'system' }, clock.now());
    expect(await auditTrail(db.pool, 'ticket', system)).to.deep.equal([]);
  });
});
