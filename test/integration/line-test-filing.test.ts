/**
 * S5, "a test before filing" (issue 17 step 4): an offer that requires it refuses a filing without a TERMINE test of
 * a required kind on the same service by the same operator within its delay; the FTTH form v2's testPrealable must
 * name a real, successful, recent test of this operator on this service. Through a real listener over mutual TLS.
 */
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { oiTicketActions } from '../../src/domain/oi-ticket-actions.js';
import { createOiTicketPorts } from '../../src/store/oi-ticket-store.js';
import { ALL_SIMULATED, driverRouter } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../../src/jobs/line-test-worker.js';
import { sql } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf } from '../support/soap-client.js';
import { filing, formExample } from '../support/tickets.js';

const NS = 'http://esav.bfc-fibre.fr/test/v1';
const T0 = '2026-12-02T10:00:00Z';

describe('a line test before filing (S5)', () => {
  let gw: TestGateway;
  const clock = fixedClock(T0);
  let n = 0;
  const runWorker = (): Promise<number> => createLineTestWorker({
    pool: gw.pool, clock, drivers: driverRouter(gw.pool, ALL_SIMULATED), worker: 'test', concurrency: 10, capPerElement: 10,
    graceMs: 1000, retryDelayMs: 0, pollMs: 1000, onError: (e) => { throw e; }
  }).runOnce();
  async function launch(client: 'opa' | 'opb', serviceId: string, code: string): Promise<string> {
    const body = `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><t:LancementTestRequete xmlns:t="${NS}"><t:identifiantPrestation>${serviceId}</t:identifiantPrestation><t:codeTest>${code}</t:codeTest></t:LancementTestRequete></e:Body></e:Envelope>`;
    const r = await call(gw.url, { path: '/esav/test/v1', body, soapAction: `"${NS}/lancementTest"`, client: gw.pki[client], ca: gw.pki.ca });
    expect(r.status, r.body).to.equal(200);
    return textOf(r.body, 'referenceTest')!;
  }
  /** Files on a service with the FTTH form v2; `prior`: its testPrealable (an attenuation fault then, which requires one). */
  async function file(client: 'opa' | 'opb', serviceId: string, prior: string | null = null, reference = `${client.toUpperCase()}-TP-${++n}`):
    Promise<{ status: number; code?: string; body: string }> {
    let form = formExample('ftth', 2, 'valid-minimal.xml');
    if (prior !== null) {
      form = form.replace('<typeDefaut>PERTE_SIGNAL</typeDefaut>', '<typeDefaut>AFFAIBLISSEMENT</typeDefaut>')
        .replace('</numeroSerieONT>', `</numeroSerieONT><testPrealable>${prior}</testPrealable>`);
    }
    const r = await call(gw.url, { path: '/esav/signalisation/v2', body: filing(2, serviceId, reference, form), client: gw.pki[client], ca: gw.pki.ca });
    return { status: r.status, code: textOf(r.body, 'code'), body: r.body };
  }

  before(async () => { gw = await startGateway({ clock }); });
  after(async () => { await gw.close(); });
  beforeEach(async () => {
    clock.set(T0);
    await sql(gw.pool, 'DELETE FROM network_element_state');
    await sql(gw.pool, 'DELETE FROM line_test');
  });

  it('refuses a filing on the activated offer without a test, naming the tests to run and the delay', async () => {
    const r = await file('opa', 'FTTHA-21-0000301');
    expect([r.status, r.code]).to.deep.equal([500, 'TEST_PREALABLE_REQUIS']);
    expect(textOf(r.body, 'message')).to.include('PORT_PON_OLT ou REFLECTOMETRIE').and.include('24 heures');
    expect((await sql(gw.pool, "SELECT count(*)::int AS n FROM ticket WHERE service_id = 'FTTHA-21-0000301'")).rows[0]!.n).to.equal(0);
  });

  it('accepts it after a TERMINE test of a required kind within the delay, and refuses it once the test is too old', async () => {
    const test = await launch('opa', 'FTTHA-21-0000301', 'PORT_PON_OLT');
    expect((await file('opa', 'FTTHA-21-0000301')).code, 'still running').to.equal('TEST_PREALABLE_REQUIS');
    await runWorker();
    clock.advance(23 * 3600_000);
    const filed = await file('opa', 'FTTHA-21-0000301');
    expect(filed.status).to.equal(200);
    // The filing is linked to the test it relied on; the OI's view of the ticket shows the test's result.
    const view = await oiTicketActions(createOiTicketPorts(gw.pool)).show(textOf(filed.body, 'referenceSignalisation')!);
    expect(view.lineTest).to.deep.include({ reference: test, testCode: 'PORT_PON_OLT', state: 'TERMINE', diagnosis: 'AUCUN_DEFAUT' });
    clock.advance(2 * 3600_000);
    expect((await file('opa', 'FTTHA-21-0000301')).code).to.equal('TEST_PREALABLE_REQUIS');
  });

  it('links the ticket to its test in the filing\'s own statement: a replayed filing links nothing more', async () => {
    const test = await launch('opa', 'FTTHA-21-0000301', 'PORT_PON_OLT');
    await runWorker();
    const first = await file('opa', 'FTTHA-21-0000301', null, 'OPA-TP-REPLAY');
    const again = await file('opa', 'FTTHA-21-0000301', null, 'OPA-TP-REPLAY');
    expect([first.status, again.status, textOf(again.body, 'dejaDeposee')]).to.deep.equal([200, 200, 'true']);
    const links = await sql(gw.pool, `SELECT l.test_reference FROM ticket_line_test l JOIN ticket t ON t.id = l.ticket_id
                                       WHERE t.reference = $1`, [textOf(first.body, 'referenceSignalisation')]);
    expect(links.rows).to.deep.equal([{ test_reference: test }]);
  });

  it('does not count a test of another kind, of another service, or one that failed', async () => {
    await launch('opa', 'FTTHA-21-0000301', 'ETAT_ONT');
    await launch('opa', 'FTTHA-21-0000302', 'PORT_PON_OLT');
    await sql(gw.pool, "INSERT INTO network_element_state (element_id, fault, set_at, set_by) SELECT id, 'SANS_REPONSE', now(), 't' FROM network_element WHERE ref = 'FI-2123-1001-0002'");
    const failed = await launch('opa', 'FTTHA-21-0000301', 'REFLECTOMETRIE');
    await sql(gw.pool, "UPDATE line_test SET max_attempts = 1 WHERE reference = $1", [failed]);
    await runWorker();
    expect((await sql(gw.pool, 'SELECT state FROM line_test WHERE reference = $1', [failed])).rows[0]!.state).to.equal('ECHEC');
    expect((await file('opa', 'FTTHA-21-0000301')).code).to.equal('TEST_PREALABLE_REQUIS');
    expect((await file('opa', 'FTTHA-21-0000302')).status, 'the service that was tested').to.equal(200);
  });

  it('answers another operator\'s service as not found before any test rule (A6)', async () => {
    expect((await file('opb', 'FTTHA-21-0000301')).code).to.equal('RESSOURCE_INCONNUE');
  });

  describe('the form\'s testPrealable', () => {
    it('accepts a TERMINE test of this operator on this service', async () => {
      const ref = await launch('opa', 'FTTH-21-0000001', 'REFLECTOMETRIE');
      await runWorker();
      const filed = await file('opa', 'FTTH-21-0000001', ref);
      expect(filed.status).to.equal(200);
      const view = await oiTicketActions(createOiTicketPorts(gw.pool)).show(textOf(filed.body, 'referenceSignalisation')!);
      expect(view.lineTest).to.deep.include({ reference: ref, testCode: 'REFLECTOMETRIE', state: 'TERMINE' });
    });

    it('refuses a reference that names no test, a test of another service or operator, a failed one or one too old', async () => {
      const expectRefused = async (client: 'opa' | 'opb', serviceId: string, ref: string, why: string): Promise<void> => {
        const r = await file(client, serviceId, ref);
        expect([r.status, r.code], why).to.deep.equal([500, 'TEST_PREALABLE_INVALIDE']);
        expect(textOf(r.body, 'champ'), why).to.equal('testPrealable');
        expect(textOf(r.body, 'message'), why).to.include(why);
      };
      await expectRefused('opa', 'FTTH-21-0000001', 'TST-20261116-004127', 'aucun test TST-20261116-004127 de votre opérateur sur la prestation FTTH-21-0000001');
      const other = await launch('opa', 'FTTHA-21-0000301', 'REFLECTOMETRIE');
      const ofOpb = await launch('opb', 'FTTH-25-0000002', 'REFLECTOMETRIE');
      await runWorker();
      await expectRefused('opa', 'FTTH-21-0000001', other, `aucun test ${other} de votre opérateur sur la prestation FTTH-21-0000001`);
      await expectRefused('opa', 'FTTH-21-0000001', ofOpb, `aucun test ${ofOpb} de votre opérateur`);
      const running = await launch('opa', 'FTTH-21-0000001', 'REFLECTOMETRIE');
      await expectRefused('opa', 'FTTH-21-0000001', running, "à l'état EN_COURS, pas TERMINE");
      await runWorker();
      await sql(gw.pool, "INSERT INTO network_element_state (element_id, fault, set_at, set_by) SELECT id, 'SANS_REPONSE', now(), 't' FROM network_element WHERE ref = 'FI-2123-1000-0001'");
      const failed = await launch('opa', 'FTTH-21-0000001', 'REFLECTOMETRIE');
      await sql(gw.pool, 'UPDATE line_test SET max_attempts = 1 WHERE reference = $1', [failed]);
      await runWorker();
      await expectRefused('opa', 'FTTH-21-0000001', failed, "à l'état ECHEC, pas TERMINE");
      clock.advance(73 * 3600_000);
      await expectRefused('opa', 'FTTH-21-0000001', running, 'a plus de 72 heures');
    });
  });
});
