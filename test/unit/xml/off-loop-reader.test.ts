/**
 * Large bodies are read in a worker process (src/xml/off-loop-reader.ts): what the pipeline gets from it is what it
 * gets from reading the body on the event loop (the same tree, the same schema errors, the same faults), a refused
 * request's tree is cut to what the phases before validate read, operators take turns at the worker, and a worker
 * that stops or cannot start loses no call and never makes the event loop read a body that stopped one.
 */
import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../../src/config/config.js';
import { isCodedError } from '../../../src/errors/coded-error.js';
import { isEsavError } from '../../../src/errors/esav-error.js';
import { createOffLoopReader, type OffLoopReader } from '../../../src/xml/off-loop-reader.js';
import { frameHeader, frameReader, type Frame } from '../../../src/xml/off-loop-protocol.js';
import { readRequest, type ParsedRequest } from '../../../src/xml/request-reader.js';
import { readSpannedTree } from '../../../src/xml/tree-reader.js';
import { costlyDocuments } from '../../chaos/support/costly-documents.js';
import { seededRandom } from '../../support/seeded-random.js';
import { mutate, xmlCases, type XmlCase } from '../../support/xml-cases.js';

const limits = { maxDepth: 32, maxAttributes: 32, maxElements: 2000 };
const env = { PATH: process.env.PATH ?? '' };
const fixture = (name: string): { file: string; execArgv: string[] } => ({ file: path.join(findRootDir(), 'test', 'fixtures', 'off-loop', name), execArgv: [] });

/** What a reading gives the pipeline: the tree and the schema check's outcome, or the fault, as plain data. */
async function outcome(read: () => ParsedRequest | Promise<ParsedRequest>, c: XmlCase): Promise<unknown> {
  const fault = (e: unknown): unknown => {
    if (isEsavError(e)) return { fault: e.code, detail: e.detail };
    throw e;
  };
  let parsed: ParsedRequest;
  try { parsed = await read(); } catch (e) { return fault(e); }
  let fields;
  try { fields = parsed.validate(c.schema); } catch (e) { return { envelope: parsed.tree.name, check: fault(e) }; }
  // A refused request's tree is cut below its Body's element: only what the phases before validate read is compared.
  if (fields.length > 0) {
    const body = parsed.tree.children.find((x) => x.name === 'Body');
    return { envelope: parsed.tree.name, namespace: parsed.tree.namespace, body: body?.children.map((x) => [x.namespace, x.name, x.attributes]), fields };
  }
  return { tree: JSON.parse(JSON.stringify(parsed.tree)) as unknown, fields };
}

