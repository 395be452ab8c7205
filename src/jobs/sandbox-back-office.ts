/**
 * The simulated after-sales back office of the integration platform (integration mode only, started by server.ts):
 * tickets filed on a sandbox service move on their own along the path of the service's scenario
 * (src/domain/sandbox-scenarios.ts), one step once ESAV_SANDBOX_STEP_MS have passed since the ticket's last change
 * or comment. Steps go through the OI's ticket actions (src/domain/oi-ticket-actions.ts), like an agent's: every
 * transition, comment, outbox event and push notification is the real one. Deterministic: the time comes from the injected clock, and runOnce(now) does one
 * pass (tests call it directly). Several instances: one pass at a time (a PostgreSQL advisory lock).
 */
import { parisDate } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import { nextSandboxStep, SANDBOX_TEXT, sandboxScenarioOf, type SandboxStep } from '../domain/sandbox-scenarios.js';
import { oiTicketActions } from '../domain/oi-ticket-actions.js';
import { isTicketActionRefusal } from '../errors/ticket-action-refusal.js';
import { run, session, type Pool } from '../store/database.js';
import { createOiTicketPorts } from '../store/oi-ticket-store.js';
import { advisoryUnlock, tryAdvisoryLock } from '../store/queries/jobs.js';
import { loadSandboxData, openSandboxTickets } from '../store/sandbox-data.js';

const LOCK_KEY = 0x73_62_78_21; // "sbx!"
/** The sandbox services of operators registered after the start appear within this delay. */
const DATA_REFRESH_MS = 60_000;

export interface SandboxMove { readonly reference: string; readonly step: SandboxStep }

export interface SandboxBackOffice {
  /** One pass: applies the steps due at `now`; returns them. */
  runOnce(now: Date): Promise<SandboxMove[]>;
}

/**
 * A ticket moved or gone meanwhile is an answer (null): the next pass sees its new state. Anything else fails the
 * pass, an invalid input too (a scenario step the lifecycle does not accept is a defect, not a race).
 */
function notARefusal(e: unknown): null {
  if (isTicketActionRefusal(e) && e.kind !== 'invalid-input') return null;
  throw e;
}

export function createSandboxBackOffice(pool: Pool, stepMs: number): SandboxBackOffice {
  const actions = oiTicketActions(createOiTicketPorts(pool));
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
            const t = await actions.show(reference).catch(notARefusal);
            const scenario = t ? sandboxScenarioOf(t.serviceId) : null;
            if (!t || !scenario) continue;
            const last = Math.max(t.stateChangedAt.getTime(), ...t.comments.map((c) => c.at.getTime()));
            if (now.getTime() - last < stepMs) continue;
            const oiComments = t.comments.filter((c) => c.authorKind === 'oi').length;
            const step = nextSandboxStep(scenario, { state: t.state, visited: t.transitions.map((x) => x.to), oiComments });
            if (!step) continue;
            const agent = { name: SANDBOX_TEXT.agent };
            const done = await (step.kind === 'comment'
              ? actions.comment(reference, step.text, agent, now)
              : actions.move(reference, { event: step.event, reason: step.reason, awaiting: step.freezeReason }, agent, now)).then(() => true, notARefusal);
            if (done) moves.push({ reference, step });
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
