/**
 * Golden exchanges (ARCHITECTURE.md §7): every folder test/samples/<service>/v<N>/<operation>__<behaviour>/ holds a
 * request.xml, the response.xml the gateway must answer byte for byte, and a meta.json saying who calls and how.
 * Each one is replayed over mutual TLS against a real gateway; only the request id varies between runs, so it is
 * normalised to __REQUEST_ID__ on both sides.
 *
 * ESAV_UPDATE_SAMPLES=1 rewrites response.xml and the status in meta.json from the live answers instead of
 * asserting: use it after an intended change of the wire format, then review the diff before committing.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf, type RawResponse } from '../support/soap-client.js';

const SAMPLES_DIR = fileURLToPath(new URL('../samples', import.meta.url));
const UPDATE = process.env.ESAV_UPDATE_SAMPLES === '1';
const REQUEST_ID = /<idRequete>[^<]*<\/idRequete>/g;

interface SampleMeta {
  readonly client: 'opa' | 'opb' | 'unregistered';
  /** Sent as the SOAPAction header (SOAP 1.1); null: no header (SOAP 1.2 carries the action in the media type). */
  readonly soapAction: string | null;
  readonly contentType: string;
  readonly status: number;
}

interface Sample {
  /** <service>/v<N>/<operation>__<behaviour> */
  readonly name: string;
  readonly dir: string;
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
  for (const service of subdirectories(SAMPLES_DIR)) {
    for (const version of subdirectories(path.join(SAMPLES_DIR, service))) {
      for (const folder of subdirectories(path.join(SAMPLES_DIR, service, version))) {
        const dir = path.join(SAMPLES_DIR, service, version, folder);
        samples.push({
          name: `${service}/${version}/${folder}`,
          dir,
          endpoint: `/esav/${service}/${version}`,
          meta: JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as SampleMeta,
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

function oneElementPerLine(xml: string): string {
  return xml.replace(/></g, '>\n<');
}

/** "text/xml; charset=utf-8" → "text/xml" */
function mediaEssence(contentType: string | string[] | undefined): string {
  return String(contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function replay(gw: TestGateway, sample: Sample): Promise<RawResponse> {
  return call(gw.url, {
    path: sample.endpoint,
    body: sample.request,
    contentType: sample.meta.contentType,
    ...(sample.meta.soapAction !== null ? { soapAction: sample.meta.soapAction } : {}),
    client: gw.pki[sample.meta.client],
    ca: gw.pki.ca
  });
}

describe('golden exchanges', () => {
  const samples = discoverSamples();
  let gw: TestGateway;
  before(async () => { gw = await startGateway(); });
  after(async () => { await gw?.close(); });

  it('finds samples to replay', () => {
    expect(samples.length).to.be.greaterThan(0);
  });

  for (const sample of samples) {
    it(`answers ${sample.name} exactly as recorded`, async () => {
      const res = await replay(gw, sample);
      const body = normaliseRequestId(res.body);
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
      const res = await replay(gw, sample);
      const id = textOf(sample.request, 'identifiantPrestation')!;
      return { status: res.status, body: normaliseRequestId(res.body).split(id).join('__ID__') };
    }));
    expect(answers[0]!.body).to.contain('<code>RESSOURCE_INCONNUE</code>');
    expect(answers[1]).to.deep.equal(answers[0]);
    expect(answers[2]).to.deep.equal(answers[0]);
  });
});