describe('off-loop reader (large bodies read in a worker process)', function () {
  this.timeout(60_000);
  const all = xmlCases();
  const schema = all[0]!.schema;
  let reader: OffLoopReader;
  afterEach(async () => { await reader?.close(); });

  it('gives the pipeline what reading on the event loop gives, for every sample, mutants and hostile documents', async () => {
    reader = createOffLoopReader({ minBytes: 0, workers: 1, answerWithinMs: 60_000, env, limits });
    const next = seededRandom(20261203);
    const texts: Array<{ c: XmlCase; body: Buffer }> = all.map((c) => ({ c, body: Buffer.from(c.text, 'utf8') }));
    for (let i = 0; i < 400; i++) {
      const c = all[Math.floor(next() * all.length)]!;
      const read = readSpannedTree(c.text);
      texts.push({ c, body: Buffer.from(read ? mutate(read, next) : c.text, 'utf8') });
    }
    const hostile = [
      all[0]!.text.replace('?>', '?><!DOCTYPE x [<!ENTITY a "b">]>'), all[0]!.text.replace('</', '\u0000</'), all[0]!.text.slice(0, -20),
      all[0]!.text.replace('encoding="UTF-8"', 'encoding="EBCDIC"')
    ];
    for (const h of hostile) texts.push({ c: all[0]!, body: Buffer.from(h, 'utf8') });
    for (const d of costlyDocuments()) texts.push({ c: all.find((x) => x.name.startsWith('prestation/v1/'))!, body: d.body });
    let faults = 0;
    for (const { c, body } of texts) {
      const inline = await outcome(() => readRequest(body, limits), c);
      const offLoop = await outcome(() => reader.read(body, c.schema, 'OPA'), c);
      expect(offLoop, `${c.name}: ${body.toString('utf8').slice(0, 200)}`).to.deep.equal(inline);
      if ('fault' in (inline as object)) faults++;
    }
    expect(reader.figures()).to.include({ offLoop: texts.length - faults, waiting: 0, workerFailures: 0, enabled: true });
    expect(faults, 'documents refused before any tree (malformed, DOCTYPE, limits)').to.be.greaterThan(5);
  });

  it("cuts a refused request's tree below its Body's element, and reading the cut part is a defect, not a silent blank", async () => {
    reader = createOffLoopReader({ minBytes: 0, workers: 1, answerWithinMs: 60_000, env, limits });
    const c = all.find((x) => x.name.startsWith('prestation/v1/'))!;
    const request = await reader.read(costlyDocuments()[2]!.body, c.schema, 'OPA');
    expect(request.validate(c.schema).map((f) => f.rule)).to.deep.equal(['inattendu']);
    const operation = request.tree.children.find((x) => x.name === 'Body')!.children[0]!;
    expect(operation.name).to.equal('ConsultationPrestationRequete');
    for (const read of [() => operation.children, () => operation.text, () => request.tree.text]) {
      expect(read).to.throw().that.satisfies((e: unknown) => isCodedError(e) && e.code === 'ESAV_INVARIANT');
    }
  });

  it('reads small bodies on the event loop, at once, without starting a worker', async () => {
    reader = createOffLoopReader({ minBytes: 32 * 1024, workers: 1, answerWithinMs: 60_000, env, limits });
    const read = reader.read(Buffer.from(all[0]!.text, 'utf8'), schema, 'OPA');
    expect(read).not.to.be.instanceOf(Promise);
    expect(reader.figures()).to.include({ offLoop: 0 });
    expect(reader.figures().pids).to.deep.equal([]);
  });

  it('serves operators in turn: a quiet operator waits for at most one body of a flooding one', async () => {
    reader = createOffLoopReader({ minBytes: 0, workers: 1, answerWithinMs: 60_000, env, limits });
    const big = costlyDocuments()[2]!.body;
    const order: string[] = [];
    const calls = ['A1', 'A2', 'A3', 'A4', 'A5', 'B1'].map((name) =>
      Promise.resolve(reader.read(big, schema, name[0]!)).then(() => { order.push(name); }));
    expect(reader.figures().waiting, 'one body at the worker, the others waiting').to.equal(5);
    await Promise.all(calls);
    // A1 was at the worker; then A2 (A's turn), then B1 (B's turn), then A's others.
    expect(order).to.deep.equal(['A1', 'A2', 'B1', 'A3', 'A4', 'A5']);
  });

  it('gives the body of a worker that stopped to a new worker, and the call is answered', async () => {
    reader = createOffLoopReader({ minBytes: 0, workers: 1, answerWithinMs: 60_000, env, limits });
    await reader.read(Buffer.from(all[0]!.text, 'utf8'), schema, 'OPA');
    const [first] = reader.figures().pids;
    const read = reader.read(costlyDocuments()[2]!.body, schema, 'OPA');
    process.kill(first!, 'SIGKILL');
    const request = await read;
    expect(request.validate(schema).length).to.be.greaterThan(0);
    const figures = reader.figures();
    expect(figures).to.include({ workerFailures: 1, enabled: true });
    expect(figures.pids).to.have.length(1).and.not.include(first);
  });

  it('refuses, as an internal error, a body that stopped two workers, rather than read it on the event loop', async () => {
    const program = fixture('stops-on-every-body.mjs');
    reader = createOffLoopReader({ minBytes: 0, workers: 1, answerWithinMs: 60_000, env, limits, program });
    const error = await Promise.resolve(reader.read(Buffer.from(all[0]!.text, 'utf8'), schema, 'OPA')).then(() => null, (e: unknown) => e);
    expect(isCodedError(error) && error.code, String(error)).to.equal('ESAV_INVARIANT');
    expect(reader.figures()).to.include({ workerFailures: 2, enabled: true });
  });

  it('kills a worker that does not answer in time, gives its body to a new one, and refuses the body if that one does not either', async () => {
    // The deadlines, fired by the test: each worker's start, then the answer to the body it holds.
    const deadlines: Array<{ fire(): void; cancelled: boolean }> = [];
    const timer = (fire: () => void): { cancel(): void } => {
      const d = { fire, cancelled: false };
      deadlines.push(d);
      return { cancel: () => { d.cancelled = true; } };
    };
    const pending = (): Array<{ fire(): void }> => deadlines.filter((d) => !d.cancelled);
    reader = createOffLoopReader({ minBytes: 0, workers: 1, answerWithinMs: 1000, env, limits, program: fixture('never-answers.mjs'), timer });
    const read = Promise.resolve(reader.read(Buffer.from(all[0]!.text, 'utf8'), schema, 'OPA')).then(() => null, (e: unknown) => e);
    const ready = async (not?: number): Promise<number> => {
      for (;;) {
        const [pid] = reader.figures().pids;
        if (pid !== undefined && pid !== not) return pid;
        await new Promise((r) => setImmediate(r));
      }
    };
    const first = await ready();
    expect(pending(), "once it is ready, only the deadline of its body's answer").to.have.length(1);
    pending()[0]!.fire();
    const second = await ready(first);
    expect(pending(), 'the new worker holds the body, under a deadline of its own').to.have.length(1);
    pending()[0]!.fire();
    const error = await read;
    expect(isCodedError(error) && error.code, String(error)).to.equal('ESAV_INVARIANT');
    expect(reader.figures()).to.include({ workerFailures: 2, enabled: true, waiting: 0 });
    await new Promise((r) => setTimeout(r, 100));
    for (const pid of [first, second]) expect(() => process.kill(pid, 0), `worker ${pid} killed`).to.throw();
  });

  it('closes even when the worker it waits for stops meanwhile', async () => {
    const deadlines: Array<() => void> = [];
    const timer = (fire: () => void): { cancel(): void } => { deadlines.push(fire); return { cancel: () => undefined } };
    reader = createOffLoopReader({ minBytes: 0, workers: 1, answerWithinMs: 1000, env, limits, program: fixture('never-answers.mjs'), timer });
    const read = Promise.resolve(reader.read(Buffer.from(all[0]!.text, 'utf8'), schema, 'OPA')).then(() => null, (e: unknown) => e);
    while (reader.figures().pids.length === 0) await new Promise((r) => setImmediate(r));
    const closed = reader.close().then(() => 'closed');
    deadlines.at(-1)!();
    expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r('still closing after 5 s'), 5000))])).to.equal('closed');
    expect(isCodedError(await read) && ((await read) as { code: string }).code).to.equal('ESAV_INVARIANT');
  });

  it("gives its worker only the environment it was given, none of the gateway's, and a lower priority than its own", async () => {
    process.env.ESAV_TEST_SECRET = 'not for the worker';
    try {
      reader = createOffLoopReader({ minBytes: 0, workers: 1, answerWithinMs: 60_000, env, limits });
      await reader.read(Buffer.from(all[0]!.text, 'utf8'), schema, 'OPA');
      const [pid] = reader.figures().pids;
      const names = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\u0000').filter((e) => e !== '').map((e) => e.split('=')[0]);
      // Node adds the IPC channel's own (NODE_CHANNEL_FD, NODE_CHANNEL_SERIALIZATION_MODE).
      expect(names.filter((n) => !n!.startsWith('NODE_CHANNEL_'))).to.deep.equal(['PATH']);
      expect(getPriority(pid!), "the worker's niceness").to.equal(getPriority() + 10);
    } finally {
      delete process.env.ESAV_TEST_SECRET;
    }
  });

  it('reads every body on the event loop when its worker cannot start, and answers the calls', async () => {
    const program = fixture('exits-at-start.mjs');
    reader = createOffLoopReader({ minBytes: 0, workers: 1, answerWithinMs: 60_000, env, limits, program });
    const c = all[0]!;
    expect((await reader.read(Buffer.from(c.text, 'utf8'), c.schema, 'OPA')).validate(c.schema)).to.deep.equal([]);
    expect(reader.figures()).to.include({ offLoop: 0, workerFailures: 1, enabled: false });
    expect(reader.read(Buffer.from(c.text, 'utf8'), c.schema, 'OPA'), 'read at once from then on').not.to.be.instanceOf(Promise);
  });

  it('stops its workers at close, and reads on the event loop after', async () => {
    reader = createOffLoopReader({ minBytes: 0, workers: 2, answerWithinMs: 60_000, env, limits });
    await Promise.all([reader.read(costlyDocuments()[2]!.body, schema, 'A'), reader.read(costlyDocuments()[2]!.body, schema, 'B')]);
    const pids = reader.figures().pids;
    expect(pids).to.have.length(2);
    await reader.close();
    for (const pid of pids) expect(() => process.kill(pid, 0), `worker ${pid} gone`).to.throw();
    expect(reader.read(Buffer.from(all[0]!.text, 'utf8'), schema, 'OPA')).not.to.be.instanceOf(Promise);
  });
});

describe('off-loop frames', () => {
  it('reads back every frame, in order, however the pipe cuts the bytes', () => {
    const next = seededRandom(7);
    const sent: Frame[] = [];
    const bytes: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      const payload = Buffer.alloc(Math.floor(next() * 70_000), i);
      const frame = { kind: 1 + (i % 2), id: i, schemaId: 1000 + i, payload };
      sent.push(frame);
      bytes.push(frameHeader(frame.kind, frame.id, frame.schemaId, payload.length), payload);
    }
    const all = Buffer.concat(bytes);
    const got: Frame[] = [];
    const feed = frameReader((f) => got.push({ ...f, payload: Buffer.from(f.payload) }));
    for (let at = 0; at < all.length;) {
      const n = 1 + Math.floor(next() * 40_000 * (next() < 0.2 ? 0.0001 : 1));
      feed(all.subarray(at, at + n));
      at += n;
    }
    expect(got.map((f) => [f.kind, f.id, f.schemaId, f.payload.length])).to.deep.equal(sent.map((f) => [f.kind, f.id, f.schemaId, f.payload.length]));
    expect(got.every((f, i) => f.payload.equals(sent[i]!.payload))).to.equal(true);
  });
});
