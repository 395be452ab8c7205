/**
 * The test pack's appointment scenarios (issue 16) against a real gateway over mutual TLS, the pack's and the
 * gateway's clocks injected: search → book → move (each natureReport) → read on both services, a forged idCreneau
 * and another operator's sirenOC refused; from 01:00 to 04:00 Paris time the slot-search scenarios are skipped with
 * the reason, by the pack's clock or by the gateway's answer, never failed.
 */
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { DEFAULT_SCENARIOS } from '../../src/testpack/cli.js';
import { runPack, type PackResult } from '../../src/testpack/runner.js';
import { loadScenarios, matchesGlob } from '../../src/testpack/scenario.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

const APPOINTMENT_SCENARIOS = 'rendezvous-v1-*,plan-charge-sav-v1-*';
const SEARCHING = ['rendezvous-v1-recherche-prise-report-annulation', 'plan-charge-sav-v1-recherche-reservation-reports'];
const NOT_SEARCHING = ['rendezvous-v1-consultation-inconnue', 'rendezvous-v1-creneau-falsifie', 'plan-charge-sav-v1-creneau-falsifie',
  'plan-charge-sav-v1-siren-autre-operateur'];

describe('operator test pack: appointment scenarios', function () {
  this.timeout(120_000);
  // Wednesday 2 December 2026, 11:00 Paris (search open) and 02:30 Paris (closed).
  const OPEN = '2026-12-02T10:00:00Z';
  const CLOSED = '2026-12-02T01:30:00Z';
  let day: TestGateway;
  let night: TestGateway;

  before(async () => {
    day = await startGateway({ clock: fixedClock(OPEN) });
    night = await startGateway({ clock: fixedClock(CLOSED) });
  });
  after(async () => { await day?.close(); await night?.close(); });

  const pack = (gw: TestGateway, at: string): Promise<PackResult> => runPack({
    endpoint: gw.url, tls: { cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem, ca: gw.pki.ca },
    scenarios: loadScenarios(DEFAULT_SCENARIOS).filter((s) => matchesGlob(s.id, APPOINTMENT_SCENARIOS)),
    variables: { operator: 'OPA', sirenOC: '552100554', sirenOI: '812345676' }, clock: () => new Date(at)
  });
  const byId = (r: PackResult, id: string) => r.scenarios.find((s) => s.id === id)!;

  it('searches, books, moves with each natureReport, confirms and reads an appointment on both services; refuses what it must', async () => {
    const r = await pack(day, OPEN);
    const failed = r.scenarios.filter((s) => s.status === 'failed').map((s) => `${s.id}: ${s.reason}`);
    expect(failed).to.deep.equal([]);
    for (const id of [...SEARCHING, ...NOT_SEARCHING]) expect(byId(r, id).status, id).to.equal('passed');
    // No sandbox here: the frozen-ticket scenario says why it did not run.
    expect(byId(r, 'rendezvous-v1-integration-gel-rendez-vous')).to.deep.include({ status: 'skipped' });
    expect(byId(r, 'rendezvous-v1-integration-gel-rendez-vous').reason).to.match(/^requiert la plateforme d'intégration/);
    const reports = byId(r, 'plan-charge-sav-v1-recherche-reservation-reports').steps;
    expect(reports.filter((s) => s.operation === 'reportRDV').map((s) => [/<natureReport>(\w+)</.exec(s.request)![1], s.fault?.code ?? 'OK'])).to.deep.equal([
      ['REPORT_RDV_RESERVE', 'OK'], ['NOUVEAU_RDV', '41'], ['REPORT_RDV_RESERVE', '41'], ['REPORT_RDV_CONFIRME', 'OK']
    ]);
    // The Interop'Fibre header went out with the operator's SIREN and came back with the OI's.
    expect(reports[0]!.request).to.include('<sirenOC>552100554</sirenOC>');
    expect(reports[0]!.response).to.include('<sirenOI>812345676</sirenOI>');
  });

  it('skips the slot-search scenarios with the reason when the pack runs from 01:00 to 04:00 Paris time, and runs the others', async () => {
    const r = await pack(day, CLOSED);
    for (const id of SEARCHING) {
      expect(byId(r, id).status, id).to.equal('skipped');
      expect(byId(r, id).reason, id).to.match(/^la recherche de créneaux est fermée de 01:00 à 04:00, heure de Paris/);
      expect(byId(r, id).steps, id).to.deep.equal([]);
    }
    for (const id of NOT_SEARCHING) expect(byId(r, id).status, id).to.equal('passed');
    expect(r.failed).to.equal(0);
  });

  it('skips them too when the gateway answers that the search is closed (its clock says 02:30 Paris), with its answer in the reason', async () => {
    const r = await pack(night, OPEN);
    expect(r.failed, JSON.stringify(r.scenarios.filter((s) => s.status === 'failed').map((s) => s.reason))).to.equal(0);
    expect(byId(r, SEARCHING[0]!).status).to.equal('skipped');
    expect(byId(r, SEARCHING[0]!).reason).to.match(/fermée de 01:00 à 04:00.*la passerelle a répondu RECHERCHE_CRENEAUX_FERMEE \(.+\)/);
    expect(byId(r, SEARCHING[1]!).status).to.equal('skipped');
    expect(byId(r, SEARCHING[1]!).reason).to.match(/la passerelle a répondu 20 /);
  });
});
