/**
 * Large request bodies are read off the event loop (issue 14). Reading a 250 kB document (decoding, prescan, plain
 * tree, schema check, errors named) costs the event loop 5–9 ms and leaves megabytes of garbage in its heap: under a
 * flood of such documents from one operator, every other operator's call waits behind them and behind the
 * collections they cause. A body of `minBytes` or more is read in a worker process (off-loop-worker.ts) by the same
 * code, with its own heap; the event loop only hands the bytes over and receives the tree and the outcome of the
 * schema check (a refused request's tree cut to what the phases before validate read). Smaller bodies (every usual
 * call: a filing is about 1.5 kB) are read on the event loop as before, since a hand-over costs more than their
 * reading.
 *
 * A process, not a worker thread: libxmljs keeps its SWIG object templates in process-wide variables, so a second
 * V8 isolate using it crashes the process (seen at once: a segfault in SWIG_V8_NewPointerObj). A process also
 * keeps a crash of libxml2 on a hostile document away from the gateway.
 *
 * Bodies wait for a worker in one queue per operator, served in turn (the fair turns of src/soap/turns.ts, for the
 * workers): a flooding operator's documents delay its own, and another operator's large document waits at most one
 * of each. A worker is started at the first large body. One that stops with a body in hand is replaced and the body
 * given to the new one, and so is the body of one that does not answer within `answerWithinMs` (it is killed); a
 * body that stops two workers is refused as an internal error (never read on the event loop, which it could crash
 * or hold). A worker that cannot start is not started again: every body is then read on the
 * event loop, as before.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { getPriority, setPriority } from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { invariantViolated } from '../errors/coded-error.js';
import { FRAME_READ, FRAME_SCHEMA, frameHeader, revive, toError, type OffLoopAnswer } from './off-loop-protocol.js';
import type { XmlLimits } from './prescan.js';
import { readRequest, type ParsedRequest } from './request-reader.js';
import type { CompiledSchema } from './xsd-validator.js';

export interface OffLoopSettings {
  /** Bodies of this many bytes or more are read in a worker process. */
  readonly minBytes: number;
  /** Worker processes; 0: every body is read on the event loop. */
  readonly workers: number;
  readonly limits: XmlLimits;
  /**
   * The worker's environment: what Node needs, nothing of the gateway's (its database URL and password, the portal's
   * secrets, NODE_OPTIONS): the process that runs libxml2 on hostile documents holds no secret (config.childEnv).
   */
  readonly env: Readonly<Record<string, string>>;
  /**
   * A worker that has not answered a body within this time is stopped (SIGKILL), as one that stopped by itself: its
   * body is given to a new worker, and refused if that one does not answer either.
   */
  readonly answerWithinMs: number;
  /** The timer of `answerWithinMs` (tests: one they fire); setTimeout by default. */
  readonly timer?: (fire: () => void, ms: number) => { cancel(): void };
  /** Another worker program (tests: one that cannot start, or that stops on every body); off-loop-worker by default. */
  readonly program?: { readonly file: string; readonly execArgv: readonly string[] };
}

export interface OffLoopReader {
  /** The request, as readRequest reads it; `schema` is the one its validate() will be asked for. */
  read(body: Buffer, schema: CompiledSchema, operatorId: string): ParsedRequest | Promise<ParsedRequest>;
  figures(): OffLoopFigures;
  close(): Promise<void>;
}

export interface OffLoopFigures {
  /** Bodies a worker read. */
  readonly offLoop: number;
  /** Bodies waiting for a worker. */
  readonly waiting: number;
  /** Workers that stopped other than at close (each replaced; one that never started is not). */
  readonly workerFailures: number;
  /** False once a worker could not start: every body is then read on the event loop. */
  readonly enabled: boolean;
  /** The process ids of the workers running and ready. */
  readonly pids: readonly number[];
}

interface Job {
  readonly body: Buffer;
  readonly operatorId: string;
  readonly schema: CompiledSchema;
  /** Workers that stopped while reading it. */
  stops: number;
  resolve(request: ParsedRequest): void;
  reject(error: unknown): void;
}

interface Worker {
  readonly child: ChildProcess;
  readonly pipe: Socket;
  readonly sent: Set<number>;
  job: Job | null;
  /** The deadline of its start, then of its job's answer. */
  deadline: { cancel(): void } | null;
  ready: boolean;
  gone: boolean;
  /** What its stop does (its body given to the next worker, or refused), once. */
  stopped(): void;
}

