/**
 * Golden exchanges (ARCHITECTURE.md §7): every folder test/samples/<service>/v<N>/<operation>__<behaviour>/ holds a
 * request.xml, the response.xml the gateway must answer byte for byte, and a meta.json saying who calls and how.
 * Each one is replayed over mutual TLS against a real gateway of its own: a fresh database (so ticket references
 * SIG-YYYY-NNNNNNN start at 1 in every sample) and a fixed clock, at meta.json's "at" (ISO instant; DEFAULT_AT when
 * absent): version notices (AvisVersion), form versions accepted and every date answered are those of that instant,
 * whatever the day the suite runs. meta.json's "setup" creates, in order, the state the sample needs:
 *  - { "request": "setup-1.xml", "service"?: name, "version"?: N, "client"?: "opa"|"opb", "at"?: ISO, "status"?: 200 } POSTs a file
 *    of the sample's folder to the same service (version N when given), as the sample's client unless told, and
 *    fails the sample unless the answer has that status;
 *  - { "oi": "accept"|"reject"|"start"|"freeze"|"unfreeze"|"close"|"notify-closure"|…, "reason"?, "freezeReason"?,
 *    "freezeDetail"?, "ticket"?, "at"? } moves a ticket on the OI's side (ticket-service oiEvent);
 *    { "oi": "comment", "text": "…" } adds an OI comment (oiComment). "ticket" defaults to the last reference a
 *    setup request answered;
 *  - { "network": "TP"|"DERCO", "equipmentKind": "PM"|"PMT"|"PBO"|"LIENPMPBO", "equipment": ref, "nature"?, "start"?,
 *    "end"?, "curative"?, "interventionRequired"?, "comments"?, "contact"?, "at"? } declares a planned work or an
 *    incident on the OI's side (declareNetworkEvent), its impacts computed from the demo network.
 *  - { "elementState": ref, "fault": "COUPURE"|…, "value"?: n } gives an element of the simulated network a state;
 *    { "lineTests": "run" } runs the line-test worker once at the step's instant (every due test to its outcome).
 * meta.json's "env" configures the sample's gateway beyond the test defaults (e.g. ESAV_NIGHTLY_WINDOW_MINUTES).
 * A step's "at" defaults to the sample's. Two things still vary between runs and are normalised on both sides: the
 * request id (__REQUEST_ID__) and the gateway's own URL, which has the test's port (__BASE_URL__, e.g. in
 * AvisVersion). The Deprecation/Sunset/Link HTTP headers are asserted by other tests, not here.
 *
 * ESAV_UPDATE_SAMPLES=1 rewrites response.xml and the status in meta.json from the live answers instead of
 * asserting: use it after an intended change of the wire format, then review the diff before committing.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import type { FreezeReason, TicketEvent } from '../../src/domain/ticket-lifecycle.js';
import { oiComment, oiEvent } from '../../src/domain/ticket-service.js';
import type { EquipmentKind, EventCategory, InterventionNature } from '../../src/domain/network-event.js';
import { declareNetworkEvent } from '../../src/store/network-event-store.js';
import { createTicketStore } from '../../src/store/ticket-store.js';
import { ALL_SIMULATED, driverRouter } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../../src/jobs/line-test-worker.js';
import { setElementState, type SimulatedFault } from '../../src/store/line-test-queue.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf, type RawResponse } from '../support/soap-client.js';
import { run } from '../../src/store/database.js';
import { fixSlotKey } from '../support/appointments.js';

const SAMPLES_DIR = fileURLToPath(new URL('../samples', import.meta.url));
const UPDATE = process.env.ESAV_UPDATE_SAMPLES === '1';
const REQUEST_ID = /<idRequete>[^<]*<\/idRequete>/g;
const DEFAULT_AT = '2026-11-24T10:00:00Z';

type ClientName = 'opa' | 'opb' | 'unregistered';

/** A request POSTed before the sample's (a file of the sample's folder). */
interface SetupRequest {
  readonly request: string;
  readonly version?: number;
  /** Another service than the sample's (e.g. a line test launched before a filing); version 1 unless told. */
  readonly service?: string;
  readonly client?: ClientName;
  readonly at?: string;
  readonly status?: number;
}

/** A move of a ticket on the OI's side, or an OI comment. */
interface SetupOi {
  readonly oi: TicketEvent | 'comment';
  readonly ticket?: string;
  readonly at?: string;
  readonly agent?: string;
  readonly reason?: string;
  readonly freezeReason?: FreezeReason;
  readonly freezeDetail?: string;
  readonly text?: string;
}

/** A planned work or incident declared on the OI's side. */
interface SetupNetworkEvent {
  readonly network: EventCategory;
  readonly equipmentKind: EquipmentKind;
  readonly equipment: string;
  readonly nature?: InterventionNature;
  readonly start?: string;
  readonly end?: string;
  readonly curative?: boolean;
  readonly interventionRequired?: boolean;
  readonly comments?: string;
  readonly contact?: string;
  readonly at?: string;
}

