/**
 * Golden exchanges of the E-Intervention API (issue 18), in the style of the SOAP ones (golden-samples.test.ts):
 * test/samples/e-intervention/v2/<operationId>__<behaviour>/ holds request.json, response.json and meta.json for
 * every route the gateway serves as the OI (meta.direction "inbound": the operator's request, our answer) and for
 * every message the OI sends to a DO's or an operator's endpoint ("outbound": our request, the endpoint's answer).
 * One scenario on a gateway of its own (fresh database, so refIntervOI sequences start at 1; fixed clock) drives
 * them in order over mutual TLS; receivers started here stand for the DO (OPA) and the operator (OPB).
 *
 * ESAV_UPDATE_SAMPLES=1 rewrites the folders from the live exchanges instead of comparing: use it after an intended
 * change of the wire, then review the diff before committing.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Agent, request } from 'undici';
import { findRootDir } from '../../src/config/config.js';
import { loadEInterventionContract } from '../../src/contracts/e-intervention-contract.js';
import { fixedClock } from '../../src/domain/clock.js';
import { createEInterventionWorker } from '../../src/jobs/e-intervention-worker.js';
import { createInterventionStore } from '../../src/store/e-intervention-store.js';
import { eInterventionReceiver, type EInterventionReceiver } from '../support/e-intervention-receiver.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

const SAMPLES = fileURLToPath(new URL('../samples/e-intervention/v2', import.meta.url));
const UPDATE = process.env.ESAV_UPDATE_SAMPLES === '1';
const contract = loadEInterventionContract(findRootDir());
const T0 = '2026-12-02T08:00:00.000Z';
const PM = { refPM: '21231-PM-0042', refPMTechnique: '21231-PMT-0042-A' };
const PBO = '21231-PBO-0042-001';
const REF = 'BFCF-EI-20261202-000001';

type Json = Record<string, unknown>;
interface Exchange {
  readonly name: string;
  readonly meta: Json;
  readonly request: unknown;
  readonly response: unknown;
}

const m1 = (over: Json = {}): Json => ({
  codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: 'OPA-INT-0001', dateDebutIntervention: T0, message: 'M1', nature: '4', elementReseau: 'PM',
  pointMutualisation: PM, refPBO: PBO, ...over
});
const hs = (refPTO: string, at: string): Json => ({
  refPTO, refPBO: PBO, nomModulePM: 'MOD-03', positionModulePM: '03', positionCoupleurOC: 'C2-07', fibre: '4', tube: '2', numeroSerieONT: 'SMBS0001',
  dateChangementEtat: at
});
const m5 = (over: Json): Json => ({
  refIntervOI: REF, codeOcImpacte: 'OPB', message: 'M5TX', clientHSOC: [], ligneClientRetablie: [], testCloture: true, ...over
});
/** The outbound operations whose 200 answer carries numeroTest. */
const WITH_TEST = ['notifierImpacteClientsOIDO', 'demanderTestIntermediaireInterventionOI'];
const LINES = ['FI-2123-1001-0007', 'FI-2123-1001-0014'];

/** The scenario: [behaviour, client, operationId, body, minutes after T0]. Outbound messages follow each step. */
const STEPS: ReadonlyArray<readonly [string, 'opa' | 'opb', string, Json, number]> = [
  ['debut', 'opa', 'creerInterventionDO', m1(), 0],
  ['champ-manquant', 'opa', 'creerInterventionDO', { ...m1({ refIntervDO: 'OPA-INT-0002' }), pointMutualisation: undefined }, 0],
  ['mauvais-format', 'opa', 'creerInterventionDO', m1({ refIntervDO: 'OPA-INT-0003', nature: '9' }), 0],
  ['pm-inconnu', 'opa', 'creerInterventionDO', m1({ refIntervDO: 'OPA-INT-0004', pointMutualisation: { ...PM, refPM: '99999-PM-0001' } }), 0],
  ['deux-lignes-coupees', 'opb', 'notifierImpacteClientsOC', m5({ clientHSOC: LINES.map((l) => hs(l, '2026-12-02T08:02:00.000Z')) }), 4],
  ['reference-inconnue', 'opb', 'notifierImpacteClientsOC', m5({ refIntervOI: 'BFCF-EI-20261202-999999' }), 4],
  ['fin-avant-test', 'opa', 'modifierInterventionDO', { ...m1(), message: 'M3', dateFinIntervention: '2026-12-02T08:05:00.000Z' }, 5],
  ['test-1', 'opa', 'demanderTestIntermediaireInterventionDO', {
    codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: 'OPA-INT-0001', refIntervOI: REF, message: 'M3TX', numeroTest: 1, natureTest: 'OPTIQUE',
    dateTest: '2026-12-02T08:10:00.000Z'
  }, 10],
  ['lignes-retablies', 'opb', 'notifierImpacteClientsOC', m5({
    numeroTest: 1, ligneClientRetablie: LINES.map((l) => ({ ...hs(l, '2026-12-02T08:11:00.000Z'), nomModulePm: 'MOD-03' }))
  }), 11],
  ['fin', 'opa', 'modifierInterventionDO', { ...m1(), message: 'M3', dateFinIntervention: '2026-12-02T08:12:00.000Z' }, 12],
  ['rapport-final', 'opb', 'notifierImpacteClientsOC', m5({ numeroTest: 2 }), 12],
  ['compte-rendu', 'opa', 'compteRenduInterventionDO', {
    codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: 'OPA-INT-0001', refIntervOI: REF, message: 'CR',
    lignesImpactees: LINES.map((refPTO) => ({ refPTO, repaCodeOC: 'OPB', repaOCDemandee: true, retStatut: true })),
    lignesRetablies: LINES.map((refPTO) => ({ refPTO }))
  }, 13]
];