const realTimer = (fire: () => void, ms: number): { cancel(): void } => {
  const t = setTimeout(fire, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
};

/** How much nicer than the gateway the worker runs (Linux niceness: 0 normal, 19 the lowest priority). */
const WORKER_NICER = 10;
const here = fileURLToPath(import.meta.url);
const WORKER_FILE = path.join(path.dirname(here), `off-loop-worker${path.extname(here)}`);
/**
 * The worker's V8 heap: a young generation of 2 MB instead of the gateway's 8 (its collections pause nobody; its
 * resident memory, measured reading the flood's documents: 31 MB of its own instead of 62, for about 5 ms per 250 kB
 * document instead of 3.5), and the gateway's heap growth. Under tsx (development, tests), its loader too.
 */
const workerArgv = (): string[] => [
  '--max-semi-space-size=2', '--heap-growing-percent=50',
  ...(path.extname(here) === '.ts' ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [])
];

export function createOffLoopReader(settings: OffLoopSettings): OffLoopReader {
  const { limits } = settings;
  const timer = settings.timer ?? realTimer;
  const waiting = new Map<string, Job[]>();
  const workers: Array<Worker | null> = Array.from({ length: settings.workers }, () => null);
  const schemaIds = new WeakMap<CompiledSchema, number>();
  let nextSchemaId = 0;
  let nextJobId = 0;
  let offLoop = 0;
  let workerFailures = 0;
  let disabled = settings.workers === 0;
  let closed = false;

  const inline = (job: Job): void => {
    try { job.resolve(readRequest(job.body, limits)); } catch (e) { job.reject(e); }
  };

  const answered = (job: Job, a: Extract<OffLoopAnswer, { kind: 'read' }>): void => {
    if ('failure' in a) { job.reject(toError(a.failure)); return; }
    const { checked } = a;
    offLoop++;
    job.resolve({
      tree: revive(a.tree),
      validate(schema) {
        // Only the schema the worker checked against is known; another one (never asked today) is checked here.
        if (schema !== job.schema) return readRequest(job.body, limits).validate(schema);
        if ('fields' in checked) return checked.fields;
        throw toError(checked.failure);
      }
    });
  };

  function start(slot: number): Worker {
    // Bodies go over the pipe (fd 4, off-loop-protocol.ts); answers come back on the IPC channel (fd 3).
    const program = settings.program ?? { file: WORKER_FILE, execArgv: workerArgv() };
    const child = fork(program.file, [JSON.stringify(limits)], {
      execArgv: [...program.execArgv], env: { ...settings.env }, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc', 'pipe']
    });
    // Below the gateway in the kernel's scheduling (10 nicer): when both want a core, the event loop that answers every
    // operator goes first, and the large bodies (a flood's, mostly) wait. Where that is not allowed, it runs as is.
    try { if (child.pid !== undefined) setPriority(child.pid, Math.min(19, getPriority() + WORKER_NICER)); } catch { /* as is */ }
    const pipe = child.stdio[4] as Socket;
    pipe.unref();
    // Its errors are the worker's end: seen as the child's exit.
    pipe.on('error', () => undefined);
    const worker: Worker = { child, pipe, sent: new Set(), job: null, deadline: null, ready: false, gone: false, stopped: () => undefined };
    // An idle worker does not keep the gateway's process alive; one reading a body does, until it answers.
    child.unref();
    child.channel?.unref();
    // Its start has the same bound as an answer: one that is not ready by then is taken as one that cannot start.
    worker.deadline = timer(() => { if (!worker.ready) kill(worker); }, settings.answerWithinMs);
    child.on('message', (a: OffLoopAnswer) => {
      // A worker killed at its deadline is already replaced: a late word of it is ignored.
      if (worker.gone) return;
      if (a.kind === 'ready') {
        worker.ready = true;
        worker.deadline?.cancel();
        worker.deadline = null;
        // A body given before it was ready has its deadline from now: the start is not counted against it.
        if (worker.job) armDeadline(worker);
        return;
      }
      const job = worker.job;
      worker.job = null;
      worker.deadline?.cancel();
      worker.deadline = null;
      child.channel?.unref();
      if (job) answered(job, a);
      serve();
    });
    worker.stopped = (): void => {
      if (worker.gone) return;
      worker.gone = true;
      worker.deadline?.cancel();
      worker.deadline = null;
      if (workers[slot] === worker) workers[slot] = null;
      const job = worker.job;
      worker.job = null;
      if (closed) {
        job?.reject(invariantViolated('the off-loop worker stopped while the gateway closed'));
        return;
      }
      workerFailures++;
      // A worker that never said it was ready could not start (its file, its loader): the event loop reads from now
      // on, this body included. A body in the hands of one that did is given to the next worker first, and one that
      // stops two workers is refused.
      if (!worker.ready) disabled = true;
      else if (job) job.stops++;
      if (job && job.stops >= 2) job.reject(invariantViolated('two off-loop workers stopped while reading this body'));
      else if (job) (waiting.get(job.operatorId) ?? waiting.set(job.operatorId, []).get(job.operatorId)!).unshift(job);
      serve();
    };
    child.on('error', worker.stopped);
    child.on('exit', worker.stopped);
    return worker;
  }

  /** Killed at a deadline: taken as stopped at once, so that no other body is given to it meanwhile. */
  function kill(worker: Worker): void {
    worker.child.kill('SIGKILL');
    worker.stopped();
  }

  function armDeadline(worker: Worker): void {
    const job = worker.job;
    worker.deadline = timer(() => { if (worker.job === job) kill(worker); }, settings.answerWithinMs);
  }

  /** The next body in turn: the first operator's oldest, that operator then going last. */
  function next(): Job | undefined {
    for (const [operator, jobs] of waiting) {
      const job = jobs.shift()!;
      waiting.delete(operator);
      if (jobs.length > 0) waiting.set(operator, jobs);
      return job;
    }
    return undefined;
  }

  function serve(): void {
    if (disabled || closed) {
      // A body a worker stopped on is not read here: it could stop the gateway the same way.
      for (let job = next(); job; job = next()) {
        if (job.stops > 0) job.reject(invariantViolated('the off-loop worker stopped while reading this body'));
        else inline(job);
      }
      return;
    }
    for (let slot = 0; slot < workers.length && waiting.size > 0; slot++) {
      let worker = workers[slot];
      if (!worker) {
        try {
          worker = workers[slot] = start(slot);
        } catch {
          // Not even spawned (no such program, no process left): the event loop reads, as when a worker cannot start.
          workerFailures++;
          disabled = true;
          serve();
          return;
        }
      }
      if (worker.job !== null) continue;
      const job = next()!;
      let schemaId = schemaIds.get(job.schema);
      if (schemaId === undefined) schemaIds.set(job.schema, schemaId = nextSchemaId++);
      const { pipe } = worker;
      pipe.cork();
      if (!worker.sent.has(schemaId)) {
        const source = Buffer.from(JSON.stringify(job.schema.source), 'utf8');
        pipe.write(frameHeader(FRAME_SCHEMA, 0, schemaId, source.length));
        pipe.write(source);
        worker.sent.add(schemaId);
      }
      worker.job = job;
      if (worker.ready) armDeadline(worker);
      worker.child.channel?.ref();
      pipe.write(frameHeader(FRAME_READ, nextJobId++, schemaId, job.body.length));
      pipe.write(job.body);
      pipe.uncork();
    }
  }

  return {
    read(body, schema, operatorId) {
      if (disabled || closed || body.length < settings.minBytes) return readRequest(body, limits);
      return new Promise<ParsedRequest>((resolve, reject) => {
        const job: Job = { body, operatorId, schema, stops: 0, resolve, reject };
        const jobs = waiting.get(operatorId);
        if (jobs) jobs.push(job);
        else waiting.set(operatorId, [job]);
        serve();
      });
    },
    figures: () => ({
      offLoop, waiting: [...waiting.values()].reduce((n, jobs) => n + jobs.length, 0), workerFailures, enabled: !disabled,
      pids: workers.flatMap((w) => (w && !w.gone && w.ready && w.child.pid !== undefined ? [w.child.pid] : []))
    }),
    async close() {
      closed = true;
      await Promise.all(workers.map(async (w, slot) => {
        workers[slot] = null;
        if (!w || w.gone) return;
        // A body in its hands is read by the worker before it goes: its answer is awaited, then the worker stopped.
        const exited = new Promise<void>((resolve) => w.child.once('exit', () => resolve()));
        w.child.ref();
        if (w.job) await new Promise<void>((resolve) => { const job = w.job!; const { resolve: r, reject: j } = job; job.resolve = (x) => { r(x); resolve(); }; job.reject = (e) => { j(e); resolve(); }; });
        // It may have gone meanwhile (its deadline, a crash): its exit is then already seen.
        if (w.child.exitCode !== null || w.child.signalCode !== null) return;
        w.child.kill('SIGTERM');
        await exited;
      }));
      serve();
    }
  };
}
