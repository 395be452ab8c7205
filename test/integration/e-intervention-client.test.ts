/**
 * A client generated from the original E-Intervention v2.5 files (openapi-typescript types in
 * test/support/generated/, openapi-fetch's createClient) against the gateway, over mutual TLS with each operator's
 * client certificate (undici's Agent as the dispatcher): every route the gateway serves as the OI is called with a
 * good body and answers the file's 200 shape; bad bodies get the files' codes; the isolation refusals hold.
 */
import { expect } from 'chai';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { Agent, fetch as undiciFetch, Request as UndiciRequest } from 'undici';
import { findRootDir } from '../../src/config/config.js';
import { loadEInterventionContract } from '../../src/contracts/e-intervention-contract.js';
import { fixedClock } from '../../src/domain/clock.js';
import { createInterventionStore } from '../../src/store/e-intervention-store.js';
import type { paths as DoPaths, components as DoComponents } from '../support/generated/e-intervention-do.js';
import type { paths as OiPaths, components as OiComponents } from '../support/generated/e-intervention-oi.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import type { IssuedCertificate } from '../../src/pki/certificate-authority.js';

const contract = loadEInterventionContract(findRootDir());
const T0 = '2026-12-02T08:00:00.000Z';
const PM = { refPM: '21231-PM-0042', refPMTechnique: '21231-PMT-0042-A' };
const PBO = '21231-PBO-0042-001';
// OPB's lines on PBO 001 of the demo town (every 7th prise).
const LINE_7 = 'FI-2123-1001-0007';
const LINE_14 = 'FI-2123-1001-0014';

type M1 = DoComponents['schemas']['CreerInterventionDO'];
type M5 = OiComponents['schemas']['ClientImpacteOCParIntervention'];
type M3 = DoComponents['schemas']['ModifierInterventionDO'];
type CutLine = M5['clientHSOC'][number];
type Json = Record<string, unknown>;

