/**
 * The developer examples of docs/examples/ (issue 19 item 1) never rot: each story of docs/examples/examples.json is
 * played on a real gateway of its own (fresh database, demo data, fixed clock moving 5 minutes per step) over mutual
 * TLS, as operator OPA, and every answer must match the recorded <name>.response.xml: same HTTP status (written in
 * the file's first comment), same SOAP version, and the same document once comments and layout are dropped and the
 * values that vary by design are masked (request ids, the gateway's URL, timestamps, generated references).
 * Every live operation of every live version has an example, and every example names an operation of its WSDL.
 *
 * ESAV_UPDATE_EXAMPLES=1 records the answers instead (pretty-printed); review the diff before committing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../src/config/config.js';
import { loadCatalog } from '../../src/catalog/catalog-loader.js';
import { formSchemaImports } from '../../src/catalog/catalog-types.js';
import { loadContracts } from '../../src/contracts/contract-loader.js';
import type { ServiceVersionDescriptor } from '../../src/contracts/service-descriptor.js';
import { fixedClock } from '../../src/domain/clock.js';
import type { EquipmentKind, EventCategory, InterventionNature } from '../../src/domain/network-event.js';
import { oiComment, oiEvent } from '../../src/domain/ticket-service.js';
import { liveVersions } from '../../src/domain/version-policy.js';
import { run } from '../../src/store/database.js';
import { declareNetworkEvent } from '../../src/store/network-event-store.js';
import { createTicketStore } from '../../src/store/ticket-store.js';
import { compact, loadStories, prettyPrint, STEP_MS, type Example, type Story } from '../../scripts/lib/examples.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf } from '../support/soap-client.js';
import { libxml } from '../../src/xml/libxml.js';
import { fixSlotKey } from '../support/appointments.js';

const ROOT = findRootDir();
const UPDATE = process.env.ESAV_UPDATE_EXAMPLES === '1';
/** How the gateway's URL reads in a recorded answer (a local gateway started with npm start). */
const SHOWN_BASE_URL = 'https://localhost:8443';
const TODAY = new Date('2026-12-02T12:00:00Z');

const contracts = loadContracts(ROOT, formSchemaImports(loadCatalog(ROOT)));
const stories = loadStories(ROOT);

function descriptor(story: Story): ServiceVersionDescriptor {
  const d = contracts.services.get(story.service)?.versions.get(story.version);
  if (!d) throw new Error(`${story.service} v${story.version}: no such contract`);
  return d;
}

function operationOf(d: ServiceVersionDescriptor, example: Example): { name: string; soapAction: string } {
  const op = [...d.operations.values()].find((o) => o.requestElement === example.requestElement);
  if (!op) throw new Error(`${example.name}: ${example.requestElement} is no operation of ${d.service} v${d.version}`);
  return op;
}

/** What varies by design between two runs of the same story. */
function masked(xml: string): string {
  return compact(xml)
    .replace(/<idRequete>[^<]*<\/idRequete>/g, '<idRequete>__ID__</idRequete>')
    .replace(/https:\/\/localhost:\d+/g, '__BASE_URL__')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?/g, '__TIMESTAMP__')
    .replace(/\b(SIG|TP|DERCO)-\d{4}-\d{7}\b|\b(TP|DERCO)-\d{7}\b/g, '__REFERENCE__');
}

