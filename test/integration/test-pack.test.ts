/**
 * The operator test pack (src/testpack) against a real gateway over mutual TLS: the whole catalogue of scenarios
 * passes (the lifecycle ones skip with a reason: no sandbox here); a changed expectation and a gateway whose answer
 * is altered on the way make it fail with a report that says which scenario, request, response and expectation.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_SCENARIOS, runTestPackCli, type CliOutcome } from '../../src/testpack/cli.js';
import { fixedClock } from '../../src/domain/clock.js';
import { parisMidnight } from '../../src/domain/calendar.js';
import { loadScenarios, matchesGlob, parseScenario } from '../../src/testpack/scenario.js';
import { createSandboxBackOffice } from '../../src/jobs/sandbox-back-office.js';
import { loadSandboxData } from '../../src/store/sandbox-data.js';
import { startReceiver } from '../../src/testpack/notifications.js';
import { systemClock } from '../../src/domain/clock.js';
import { createHttpsTransport } from '../../src/jobs/notification-sender.js';
import { createNotificationWorker } from '../../src/jobs/notification-worker.js';
import { createPool } from '../../src/store/database.js';
import { pemFiles } from '../support/pki.js';
import { adminRunner } from '../support/admin.js';
import { freshDatabase, testDatabaseUrl } from '../support/database.js';
import { realNotificationContract } from '../support/notifications.js';
import { freePort } from '../../scripts/bench/net.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

describe('operator test pack (npm run test-pack)', function () {
  this.timeout(120_000);
  let gw: TestGateway;
  let dir: string;
  let files: { cert: string; key: string; ca: string; serverCert: string; serverKey: string };

  before(async () => {
    gw = await startGateway();
    dir = mkdtempSync(path.join(tmpdir(), 'esav-test-pack-'));
    files = pemFiles(dir, {
      cert: { file: 'client.crt', pem: gw.pki.opa.certPem }, key: { file: 'client.key', pem: gw.pki.opa.keyPem }, ca: { file: 'ca.crt', pem: gw.pki.ca },
      serverCert: { file: 'server.crt', pem: gw.pki.server.certPem }, serverKey: { file: 'server.key', pem: gw.pki.server.keyPem }
    });
  });
  after(async () => {
    await gw?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  type Pem = Partial<Record<'cert' | 'key' | 'ca', string>>;
  const run = async (endpoint: string, extra: string[], out: string, pem: Pem = {}): Promise<CliOutcome & { text: string; errText: string }> => {
    let text = ''; let errText = '';
    const tls = ['--cert', pem.cert ?? files.cert, '--key', pem.key ?? files.key, '--ca', pem.ca ?? files.ca];
    const args = ['--endpoint', endpoint, ...tls, '--operator', 'OPA', '--service-id', 'FTTH-21-0000001', '--out', path.join(dir, out),
      '--var', 'sirenOC=552100554', '--var', 'sirenOI=812345676', ...extra];
    const o = await runTestPackCli(args,
      { out: (t) => { text += t; }, err: (t) => { errText += t; } });
    return { ...o, text, errText };
  };

  it('every scenario file is valid and the pack covers each live operation and the documented faults', () => {
    const scenarios = loadScenarios(DEFAULT_SCENARIOS);
    expect(scenarios.length).to.be.greaterThan(20);
    const ops = new Set(scenarios.flatMap((s) => s.steps.map((st) => `${st.service ?? s.service}/v${st.version ?? s.version}/${st.operation}`)));
    for (const op of ['prestation/v1/consultationPrestation', 'catalogue/v1/listeFormulaires', 'catalogue/v1/consultationFormulaire', 'exploitation/v1/fenetresMaintenance',
      ...[1, 2].flatMap((v) => ['depotSignalisation', 'consultationEtat', 'consultationDetail', 'ajoutComplement', 'reponseCloture', 'rechercheSignalisations'].map((o) => `signalisation/v${v}/${o}`)),
      'signalisation/v2/annulationSignalisation']) expect(ops, op).to.include(op);
    const outcomes = new Set(scenarios.flatMap((s) => s.steps.map((st) => st.expect.outcome)));
    for (const code of ['MESSAGE_NON_CONFORME', 'FORMULAIRE_NON_CONFORME', 'RESSOURCE_INCONNUE', 'VERSION_INDISPONIBLE', 'REFERENCE_OPERATEUR_DEJA_UTILISEE', 'TRANSITION_INTERDITE']) expect(outcomes, code).to.include(code);
    // Every expected fault code is one of docs/faults.md: a scenario cannot expect a code the gateway never sends.
    // The internal codes' table (never on the wire) is not a code a scenario can expect.
    const faultsOnTheWire = readFileSync(path.join(DEFAULT_SCENARIOS, '..', '..', 'docs', 'faults.md'), 'utf8').split('\n## Internal error codes')[0]!;
    const documented = new Set([...faultsOnTheWire.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
    // planChargeSav answers Interop'Fibre's InfoErreurType: its integer codeErreur, documented beside the catalogue.
    const infoErreur = readFileSync(path.join(DEFAULT_SCENARIOS, '..', '..', 'docs', 'fault-codes-plan-charge-sav.md'), 'utf8');
    for (const m of infoErreur.matchAll(/^\| ([0-9]+) \|/gm)) documented.add(m[1]);
    for (const s of scenarios) for (const st of s.steps) if (st.expect.outcome !== 'OK') expect(documented, `${s.id}: ${st.expect.outcome}`).to.include(st.expect.outcome);
    expect(scenarios.filter((s) => s.requires?.includes('integration-platform')).map((s) => s.id)).to.have.length.greaterThan(0);
    expect(matchesGlob('signalisation-v2-suivi', 'prestation-*,signalisation-v2-*')).to.equal(true);
    expect(() => parseScenario('{"id":"x","title":"t","service":"s","version":1,"operation":"o","body":"<a/>","expect":{"outcome":"OK"},"typo":1}', 'x.json')).to.throw(/unknown key "typo"/);
  });

  it('passes against the gateway over mutual TLS, lists the live versions and writes JUnit and HTML reports', async () => {
    const o = await run(gw.url, [], 'ok');
    expect(o.code, o.text).to.equal(0);
    const r = o.result!;
    expect(r.failed, o.text).to.equal(0);
    expect(r.passed).to.be.greaterThan(18);
    for (const v of ['prestation/1', 'catalogue/1', 'signalisation/1', 'signalisation/2', 'exploitation/1']) {
      expect(r.versions.some((x) => `${x.service}/${x.version}` === v && x.live), v).to.equal(true);
    }
    expect(r.versions.find((x) => x.service === 'signalisation' && x.version === 9)?.live).to.equal(false);
    const lifecycle = r.scenarios.filter((s) => s.id.includes('-integration-'));
    expect(lifecycle).to.have.length(10);
    for (const s of lifecycle) {
      expect(s.status).to.equal('skipped');
      expect(s.reason).to.match(/requiert la plateforme d'intégration : la prestation SBX-FTTH-NOMINAL-OPA n'existe pas/);
    }
    expect(o.text).to.match(/✔ prestation-v1-consultation-nominal \(\d+ ms\)/);
    expect(o.text).to.match(/- signalisation-v2-integration-nominal ignoré : requiert/);
    const junit = readFileSync(o.junitFile!, 'utf8');
    // The scenarios that search slots run, or are skipped from 01:00 to 04:00 Paris time with that reason.
    const searching = r.scenarios.filter((s) => !s.id.includes('-integration-') && loadScenarios(DEFAULT_SCENARIOS).find((x) => x.id === s.id)?.requires?.includes('slot-search-open'));
    expect(searching.map((s) => s.id)).to.have.members(['plan-charge-sav-v1-recherche-reservation-reports', 'rendezvous-v1-recherche-prise-report-annulation']);
    const window = searching.filter((s) => s.status === 'skipped');
    for (const s of window) expect(s.reason).to.match(/^la recherche de créneaux est fermée de 01:00 à 04:00/);
    expect(r.skipped).to.equal(10 + window.length);
    expect(junit).to.match(new RegExp(`<testsuites name="esav-test-pack" tests="\\d+" failures="0" skipped="${10 + window.length}"`));
    expect(junit).to.include('<skipped message="requiert la plate');
    const html = readFileSync(o.htmlFile!, 'utf8');
    expect(html).to.include('<table id="scenarios">').and.include('signalisation-v2-suivi').and.not.include('<script');
  });

  it('passes against the integration platform: the sandbox back office takes each ticket to closure, notifications reach the pack', async () => {
    const db = await freshDatabase();
    const platform = await startGateway({ database: db, env: { ESAV_ENV: 'integration' } });
    const office = createSandboxBackOffice(db.pool, 50);
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      office.runOnce(new Date()).catch(() => undefined).finally(() => { busy = false; });
    }, 100);
    // The pack's notification receiver is OPA's declared endpoint; a notification worker delivers to it.
    const notifyPort = await freePort();
    const admin = adminRunner(db.schema, platform.pki);
    const workerPool = createPool({ connectionString: testDatabaseUrl(), poolSize: 2, schema: db.schema, statementTimeoutMs: db.statementTimeoutMs });
    const worker = createNotificationWorker({
      pool: workerPool, clock: systemClock, contract: realNotificationContract(), logger: { info: () => undefined, warn: () => undefined },
      transport: createHttpsTransport({ cert: platform.pki.gatewayClient.certPem, key: platform.pki.gatewayClient.keyPem, ca: [platform.pki.ca] }, 1500, 2),
      backoff: { baseMs: 200, maxMs: 1000, stalledAfterAttempts: 10 }, concurrency: 2, leaseMs: 10_000, pollMs: 100
    });
    try {
      expect((await admin(['notifications', 'set-endpoint', 'OPA', '--url', `https://localhost:${notifyPort}/esav/notification/v1`])).code).to.equal(0);
      worker.start();
      await loadSandboxData(db.pool, new Date().toISOString().slice(0, 10));
      // No --service-id: the nominal scenarios use SBX-FTTH-NOMINAL-OPA, as an operator on the platform would.
      let text = '';
      const o = await runTestPackCli(['--endpoint', platform.url, '--cert', files.cert, '--key', files.key, '--ca', files.ca, '--operator', 'OPA', '--out', path.join(dir, 'platform'), '--poll-scale', '0.1', '--notifications-port', String(notifyPort), '--server-cert', files.serverCert, '--server-key', files.serverKey, '--notifications-wait', '20', '--only', '*-integration-*,signalisation-v2-depot-nominal'],
        { out: (t) => { text += t; }, err: (t) => { text += t; } });
      expect(o.code, text).to.equal(0);
      // The frozen-ticket appointment scenario runs, or is skipped from 01:00 to 04:00 Paris time with that reason.
      const appointment = o.result!.scenarios.find((s) => s.id === 'rendezvous-v1-integration-gel-rendez-vous')!;
      expect(appointment.status === 'passed' || /^la recherche de créneaux est fermée/.test(appointment.reason ?? ''), text).to.equal(true);
      expect(o.result!.skipped, text).to.equal(appointment.status === 'skipped' ? 1 : 0);
      expect(o.result!.passed).to.equal(appointment.status === 'skipped' ? 11 : 12);
      expect(o.result!.scenarios.find((s) => s.id === 'notifications-reception')?.status, text).to.equal('passed');
      const nominal = o.result!.scenarios.find((s) => s.id === 'signalisation-v2-integration-nominal')!;
      expect(nominal.steps.map((s) => s.operation)).to.deep.equal(['depotSignalisation', 'consultationEtat', 'reponseCloture', 'consultationEtat']);
      expect(nominal.steps[1]!.response).to.match(/<etat>(CLOS|VALIDE)<\/etat>/);
    } finally {
      clearInterval(timer);
      await worker.stop(2000);
      await workerPool.end();
      while (busy) await new Promise((r) => setTimeout(r, 20));
      await platform.close();
      await db.drop();
    }
  });

  it('receives notifications over mutual TLS and acknowledges them (--notifications-port)', async () => {
    const receiver = await startReceiver(0, { cert: gw.pki.server.certPem, key: gw.pki.server.keyPem, ca: gw.pki.ca }, '127.0.0.1');
    try {
      const post = (client: { certPem: string; keyPem: string } | null): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
        const req = request(`https://localhost:${receiver.port}/notifications`, { method: 'POST', ca: gw.pki.ca, agent: false, ...(client ? { cert: client.certPem, key: client.keyPem } : {}), headers: { 'content-type': 'text/xml; charset=utf-8' } }, (res) => {
          const b: Buffer[] = []; res.on('data', (c: Buffer) => b.push(c)); res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(b).toString('utf8') }));
        });
        req.on('error', reject);
        req.end('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><NotificationSignalisation xmlns="http://esav.bfc-fibre.fr/notification/v1"><idEvenement>EVT-1</idEvenement><referenceSignalisation>SIG-2026-0000007</referenceSignalisation><etat>EN_COURS</etat></NotificationSignalisation></soap:Body></soap:Envelope>');
      });
      const r = await post(gw.pki.gatewayClient);
      expect(r.status).to.equal(200);
      expect(r.body).to.include('<AccuseReception xmlns="http://esav.bfc-fibre.fr/notification/v1"><idEvenement>EVT-1</idEvenement>');
      expect((await receiver.waitFor((n) => n.referenceSignalisation === 'SIG-2026-0000007', 1000))?.etat).to.equal('EN_COURS');
      let refused = false;
      try { await post(null); } catch { refused = true; }
      expect(refused, 'a caller without a client certificate is refused').to.equal(true);
    } finally {
      await receiver.close();
    }
  });

  it('a changed expected fault code fails with a report that says exactly which expectation failed', async () => {
    const scen = path.join(dir, 'scenarios-changed');
    mkdirSync(scen);
    const src = path.join(DEFAULT_SCENARIOS, 'prestation-v1-consultation-inconnue.json');
    const json = JSON.parse(readFileSync(src, 'utf8')) as { expect: { outcome: string } };
    json.expect.outcome = 'SERVICE_INCONNU';
    writeFileSync(path.join(scen, 'prestation-v1-consultation-inconnue.json'), JSON.stringify(json));
    copyFileSync(path.join(DEFAULT_SCENARIOS, 'prestation-v1-consultation-nominal.json'), path.join(scen, 'prestation-v1-consultation-nominal.json'));
    const o = await run(gw.url, ['--scenarios', scen], 'changed');
    expect(o.code).to.equal(1);
    const failed = o.result!.scenarios.find((s) => s.status === 'failed')!;
    expect(failed.id).to.equal('prestation-v1-consultation-inconnue');
    expect(failed.reason).to.match(/attendu résultat SERVICE_INCONNU, obtenu résultat RESSOURCE_INCONNUE/);
    expect(o.text).to.match(/✘ prestation-v1-consultation-inconnue/);
    const html = readFileSync(o.htmlFile!, 'utf8');
    expect(html).to.include('résultat SERVICE_INCONNU').and.include('FTTH-00-9999999').and.include('&lt;code&gt;RESSOURCE_INCONNUE&lt;/code&gt;');
    expect(readFileSync(o.junitFile!, 'utf8')).to.match(/<failure message="[^"]*attendu résultat SERVICE_INCONNU/);
  });

  it('a gateway whose answer is altered on the way fails the pack with a readable report', async () => {
    // A mutual-TLS relay in front of the real gateway that changes one answer: the state of a new ticket.
    const relay: Server = createServer({ cert: gw.pki.server.certPem, key: gw.pki.server.keyPem, ca: gw.pki.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const up = request(`${gw.url}${req.url}`, { method: req.method, headers: { ...req.headers, host: `localhost:${gw.port}` }, ca: gw.pki.ca, cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem, agent: false }, (ur) => {
          const body: Buffer[] = [];
          ur.on('data', (c: Buffer) => body.push(c));
          ur.on('end', () => {
            const text = Buffer.concat(body).toString('utf8').replace('<etat>EN_DEPOT</etat>', '<etat>EN_COURS</etat>');
            const headers = { ...ur.headers }; delete headers['content-length'];
            res.writeHead(ur.statusCode ?? 502, headers);
            res.end(text);
          });
        });
        up.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const port = (relay.address() as { port: number }).port;
      const o = await run(`https://localhost:${port}`, ['--only', 'signalisation-v2-depot-nominal'], 'broken');
      expect(o.code).to.equal(1);
      const s = o.result!.scenarios[0]!;
      expect(s.status).to.equal('failed');
      expect(s.reason).to.equal('depotSignalisation (1) : attendu <etat> = « EN_DEPOT », obtenu « EN_COURS »');
      const html = readFileSync(o.htmlFile!, 'utf8');
      expect(html).to.include('signalisation-v2-depot-nominal')
        .and.include('&lt;s:DepotSignalisationRequete') // the request
        .and.include('&lt;etat&gt;EN_COURS&lt;/etat&gt;') // the response
        .and.include('&lt;etat&gt; = « EN_DEPOT »'); // the expectation
    } finally {
      await new Promise<void>((resolve) => { relay.close(() => resolve()); relay.closeAllConnections(); });
    }
  });

  it('answers usage errors with exit 2 and --help with 0', async () => {
    const errs: string[] = [];
    const io = { out: (t: string) => { errs.push(t); }, err: (t: string) => { errs.push(t); } };
    expect((await runTestPackCli(['--bogus'], io)).code).to.equal(2);
    expect((await runTestPackCli([], io)).code).to.equal(2);
    expect((await runTestPackCli(['--endpoint', 'https://localhost:1'], io)).code).to.equal(2);
    expect((await runTestPackCli(['--endpoint', 'http://x', '--cert', files.cert, '--key', files.key, '--ca', files.ca], io)).code).to.equal(2);
    expect((await runTestPackCli(['--help'], io)).code).to.equal(0);
    expect(errs.join('')).to.include('--endpoint is required').and.include('--cert is required').and.include('--notifications-port');
    const down = await run('https://localhost:1', [], 'down');
    expect(down.code).to.equal(3);
    expect(down.result!.scenarios).to.have.length(1);
    expect(down.result!.preflight?.problem).to.equal('unreachable');
    expect(down.result!.scenarios[0]!.reason).to.match(/^le point d'accès https:\/\/localhost:1 ne répond pas \(.*ECONNREFUSED/);
    const o = await run(gw.url, ['--only', 'nothing-matches-*'], 'none');
    expect(o.code).to.equal(2);
    expect(readdirSync(dir)).to.not.include('none');
  });

  it('a first check stops the run at once when the certificate is refused or the operator code is not the certificate\'s (exit 3)', async () => {
    const pem = (name: string, text: string): string => { const f = path.join(dir, name); writeFileSync(f, text); return f; };
    const client = (name: string, c: { certPem: string; keyPem: string }): Pem => ({ cert: pem(`${name}.crt`, c.certPem), key: pem(`${name}.key`, c.keyPem) });
    const cases: Array<{ what: string; pem: Pem; extra?: string[]; problem: string; says: RegExp }> = [
      { what: 'a CA the gateway does not trust', pem: client('untrusted', gw.pki.untrusted),
        problem: 'client-certificate', says: /^certificat client refusé par https:\/\/localhost:\d+ lors de la poignée de main TLS/ },
      { what: 'an expired certificate', pem: client('expired', gw.pki.expired), problem: 'client-certificate', says: /^certificat client refusé/ },
      { what: 'a certificate the OI never registered', pem: client('unregistered', gw.pki.unregistered),
        problem: 'authentication', says: /^la passerelle refuse ce certificat : AUTHENTIFICATION_REFUSEE — / },
      { what: 'the wrong CA for the server', pem: { ca: pem('wrong-ca.crt', gw.pki.untrustedCa) },
        problem: 'server-certificate', says: /^le certificat serveur de https:\/\/localhost:\d+ n'est pas reconnu/ },
      { what: 'a key that is not the certificate\'s', pem: { key: pem('opb.key', gw.pki.opb.keyPem) },
        problem: 'local-key', says: /^la clé privée --key ne correspond pas/ },
      { what: 'another operator\'s code and service', extra: ['--operator', 'OPB', '--service-id', 'FTTH-25-0000002'], pem: {},
        problem: 'operator', says: /^la prestation FTTH-25-0000002 est inconnue pour ce certificat \(RESSOURCE_INCONNUE\) : le code opérateur --operator OPB/ },
      { what: 'an operator code without sandbox services here', extra: ['--operator', 'OPX', '--service-id', 'SBX-FTTH-NOMINAL-OPX'], pem: {},
        problem: 'operator', says: /--operator OPX n'est pas celui du certificat/ }
    ];
    for (const c of cases) {
      const o = await run(gw.url, c.extra ?? [], `preflight-${c.problem}`, c.pem);
      expect(o.code, `${c.what}\n${o.text}${o.errText}`).to.equal(3);
      expect(o.result!.preflight?.problem, c.what).to.equal(c.problem);
      expect(o.result!.preflight!.message, c.what).to.match(c.says);
      expect(o.result!.scenarios.map((s) => s.id), c.what).to.deep.equal(['connexion']);
      expect(o.text, c.what).to.include(`✘ contrôle préalable : ${o.result!.preflight!.message}`).and.not.include('✔ prestation-');
    }
  });

  it('shows each failure\'s fault code, message, request id and fields in error on the console, not only the HTTP status', async () => {
    const scen = path.join(dir, 'scenarios-expect-ok');
    mkdirSync(scen);
    for (const id of ['prestation-v1-consultation-inconnue', 'prestation-v1-schema-invalide']) {
      const json = JSON.parse(readFileSync(path.join(DEFAULT_SCENARIOS, `${id}.json`), 'utf8')) as { expect: unknown };
      json.expect = { outcome: 'OK' };
      writeFileSync(path.join(scen, `${id}.json`), JSON.stringify(json));
    }
    const o = await run(gw.url, ['--scenarios', scen], 'expect-ok');
    expect(o.code).to.equal(1);
    const unknown = o.result!.scenarios.find((s) => s.id === 'prestation-v1-consultation-inconnue')!;
    expect(unknown.reason).to.match(/^consultationPrestation \(1\) : attendu résultat OK, obtenu résultat RESSOURCE_INCONNUE \(.+\)$/);
    expect(o.text).to.match(/✘ prestation-v1-consultation-inconnue \(\d+ ms\)\n {4}consultationPrestation \(1\) : attendu résultat OK, obtenu résultat RESSOURCE_INC/);
    expect(o.text).to.include('aussi : attendu statut HTTP 200, obtenu statut HTTP 500');
    expect(o.text).to.match(/\n    faute RESSOURCE_INCONNUE — [^\n]*FTTH-00-9999999[^\n]* \(idRequete [^)]+\)\n/);
    expect(o.text).to.match(/\n    faute MESSAGE_NON_CONFORME — [^\n]+\n      champ [^\n]*identifiantPrestation[^\n]* : [^\n]+\n      champ [^\n]*commentaire/);
  });

  it('lists as live only the versions in production on the gateway\'s day, with the dates the gateway publishes', async () => {
    // The dates come from the contracts' declarations (wsdl/<service>/service.json), as the gateway reads them.
    type Plan = { versions: Array<{ version: number; production: string; sunset: string | null }> };
    const plan = (service: string): Plan => JSON.parse(readFileSync(path.join(DEFAULT_SCENARIOS, '..', '..', 'wsdl', service, 'service.json'), 'utf8')) as Plan;
    const notificationV2 = plan('notification').versions.find((v) => v.version === 2)!;
    const signalisationV1 = plan('signalisation').versions.find((v) => v.version === 1)!;
    const noon = (day: string, days = 0): Date => new Date(parisMidnight(day).getTime() + days * 86_400_000 + 12 * 3_600_000);
    const versionsOn = async (at: Date): Promise<Map<string, { live: boolean; note: string; production?: string }>> => {
      const g = await startGateway({ clock: fixedClock(at) });
      try {
        const o = await run(g.url, ['--only', 'prestation-v1-consultation-nominal'], `versions-${at.getTime()}`);
        expect(o.code, o.text).to.equal(0);
        expect(o.text).to.include(`Versions en production le ${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date())}`);
        return new Map(o.result!.versions.map((v) => [`${v.service}/v${v.version}`, v]));
      } finally {
        await g.close();
      }
    };
    const before = await versionsOn(noon(notificationV2.production, -1));
    expect(before.get('notification/v2')?.live, 'announced, not yet in production').to.equal(false);
    expect(before.get('notification/v2')?.note).to.match(/pas en production ce jour \(en service : v1 depuis le \d{4}-\d{2}-\d{2}\)/);
    expect(before.get('notification/v1')?.live).to.equal(true);
    const after = await versionsOn(noon(notificationV2.production));
    expect(after.get('notification/v2')?.live, 'in production from its day').to.equal(true);
    expect(after.get('notification/v2')?.production).to.equal(notificationV2.production);
    expect(after.get('signalisation/v1')?.live, 'retired').to.equal(noon(notificationV2.production) < parisMidnight(signalisationV1.sunset!));
  });
});