describe('e-intervention through a client generated from the files (openapi-typescript + openapi-fetch)', function () {
  this.timeout(120_000);
  const clock = fixedClock(T0);
  let gw: TestGateway;
  const agents: Agent[] = [];
  /** Every "METHOD path" the clients called, to check that every route the OI serves was. */
  const called = new Set<string>();
  const record: Middleware = {
    onRequest({ request }) { called.add(`${request.method} ${new URL(request.url).pathname.replace(/^\/e-intervention\/v2/, '')}`); }
  };

  function clients(who: IssuedCertificate): { do: Client<DoPaths>; oi: Client<OiPaths> } {
    const agent = new Agent({ connect: { cert: who.certPem, key: who.keyPem, ca: [gw.pki.ca] } });
    agents.push(agent);
    const options = {
      baseUrl: `${gw.url}/e-intervention/v2`,
      // undici's own Request and fetch, so that the Agent (the operator's certificate) is the dispatcher.
      Request: UndiciRequest as unknown as typeof Request,
      fetch: ((r: UndiciRequest) => undiciFetch(r, { dispatcher: agent })) as unknown as (r: Request) => Promise<Response>
    };
    const c = { do: createClient<DoPaths>(options), oi: createClient<OiPaths>(options) };
    c.do.use(record);
    c.oi.use(record);
    return c;
  }

  let opa: ReturnType<typeof clients>;
  let opb: ReturnType<typeof clients>;

  const m1 = (refIntervDO: string, over: Partial<M1> = {}): M1 => ({
    codeDO: 'OPA', codeOI: 'BFCF', refIntervDO, dateDebutIntervention: clock.now().toISOString(), message: 'M1', nature: '4', elementReseau: 'PM',
    pointMutualisation: PM, refPBO: PBO, ...over
  });
  const m3 = (refIntervDO: string, over: Partial<M3> = {}): M3 => ({
    ...m1(refIntervDO), elementReseau: 'PM', message: 'M3', dateFinIntervention: clock.now().toISOString(), ...over
  });
  const hs = (refPTO: string): CutLine => ({
    refPTO, refPBO: PBO, nomModulePM: 'MOD-03', positionModulePM: '03', positionCoupleurOC: 'C2-07', fibre: '4', tube: '2',
    numeroSerieONT: 'SMBS0001', dateChangementEtat: clock.now().toISOString()
  });
  const m5 = (refIntervOI: string, over: Partial<M5> = {}): M5 => ({
    refIntervOI, codeOcImpacte: 'OPB', message: 'M5TX', clientHSOC: [], ligneClientRetablie: [], testCloture: true, ...over
  });

  /** A 400 in the operation's own shape (the file's schema), with the code expected. */
  function refused(r: { response: Response; error?: unknown }, operation: string, code: string): Json {
    const body = r.error as Json;
    expect(r.response.status, JSON.stringify(body)).to.equal(400);
    expect(body.error, JSON.stringify(body)).to.equal(code);
    expect(contract.operation(operation).errorCodes).to.include(code);
    expect(contract.operation(operation).errorProblems(body)).to.deep.equal([]);
    return body;
  }

  before(async () => {
    gw = await startGateway({ clock, onEInterventionMessages: () => undefined });
    await createInterventionStore(gw.pool, 'BFCF').setConsent('OPB', 'TOUJOURS', clock.now());
    opa = clients(gw.pki.opa);
    opb = clients(gw.pki.opb);
  });

  after(async () => {
    for (const a of agents) await a.close();
    await gw?.close();
  });

  it('calls every route the gateway serves as the OI with good bodies and reads the files’ 200 answers', async () => {
    const start = await opa.do.POST('/interventions-do', { body: m1('OPA-CLI-0001') });
    expect(start.response.status, JSON.stringify(start.error)).to.equal(200);
    expect(start.data).to.include({ code: 0, refIntervDO: 'OPA-CLI-0001' });
    const ref = String(start.data!.refIntervOI);
    expect(ref).to.match(/^BFCF-EI-20261202-\d{6}$/);

    clock.advance(60_000);
    const cut = await opb.oi.POST('/interventions-oi/notification-impacte-clients-oc', { body: m5(ref, { clientHSOC: [hs(LINE_7), hs(LINE_14)] }) });
    expect(cut.response.status, JSON.stringify(cut.error)).to.equal(200);
    expect(cut.data).to.deep.equal({ code: 0, refIntervOI: ref, numeroTest: 0 });

    clock.advance(60_000);
    const test = await opa.do.POST('/interventions-do/test-intermediaire', { body: {
      codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: 'OPA-CLI-0001', refIntervOI: ref, message: 'M3TX', numeroTest: 1, natureTest: 'OPTIQUE',
      dateTest: clock.now().toISOString()
    } });
    expect(test.response.status, JSON.stringify(test.error)).to.equal(200);
    expect(test.data).to.include({ code: 0, numeroTest: 1, refIntervOI: ref });
    const restored = await opb.oi.POST('/interventions-oi/notification-impacte-clients-oc', {
      body: m5(ref, { numeroTest: 1, ligneClientRetablie: [LINE_7, LINE_14].map((p) => ({ ...hs(p), nomModulePm: 'MOD-03' })) })
    });
    expect(restored.response.status, JSON.stringify(restored.error)).to.equal(200);

    clock.advance(60_000);
    const end = await opa.do.PUT('/interventions-do', { body: m3('OPA-CLI-0001') });
    expect(end.response.status, JSON.stringify(end.error)).to.equal(200);
    expect(end.data).to.include({ code: 0, refIntervOI: ref });
    const final = await opb.oi.POST('/interventions-oi/notification-impacte-clients-oc', { body: m5(ref, { numeroTest: 2 }) });
    expect(final.response.status, JSON.stringify(final.error)).to.equal(200);
    const report = await opa.do.POST('/interventions-do/compte-rendu', { body: {
      codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: 'OPA-CLI-0001', refIntervOI: ref, message: 'CR',
      lignesImpactees: [{ refPTO: LINE_7, repaCodeOC: 'OPB', retStatut: true }, { refPTO: LINE_14, repaCodeOC: 'OPB', retStatut: true }],
      lignesRetablies: [{ refPTO: LINE_7 }, { refPTO: LINE_14 }]
    } });
    expect(report.response.status, JSON.stringify(report.error)).to.equal(200);
    expect(report.data).to.include({ code: 0, refIntervOI: ref });
    // Every route the files give the OI was called (read from the contract, not listed here).
    const served = [...contract.operations.values()].filter((o) => o.servedBy === 'OI').map((o) => `${o.method} ${o.path}`);
    expect(served).to.have.length(5);
    expect([...called]).to.include.members(served);
  });

  it('answers bad bodies with the files’ codes (CHAMPS_NON_RENSEIGNE, MAUVAIS_FORMAT, CODE_OI_INCONNU…)', async () => {
    const { pointMutualisation: _pm, ...noPm } = m1('OPA-CLI-0100');
    const missing = refused(await opa.do.POST('/interventions-do', { body: noPm as M1 }), 'creerInterventionDO', 'CHAMPS_NON_RENSEIGNE');
    expect(missing.error_parameters).to.deep.equal(['pointMutualisation']);
    refused(await opa.do.POST('/interventions-do', { body: m1('OPA-CLI-0101', { nature: '9' as M1['nature'] }) }), 'creerInterventionDO', 'MAUVAIS_FORMAT');
    refused(await opa.do.POST('/interventions-do', { body: m1('OPA-CLI-0102', { codeOI: 'XXXX' }) }), 'creerInterventionDO', 'CODE_OI_INCONNU');
    refused(await opa.do.PUT('/interventions-do', { body: m3('OPA-CLI-0103', { dateFinIntervention: 'demain' }) }),
      'modifierInterventionDO', 'MAUVAIS_FORMAT');
    refused(await opa.do.POST('/interventions-do/test-intermediaire', { body: {
      codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: 'OPA-CLI-0104', message: 'M3TX', natureTest: 'OPTIQUE', dateTest: T0
    } as never }), 'demanderTestIntermediaireInterventionDO', 'CHAMPS_NON_RENSEIGNE');
    refused(await opa.do.POST('/interventions-do/compte-rendu', { body: { codeDO: 'OPA', codeOI: 'BFCF', message: 'CR' } as never }),
      'compteRenduInterventionDO', 'CHAMPS_NON_RENSEIGNE');
    refused(await opb.oi.POST('/interventions-oi/notification-impacte-clients-oc', { body: m5('BFCF-EI-X', { testCloture: 'oui' as never }) }),
      'notifierImpacteClientsOC', 'MAUVAIS_FORMAT');
    // Not JSON at all: the client's own body serializer is bypassed.
    const truncated = await opa.do.POST('/interventions-do', { body: '{"codeDO": ' as never, bodySerializer: (b: unknown) => String(b) });
    refused(truncated, 'creerInterventionDO', 'MAUVAIS_FORMAT');
  });

  it('refuses an unknown PM, an operator not present at the PM, and a foreign refIntervOI', async () => {
    refused(await opa.do.POST('/interventions-do', { body: m1('OPA-CLI-0200', { pointMutualisation: { ...PM, refPM: '99999-PM-0001' } }) }),
      'creerInterventionDO', 'PM_INCONNU');
    // OPA has no line at Besançon's PM: it is not present there, answered as an unknown PM.
    refused(await opa.do.POST('/interventions-do', { body: m1('OPA-CLI-0201', {
      pointMutualisation: { refPM: '25056-PM-0007', refPMTechnique: '25056-PM-0007' }, refPBO: '25056-PBO-0007-031'
    }) }), 'creerInterventionDO', 'PM_INCONNU');
    const start = await opa.do.POST('/interventions-do', { body: m1('OPA-CLI-0202') });
    const ref = String(start.data!.refIntervOI);
    // OPA's refIntervOI in OPB's hands as a DO: unknown; an unknown reference for the M5TX.
    refused(await opb.do.POST('/interventions-do/test-intermediaire', { body: {
      codeDO: 'OPB', codeOI: 'BFCF', refIntervDO: 'OPA-CLI-0202', refIntervOI: ref, message: 'M3TX', numeroTest: 1, natureTest: 'OPTIQUE', dateTest: T0
    } }), 'demanderTestIntermediaireInterventionDO', 'REF_INTERV_INCONNUE');
    refused(await opb.do.POST('/interventions-do/compte-rendu', { body: {
      codeDO: 'OPB', codeOI: 'BFCF', refIntervDO: 'OPA-CLI-0202', refIntervOI: ref, message: 'CR', lignesImpactees: [], lignesRetablies: []
    } }), 'compteRenduInterventionDO', 'REF_INTERV_INCONNUE');
    refused(await opb.oi.POST('/interventions-oi/notification-impacte-clients-oc', { body: m5('BFCF-EI-20261202-999999') }),
      'notifierImpacteClientsOC', 'REF_INTERV_OI_INCONNUE');
  });

  it('refuses a second operator reaching the first’s impacts: OPB’s cut lines are no business of OPA’s', async () => {
    const start = await opa.do.POST('/interventions-do', { body: m1('OPA-CLI-0300') });
    const ref = String(start.data!.refIntervOI);
    const cut = await opb.oi.POST('/interventions-oi/notification-impacte-clients-oc', { body: m5(ref, { clientHSOC: [hs(LINE_7)], testCloture: false }) });
    expect(cut.response.status, JSON.stringify(cut.error)).to.equal(200);
    // OPA, the DO, posing as an operator impacted by its own intervention: the intervention is unknown to it as such.
    const asOc = m5(ref, { codeOcImpacte: 'OPA', ligneClientRetablie: [{ ...hs(LINE_7), nomModulePm: 'MOD-03' }] });
    refused(await opa.oi.POST('/interventions-oi/notification-impacte-clients-oc', { body: asOc }),
      'notifierImpacteClientsOC', 'REF_INTERV_OI_INCONNUE');
    // An intervention OPB declares, where OPA is told: OPA's report answers nothing of OPB's lines, and a prise
    // elsewhere is answered exactly as a prise that does not exist (nothing tells what lies behind it).
    const other = await opb.do.POST('/interventions-do', { body: m1('OPB-CLI-0300', { codeDO: 'OPB' }) });
    expect(other.response.status, JSON.stringify(other.error)).to.equal(200);
    const ref2 = String(other.data!.refIntervOI);
    const probe = async (refPTO: string) => {
      const body = refused(await opa.oi.POST('/interventions-oi/notification-impacte-clients-oc', {
        body: m5(ref2, { codeOcImpacte: 'OPA', clientHSOC: [hs(refPTO)] })
      }), 'notifierImpacteClientsOC', 'MAUVAIS_FORMAT');
      return JSON.stringify(body).split(refPTO).join('__PTO__');
    };
    expect(await probe('FI-2505-6001-0005')).to.equal(await probe('FI-2123-1001-9999'));
    const own = await opa.oi.POST('/interventions-oi/notification-impacte-clients-oc', { body: m5(ref2, { codeOcImpacte: 'OPA' }) });
    expect(own.data).to.deep.equal({ code: 0, refIntervOI: ref2, numeroTest: 0 });
  });
});