/** A state of the simulated network, or one pass of the line-test worker. */
type SetupLineTests =
  | { readonly elementState: string; readonly fault: SimulatedFault; readonly value?: number; readonly at?: string }
  | { readonly lineTests: 'run'; readonly at?: string };

interface SampleMeta {
  /** "outbound": a message the gateway sends (notifications), not a call it answers. */
  readonly direction?: 'outbound';
  readonly client: ClientName;
  /** Sent as the SOAPAction header (SOAP 1.1); null: no header (SOAP 1.2 carries the action in the media type). */
  readonly soapAction: string | null;
  readonly contentType: string;
  readonly status: number;
  /** The gateway's clock for the replay; DEFAULT_AT when absent. */
  readonly at?: string;
  /** Configuration of the sample's gateway beyond the test defaults (e.g. a nightly window). */
  readonly env?: Readonly<Record<string, string>>;
  readonly setup?: ReadonlyArray<SetupRequest | SetupOi | SetupNetworkEvent | SetupLineTests>;
}

interface Sample {
  /** <service>/v<N>/<operation>__<behaviour> */
  readonly name: string;
  readonly dir: string;
  readonly service: string;
  readonly endpoint: string;
  readonly meta: SampleMeta;
  readonly request: string;
}

function subdirectories(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Walks test/samples/<service>/v<N>/<operation>__<behaviour>/ (discovered when the suite is defined). */
function discoverSamples(): Sample[] {
  const samples: Sample[] = [];
  // The E-Intervention API's JSON exchanges are replayed by e-intervention-samples.test.ts.
  for (const service of subdirectories(SAMPLES_DIR).filter((s) => s !== 'e-intervention')) {
    for (const version of subdirectories(path.join(SAMPLES_DIR, service))) {
      for (const folder of subdirectories(path.join(SAMPLES_DIR, service, version))) {
        const dir = path.join(SAMPLES_DIR, service, version, folder);
        const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as SampleMeta;
        // Outbound samples (push notifications: the gateway is the client, the operator implements the contract) are
        // not served here; test/unit/jobs/notification-message.test.ts checks them against what the worker sends.
        if (meta.direction === 'outbound') continue;
        samples.push({
          name: `${service}/${version}/${folder}`,
          dir,
          service,
          endpoint: `/esav/${service}/${version}`,
          meta,
          request: readFileSync(path.join(dir, 'request.xml'), 'utf8')
        });
      }
    }
  }
  return samples;
}

function normaliseRequestId(body: string): string {
  return body.replace(REQUEST_ID, '<idRequete>__REQUEST_ID__</idRequete>');
}

/** The request id, and the gateway's own URL (https://localhost:<the test's port>). */
function normalise(body: string, gw: TestGateway): string {
  return normaliseRequestId(body).split(gw.url).join('__BASE_URL__');
}

function oneElementPerLine(xml: string): string {
  return xml.replace(/></g, '>\n<');
}

/** "text/xml; charset=utf-8" → "text/xml" */
function mediaEssence(contentType: string | string[] | undefined): string {
  return String(contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function post(gw: TestGateway, path: string, body: string, client: ClientName, meta?: SampleMeta): Promise<RawResponse> {
  return call(gw.url, {
    path,
    body,
    contentType: meta?.contentType ?? 'text/xml; charset=utf-8',
    ...(meta && meta.soapAction !== null ? { soapAction: meta.soapAction } : {}),
    client: gw.pki[client],
    ca: gw.pki.ca
  });
}

/** Creates the state the sample needs (meta.json "setup"), in order. */
async function setUp(gw: TestGateway, clock: ReturnType<typeof fixedClock>, sample: Sample, at: string): Promise<void> {
  const store = createTicketStore(gw.pool);
  let lastReference: string | undefined;
  for (const [i, step] of (sample.meta.setup ?? []).entries()) {
    const when = step.at ?? at;
    if ('request' in step) {
      clock.set(when);
      const endpoint = step.service !== undefined ? `/esav/${step.service}/v${step.version ?? 1}`
        : step.version === undefined ? sample.endpoint : `/esav/${sample.service}/v${step.version}`;
      const res = await post(gw, endpoint, readFileSync(path.join(sample.dir, step.request), 'utf8'), step.client ?? sample.meta.client);
      expect(res.status, `setup step ${i + 1} (${step.request}): ${res.body}`).to.equal(step.status ?? 200);
      lastReference = textOf(res.body, 'referenceSignalisation') ?? lastReference;
      continue;
    }
    if ('elementState' in step || 'lineTests' in step) {
      if ('elementState' in step) await setElementState(gw.pool, step.elementState, step.fault, step.value ?? null, 'agent.reseau', new Date(when));
      else {
        clock.set(when);
        await createLineTestWorker({ pool: gw.pool, clock, drivers: driverRouter(gw.pool, ALL_SIMULATED), worker: 'samples', concurrency: 10,
          capPerElement: 10, graceMs: 1000, retryDelayMs: 0, pollMs: 1000, onError: (e) => { throw e; } }).runOnce();
      }
      continue;
    }
    if ('network' in step) {
      await declareNetworkEvent(gw.pool, {
        category: step.network, equipmentKind: step.equipmentKind, equipmentRef: step.equipment, nature: step.nature ?? null,
        start: step.start ? new Date(step.start) : null, end: step.end ? new Date(step.end) : null, curative: step.curative ?? false,
        interventionRequired: step.interventionRequired ?? false, comments: step.comments ?? null, oiContact: step.contact ?? null
      }, 'agent.reseau', new Date(when));
      continue;
    }
    const ticket = step.ticket ?? lastReference;
    if (!ticket) throw new Error(`setup step ${i + 1} (oi ${step.oi}): no ticket filed before it, and none named`);
    const agent = step.agent ?? 'agent.sav';
    if (step.oi === 'comment') await oiComment(store, ticket, agent, step.text ?? '', new Date(when));
    else await oiEvent(store, ticket, step.oi, agent, new Date(when), { reason: step.reason ?? null, freezeReason: step.freezeReason ?? null, freezeDetail: step.freezeDetail ?? null });
  }
}

/** The sample on a gateway of its own (fresh database, fixed clock), after its setup; the answer normalised. */
async function replay(sample: Sample): Promise<RawResponse> {
  const at = sample.meta.at ?? DEFAULT_AT;
  const clock = fixedClock(at);
  const gw = await startGateway({ clock, ...(sample.meta.env ? { env: sample.meta.env } : {}) });
  try {
    // The test PKI's certificates are valid from the day before the run (real time, which TLS checks); the registry
    // must also know them as valid at the sample's instants, which may be earlier.
    const earliest = [at, ...(sample.meta.setup ?? []).flatMap((s) => (s.at ? [s.at] : []))].map((t) => new Date(t)).sort((a, b) => a.getTime() - b.getTime())[0]!;
    await run(gw.pool, { text: 'UPDATE client_certificate SET not_before = LEAST(not_before, $1)', values: [earliest] });
    await fixSlotKey(gw.pool);
    await setUp(gw, clock, sample, at);
    clock.set(at);
    const res = await post(gw, sample.endpoint, sample.request, sample.meta.client, sample.meta);
    return { ...res, body: normalise(res.body, gw) };
  } finally {
    await gw.close();
  }
}

describe('golden exchanges', () => {
  const samples = discoverSamples();

  it('finds samples to replay', () => {
    expect(samples.length).to.be.greaterThan(0);
  });

  for (const sample of samples) {
    it(`answers ${sample.name} exactly as recorded`, async () => {
      const res = await replay(sample);
      const body = res.body;
      if (UPDATE) {
        writeFileSync(path.join(sample.dir, 'response.xml'), body);
        writeFileSync(path.join(sample.dir, 'meta.json'), `${JSON.stringify({ ...sample.meta, status: res.status }, null, 2)}\n`);
        return;
      }
      expect(res.status, 'HTTP status').to.equal(sample.meta.status);
      expect(mediaEssence(res.headers['content-type']), 'answered in the SOAP version of the request').to.equal(mediaEssence(sample.meta.contentType));
      const expected = readFileSync(path.join(sample.dir, 'response.xml'), 'utf8');
      // One element per line first, so that a failure shows a readable diff; then the exact, byte-for-byte check.
      if (body !== expected) expect(oneElementPerLine(body)).to.equal(oneElementPerLine(expected));
      expect(body).to.equal(expected);
    });
  }

  // DOMAIN.md A6: another operator's service, an unknown one and an archived one must not be told apart, so their
  // faults are byte-identical once the identifier asked for (quoted in the message) and the request id are masked.
  it('answers another operator’s, an unknown and an archived service with the same fault (DOMAIN.md A6)', async () => {
    const notFound = ['autre-operateur', 'inconnue', 'archivee'].map((behaviour) => {
      const sample = samples.find((s) => s.name === `prestation/v1/consultationPrestation__${behaviour}`);
      expect(sample, `sample consultationPrestation__${behaviour}`).to.not.equal(undefined);
      return sample!;
    });
    const answers = await Promise.all(notFound.map(async (sample) => {
      const res = await replay(sample);
      const id = textOf(sample.request, 'identifiantPrestation')!;
      return { status: res.status, body: res.body.split(id).join('__ID__') };
    }));
    expect(answers[0]!.body).to.contain('<code>RESSOURCE_INCONNUE</code>');
    expect(answers[1]).to.deep.equal(answers[0]);
    expect(answers[2]).to.deep.equal(answers[0]);
  });
});
