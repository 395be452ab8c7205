/**
 * Go-live (DOMAIN.md A4), in PostgreSQL.
 * - On the integration platform, the recorder keeps each operator's successful calls per web service (first and
 *   last success, count): in memory, added to golive_call every flushMs and at close (a call never waits for it).
 * - On the production side, the gate refuses the web services to an operator without a row in golive_validation
 *   (imported from a signed record, or written directly when both platforms share one database). A validated
 *   operator is remembered for good; a refusal is re-read after ttlMs, so an import applies without a restart.
 */
import { EsavError } from '../errors/esav-error.js';
import { run, type Executor, type Pool, type Transaction } from './database.js';
import { addSuccessfulCalls, goLiveStatusOf, goLiveValidationOf, successfulCallsOf, upsertGoLiveValidation } from './queries/golive.js';
import { operatorIdByCode } from './queries/operators.js';

export interface GoLiveRecorder {
  record(operatorId: string, service: string, now: Date): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Pending { first: Date; last: Date; calls: number }

export function createGoLiveRecorder(pool: Pool, options: { flushMs?: number; onError?: (e: Error) => void } = {}): GoLiveRecorder {
  let pending = new Map<string, Pending>();
  const flush = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    for (const [key, p] of batch) {
      const [operatorId, service] = key.split('\u0000') as [string, string];
      await run(pool, addSuccessfulCalls(operatorId, service, p.first, p.last, p.calls));
    }
  };
  const timer = setInterval(() => { flush().catch((e: Error) => options.onError?.(e)); }, options.flushMs ?? 1000);
  timer.unref();
  return {
    record(operatorId, service, now) {
      const key = `${operatorId}\u0000${service}`;
      const p = pending.get(key);
      if (p) { p.calls++; if (now < p.first) p.first = now; if (now > p.last) p.last = now; }
      else pending.set(key, { first: now, last: now, calls: 1 });
    },
    flush,
    async close() { clearInterval(timer); await flush(); }
  };
}

export interface GoLiveGate {
  /** Throws INTEGRATION_NON_VALIDEE when the operator has no go-live validation. */
  check(operatorId: string): Promise<void>;
}

export function createGoLiveGate(pool: Pool, ttlMs: number): GoLiveGate {
  const validated = new Set<string>();
  const refused = new Map<string, { code: string; until: number }>();
  return {
    async check(operatorId) {
      if (validated.has(operatorId)) return;
      const cached = refused.get(operatorId);
      let code: string;
      if (cached && cached.until > Date.now()) code = cached.code;
      else {
        const rows = await run<{ code: string; ok: boolean }>(pool, goLiveStatusOf(operatorId));
        if (rows[0]?.ok) { validated.add(operatorId); refused.delete(operatorId); return; }
        code = rows[0]?.code ?? operatorId;
        if (ttlMs > 0) refused.set(operatorId, { code, until: Date.now() + ttlMs });
      }
      throw new EsavError('ESAV_GO_LIVE_REQUIRED', { params: { operator: code } }, { logReason: 'no go-live validation (A4)' });
    }
  };
}

export interface SuccessfulCalls {
  readonly operatorId: string;
  readonly operatorCode: string;
  readonly services: readonly { service: string; firstSuccess: Date; lastSuccess: Date; calls: number }[];
}

/** The integration platform's record of an operator's successful calls; null for an unknown operator. */
export async function successfulCalls(pool: Pool, operatorCode: string): Promise<SuccessfulCalls | null> {
  const op = await run<{ id: string }>(pool, operatorIdByCode(operatorCode));
  if (op.length === 0) return null;
  const operatorId = String(op[0]!.id);
  const rows = await run<{ service: string; first_ok_at: Date; last_ok_at: Date; calls: string }>(pool, successfulCallsOf(operatorId));
  return { operatorId, operatorCode, services: rows.map((r) => ({ service: r.service, firstSuccess: r.first_ok_at, lastSuccess: r.last_ok_at, calls: Number(r.calls) })) };
}

export interface ValidationRow { validated_at: Date; record: unknown; signature: string | null; imported_at: Date; imported_by: string }

export async function goLiveValidation(pool: Executor, operatorId: string): Promise<ValidationRow | null> {
  const rows = await run<ValidationRow>(pool, goLiveValidationOf(operatorId));
  return rows[0] ?? null;
}

/** Writes (or replaces) an operator's validation, in the caller's transaction. */
export async function saveGoLiveValidation(client: Transaction, v: { operatorId: string; validatedAt: Date; record: unknown; signature: string | null; at: Date; by: string }): Promise<void> {
  await run(client, upsertGoLiveValidation(v));
}