function recordedStatus(file: string): number {
  const m = /<!--[^>]*HTTP (\d{3})/.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${path.basename(file)}: no "HTTP <status>" in its first comment`);
  return Number(m[1]);
}

interface Played { readonly example: Example; readonly status: number; readonly contentType: string; readonly body: string }

async function play(story: Story): Promise<Played[]> {
  const clock = fixedClock(story.at);
  const gw: TestGateway = await startGateway({ clock, ...(story.env ? { env: story.env } : {}) });
  try {
    // The test PKI's certificates must be known as valid at the story's instants too.
    await run(gw.pool, { text: 'UPDATE client_certificate SET not_before = LEAST(not_before, $1)', values: [new Date(story.at)] });
    await fixSlotKey(gw.pool);
    const store = createTicketStore(gw.pool);
    const d = descriptor(story);
    const played: Played[] = [];
    let lastReference: string | undefined;
    for (const step of story.steps) {
      clock.advance(STEP_MS);
      const now = clock.now();
      if ('example' in step) {
        const { example } = step;
        const op = operationOf(d, example);
        const action = op.soapAction;
        const res = await call(gw.url, {
          path: d.path,
          body: example.request,
          contentType: example.soap === '1.2' ? `application/soap+xml; charset=utf-8; action="${action}"` : 'text/xml; charset=utf-8',
          ...(example.soap === '1.1' ? { soapAction: `"${action}"` } : {}),
          client: gw.pki.opa,
          ca: gw.pki.ca
        });
        if (example.requestElement.startsWith('Depot') && res.status === 200) lastReference = textOf(res.body, 'referenceSignalisation');
        played.push({ example, status: res.status, contentType: String(res.headers['content-type'] ?? ''), body: res.body.split(gw.url).join(SHOWN_BASE_URL) });
      } else if ('network' in step) {
        await declareNetworkEvent(gw.pool, {
          category: step.network as EventCategory, equipmentKind: step.equipmentKind as EquipmentKind, equipmentRef: step.equipment,
          nature: (step.nature ?? null) as InterventionNature | null, start: step.start ? new Date(step.start) : null,
          end: step.end ? new Date(step.end) : null, curative: step.curative ?? false, interventionRequired: step.interventionRequired ?? false,
          comments: step.comments ?? null, oiContact: step.contact ?? null
        }, 'agent.reseau', now);
      } else {
        if (!lastReference) throw new Error(`${story.service} v${story.version}: OI step ${step.oi} before any filing`);
        if (step.oi === 'comment') await oiComment(store, lastReference, 'agent.sav', step.text ?? '', now);
        else await oiEvent(store, lastReference, step.oi, 'agent.sav', now, { reason: step.reason ?? null, freezeReason: null, freezeDetail: null });
      }
    }
    return played;
  } finally {
    await gw.close();
  }
}

function record(p: Played): void {
  const header = `<!-- The answer to ${p.example.name}.request.xml: HTTP ${p.status}, Content-Type: ${p.contentType} -->`;
  writeFileSync(p.example.responseFile, `<?xml version="1.0" encoding="UTF-8"?>\n${header}\n${prettyPrint(p.body)}\n`);
}

describe('developer examples (docs/examples)', () => {
  it('cover every operation of every live service version the gateway answers, SOAP 1.1 and 1.2', () => {
    const covered = new Set(stories.flatMap((s) => s.examples.map((e) => `${s.service} v${s.version} ${operationOf(descriptor(s), e).name}`)));
    const expected: string[] = [];
    for (const [service, contract] of contracts.services) {
      if (contract.implementedBy !== 'gateway') continue;
      for (const live of liveVersions(contract.plan, TODAY)) {
        const d = contract.versions.get(live.version)!;
        const version = live.version;
        for (const op of d.operations.values()) expected.push(`${service} v${version} ${op.name}`);
      }
    }
    expect(expected.length).to.be.greaterThan(10);
    expect([...covered].sort()).to.include.members(expected.sort());
    expect(stories.flatMap((s) => s.examples).filter((e) => e.soap === '1.2').length, 'SOAP 1.2 examples').to.be.greaterThan(0);
  });

  // What a client generator is told to bind the form with (docs/examples/README.md, "Binding the forms").
  it('publish each form version’s XSD beside the signalisation WSDLs, and it validates the examples’ forms', async () => {
    const gw = await startGateway();
    try {
      for (const version of [1, 2]) {
        for (const [name, example, root] of [
          ['formulaire-ftth-v2.xsd', '01-depotSignalisation', 'FormulaireFTTH'],
          ['formulaire-ftte-v1.xsd', '07-depotSignalisation-soap12', 'FormulaireFTTE']
        ] as const) {
          const res = await call(gw.url, { path: `/esav/signalisation/v${version}?xsd=${name}`, client: gw.pki.opa, ca: gw.pki.ca });
          expect(res.status, `v${version} ?xsd=${name}`).to.equal(200);
          const schema = libxml.parseXml(res.body);
          const request = readFileSync(path.join(ROOT, 'docs/examples/signalisation/v2', `${example}.request.xml`), 'utf8');
          const form = libxml.parseXml(request).get(`//*[local-name()="${root}"]`)!;
          const standalone = libxml.parseXml(form.toString());
          expect(standalone.validate(schema), `${example}'s form against ?xsd=${name}: ${standalone.validationErrors.map((e) => e.message).join('; ')}`).to.equal(true);
        }
        const listed = await call(gw.url, { path: `/esav/signalisation/v${version}?xsd=nope.xsd`, client: gw.pki.opa, ca: gw.pki.ca });
        expect(listed.body).to.contain('?xsd=formulaire-ftth-v1.xsd').and.to.contain('?xsd=formulaire-lfo-v1.xsd');
      }
    } finally {
      await gw.close();
    }
  });

  for (const story of stories) {
    it(`answer ${story.service} v${story.version}'s ${story.examples.length} example(s) as recorded`, async function () {
      this.timeout(120_000);
      const played = await play(story);
      for (const p of played) {
        // An example shows a fault only when its name says so (…-faute): a request that no longer works fails here.
        expect(p.status === 200, `${p.example.name}: HTTP ${p.status}\n${p.body}`).to.equal(!p.example.name.includes('faute'));
        if (UPDATE) { record(p); continue; }
        const name = `${story.service}/v${story.version}/${p.example.name}`;
        expect(p.status, `${name}: HTTP status`).to.equal(recordedStatus(p.example.responseFile));
        expect(p.contentType, `${name}: SOAP version`).to.contain(p.example.soap === '1.2' ? 'application/soap+xml' : 'text/xml');
        expect(masked(p.body), name).to.equal(masked(readFileSync(p.example.responseFile, 'utf8')));
      }
    });
  }
});