/** Runs the scenario and returns every exchange, inbound and outbound, in order. */
async function record(): Promise<Exchange[]> {
  const clock = fixedClock(T0);
  const gw: TestGateway = await startGateway({ clock, onEInterventionMessages: () => undefined });
  const receivers: Record<'opa' | 'opb', EInterventionReceiver> = {
    opa: await eInterventionReceiver(gw.pki, '/opa/e-intervention/v2'), opb: await eInterventionReceiver(gw.pki, '/opb/e-intervention/v2')
  };
  const agents = { opa: new Agent({ connect: { cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem, ca: [gw.pki.ca] } }),
    opb: new Agent({ connect: { cert: gw.pki.opb.certPem, key: gw.pki.opb.keyPem, ca: [gw.pki.ca] } }) };
  const worker = createEInterventionWorker({
    pool: gw.pool, clock, contract, tls: { cert: gw.pki.gatewayClient.certPem, key: gw.pki.gatewayClient.keyPem, ca: [gw.pki.ca] },
    backoff: { baseMs: 1000, maxMs: 60_000, stalledAfterAttempts: 10 }, concurrency: 1, timeoutMs: 5000, leaseMs: 10_000, pollMs: 60_000,
    logger: { info: () => undefined, warn: () => undefined }
  });
  try {
    const store = createInterventionStore(gw.pool, 'BFCF');
    await store.setEndpoint('OPA', 'DO', receivers.opa.url, clock.now());
    await store.setEndpoint('OPB', 'OC', receivers.opb.url, clock.now());
    await store.setConsent('OPB', 'TOUJOURS', clock.now());
    const exchanges: Exchange[] = [];
    const seen = { opa: 0, opb: 0 };
    for (const [behaviour, client, operation, body, minutes] of STEPS) {
      clock.set(new Date(Date.parse(T0) + minutes * 60_000).toISOString());
      const op = contract.operation(operation);
      const res = await request(`${gw.url}/e-intervention/v2${op.path}`, {
        method: op.method, dispatcher: agents[client], headers: { 'content-type': 'application/json' }, body: JSON.stringify(body)
      });
      const answer = await res.body.json();
      exchanges.push({
        name: `${operation}__${behaviour}`, request: body, response: answer,
        meta: {
          direction: 'inbound', client, method: op.method, path: `/e-intervention/v2${op.path}`, at: clock.now().toISOString(), status: res.statusCode
        }
      });
      await worker.runUntilIdle(clock.now());
      for (const to of ['opb', 'opa'] as const) {
        for (const m of receivers[to].received.slice(seen[to])) {
          const rop = contract.operation(m.operation);
          expect(m.problems, `${m.operation}: ${JSON.stringify(m.body)}`).to.deep.equal([]);
          exchanges.push({
            name: `${m.operation}__${behaviour}`, request: m.body,
            // The receiver's answer: the operation's 200 body (test/support/e-intervention-receiver.ts).
            response: {
              code: 0, refIntervOI: m.body.refIntervOI,
              ...(WITH_TEST.includes(m.operation) ? { numeroTest: m.body.numeroTest ?? 0 } : {})
            },
            meta: {
              direction: 'outbound', recipient: to.toUpperCase(), role: rop.servedBy, method: rop.method, path: rop.path,
              at: clock.now().toISOString(), status: 200
            }
          });
        }
        seen[to] = receivers[to].received.length;
      }
    }
    return exchanges;
  } finally {
    await worker.stop();
    for (const a of Object.values(agents)) await a.close();
    for (const r of Object.values(receivers)) await r.shut();
    await gw.close();
  }
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

describe('golden exchanges of the E-Intervention API (issue 18)', function () {
  this.timeout(120_000);

  it('answers and sends every sample exactly as recorded, one per route served and per message sent', async () => {
    const exchanges = await record();
    const names = exchanges.map((e) => e.name);
    expect(new Set(names).size, 'one folder per exchange').to.equal(names.length);
    // Every operation of both files has at least one sample: those we serve and those we send.
    expect([...new Set(names.map((n) => n.split('__')[0]))].sort()).to.deep.equal([...contract.operations.keys()].sort());
    if (UPDATE) {
      rmSync(SAMPLES, { recursive: true, force: true });
      for (const e of exchanges) {
        const dir = path.join(SAMPLES, e.name);
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'meta.json'), json(e.meta));
        writeFileSync(path.join(dir, 'request.json'), json(e.request));
        writeFileSync(path.join(dir, 'response.json'), json(e.response));
      }
      return;
    }
    expect(readdirSync(SAMPLES).sort(), 'the sample folders').to.deep.equal([...names].sort());
    for (const e of exchanges) {
      for (const [file, value] of [['meta.json', e.meta], ['request.json', e.request], ['response.json', e.response]] as const) {
        expect(json(value), `${e.name}/${file}`).to.equal(readFileSync(path.join(SAMPLES, e.name, file), 'utf8'));
      }
    }
  });
});
