/**
 * The simulated after-sales back office of the integration platform (integration mode only, started by server.ts):
 * tickets filed on a sandbox service move on their own along the path of the service's scenario
 * (src/domain/sandbox-scenarios.ts), one step once ESAV_SANDBOX_STEP_MS have passed since the ticket's last change
 * or comment. Steps go through oiEvent/oiComment, like an agent's: every transition, comment, outbox event and push
 * notification is the real one. Deterministic: the time comes from the injected clock, and runOnce(now) does one
 * pass (tests call it directly). Several instances: one pass at a time (a PostgreSQL advisory lock).
 */
import { parisDate } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import { nextSandboxStep, SANDBOX_TEXT, sandboxScenarioOf, type SandboxStep } from '../domain/sandbox-scenarios.js';
import { oiComment, oiEvent } from '../domain/ticket-service.js';
import { isEsavError } from '../errors/esav-error.js';
import { run, session, type Pool } from '../store/database.js';
import { advisoryUnlock, tryAdvisoryLock } from '../store/queries/jobs.js';
import { loadSandboxData, openSandboxTickets } from '../store/sandbox-data.js';
import { createTicketStore } from '../store/ticket-store.js';

const LOCK_KEY = 0x73_62_78_21; // "sbx!"
/** The sandbox services of operators registered after the start appear within this delay. */
const DATA_REFRESH_MS = 60_000;

export interface SandboxMove { readonly reference: string; readonly step: SandboxStep }

export interface SandboxBackOffice {
  /** One pass: applies the steps due at `now`; returns them. */
  runOnce(now: Date): Promise<SandboxMove[]>;
}

export function createSandboxBackOffice(pool: Pool, stepMs: number): SandboxBackOffice {
  const store = createTicketStore(pool);
  let dataLoadedAt: number | null = null;
  return {
    async runOnce(now) {
      return session(pool, async (client) => {
        const rows = await run<{ locked: boolean }>(client, tryAdvisoryLock(LOCK_KEY));
        if (!rows[0]!.locked) return [];
        try {
          if (dataLoadedAt === null || Math.abs(now.getTime() - dataLoadedAt) >= DATA_REFRESH_MS) {
            await loadSandboxData(pool, parisDate(now));
            dataLoadedAt = now.getTime();
          }
          const moves: SandboxMove[] = [];
          for (const reference of await openSandboxTickets(pool)) {
            const t = await store.find(null, reference);
            const scenario = t ? sandboxScenarioOf(t.serviceId) : null;
            if (!t || !scenario) continue;
            const { transitions, comments } = await store.history(t.id);
            const last = Math.max(t.stateChangedAt.getTime(), ...comments.map((c) => c.at.getTime()));
            if (now.getTime() - last < stepMs) continue;
            const step = nextSandboxStep(scenario, { state: t.state, visited: transitions.map((x) => x.to), oiComments: comments.filter((c) => c.authorKind === 'oi').length });
            if (!step) continue;
            try {
              if (step.kind === 'comment') await oiComment(store, reference, SANDBOX_TEXT.agent, step.text, now);
              else await oiEvent(store, reference, step.event, SANDBOX_TEXT.agent, now, { reason: step.reason ?? null, freezeReason: step.freezeReason ?? null, freezeDetail: step.event === 'freeze' ? step.reason ?? null : null });
              moves.push({ reference, step });
            } catch (e) {
              if (!isEsavError(e)) throw e; // moved meanwhile (the operator, an agent): the next pass sees its new state
            }
          }
          return moves;
        } finally {
          await run(client, advisoryUnlock(LOCK_KEY));
        }
      });
    }
  };
}

/** Runs a pass every quarter step (at most every 500 ms); stop() ends the timer. */
export function startSandboxBackOffice(pool: Pool, clock: Clock, stepMs: number, onMoves: (m: SandboxMove[]) => void, onError: (e: Error) => void): { stop(): void } {
  const office = createSandboxBackOffice(pool, stepMs);
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    office.runOnce(clock.now()).then((m) => { if (m.length > 0) onMoves(m); }, onError).finally(() => { running = false; });
  }, Math.max(10, Math.min(500, Math.floor(stepMs / 4))));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
