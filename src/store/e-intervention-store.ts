/**
 * The e-intervention hub in PostgreSQL (issue 18, migration 0017). A move is one transaction: the intervention row
 * locked, its snapshot loaded, the pure move of src/domain/e-intervention.ts applied, the snapshot and the move's
 * outbound messages written together (the outbox: a message exists if and only if its change does). A refused
 * move writes nothing.
 */
import type { CutLine, Declaration, DeclarationFacts, Intervention, Move } from '../domain/e-intervention.js';
import { isRefusal } from '../domain/e-intervention.js';
import { E_INTERVENTION_AUTHOR, linkedTicketComments } from '../domain/e-intervention-after-sales.js';
import type { EInterventionPolicy, Refusal } from '../domain/e-intervention-rules.js';
import { relayLineTests, testNotRealised, type LineTestResult } from '../domain/e-intervention-tests.js';
import type { TestDefinition } from '../domain/line-test-catalogue.js';
import { parisDate } from '../domain/calendar.js';
import { run, transaction, type Executor, type Pool } from './database.js';
import {
  declarationFacts, insertIntervention, insertMessages, interventionByDoReference, listInterventions, loadIntervention, nextInterventionNumber,
  otherOpenAtPm, prisesAtPm, setConsent, setEndpoint, updateIntervention, upsertLines, upsertRecipients, type InterventionRow
} from './queries/e-intervention.js';
import { endpointsHealth, messagesOf } from './queries/e-intervention-outbox.js';
import { commentTicketsOfIntervention } from './queries/e-intervention-tickets.js';
import { finishedUnrelayedGroups, groupOutcomes, linkLineTest, markGroupRelayed, servicesToTest } from './queries/e-intervention-tests.js';
import { insertLineTest } from './queries/line-tests.js';
import { recordChange } from './registry/audit.js';

export type InterventionKey = { readonly refIntervOI: string } | { readonly doOperator: string; readonly refIntervDO: string };

/** What a move may read inside its transaction. */
export interface MoveReads {
  prises(operator: string, refs: readonly string[]): Promise<Map<string, string | null>>;
  otherOpenAtPm(): Promise<boolean>;
}

export type Declared = { readonly refIntervOI: string; readonly replayed: boolean; readonly messages: number };
export type Changed = { readonly next: Intervention; readonly messages: number; readonly tests: number };

/** The line test the OI runs on an impacted line of this offer (null: none, the line is not tested). */
export type InterventionTestOf = (offer: string, now: Date) => TestDefinition | null;

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

function fromRow(r: InterventionRow): Intervention {
  return {
    refIntervOI: r.ref_interv_oi, doOperator: r.do_operator, refIntervDO: r.ref_interv_do, refPM: r.ref_pm, refPMTechnique: r.ref_pm_technique,
    refPBO: r.ref_pbo, refPTO: r.ref_pto, nature: r.nature, elementReseau: r.element_reseau, description: r.description, startedAt: r.started_at,
    endedAt: r.ended_at, state: r.state, test: r.test_number, testOpenedAt: r.test_opened_at, declaredAt: r.declared_at, closedAt: r.closed_at,
    recipients: r.recipients.map((x) => ({
      operator: x.operator, standing: x.standing, answer: x.answer, reportedTest: x.reported_test, closedTest: x.closed_test
    })),
    lines: r.lines.map((l): CutLine => ({
      operator: l.operator, refPTO: String(l.ref_pto), refPBO: String(l.ref_pbo), nomModulePM: String(l.nom_module_pm),
      positionModulePM: String(l.position_module_pm), positionCoupleurOC: String(l.position_coupleur_oc), fibre: String(l.fibre), tube: String(l.tube),
      couleurJarretiere: (l.couleur_jarretiere as string | null) ?? null, numeroSerieONT: (l.numero_serie_ont as string | null) ?? null,
      serviceId: (l.service_id as string | null) ?? null, cutAt: date(l.cut_at), restoredAt: dateOrNull(l.restored_at), restoredByDo: Boolean(l.restored_by_do),
      reportedInTest: Number(l.reported_in_test)
    }))
  };
}

async function write(tx: Executor, id: string, move: Extract<Move, { next: Intervention }>, now: Date): Promise<void> {
  await run(tx, upsertRecipients(id, move.next.recipients));
  if (move.next.lines.length > 0) await run(tx, upsertLines(id, move.next.lines));
  if (move.messages.length > 0) await run(tx, insertMessages(id, move.messages, now));
}

/** The move's intermediate line tests, queued on the line-test queue in the move's transaction; how many. */
async function queueTests(tx: Executor, id: string, move: Extract<Move, { next: Intervention }>, now: Date, testOf: InterventionTestOf | null,
  oiCode: string): Promise<number> {
  if (!move.tests || move.tests.length === 0 || testOf === null) return 0;
  const services = await run<{ operator: string; ref_pto: string; operator_id: string; service_pk: string; service_id: string; offer_code: string;
    element_key: string }>(tx, servicesToTest(move.tests));
  let queued = 0;
  for (const s of services) {
    const test = testOf(s.offer_code, now);
    if (test === null) continue;
    const [row] = await run<{ reference: string }>(tx, insertLineTest({
      operatorId: String(s.operator_id), servicePk: String(s.service_pk), serviceId: s.service_id, testCode: test.code, kind: test.kind,
      parameters: Object.fromEntries(test.parameters.map((p) => [p.name, p.default])), thresholds: test.thresholds ?? {}, elementKey: s.element_key,
      maxAttempts: test.maxAttempts, timeoutMs: Math.round(test.timeoutSeconds * 1000), at: now, actor: `${oiCode}/e-intervention ${move.next.refIntervOI}`,
      parisDay: parisDate(now).replaceAll('-', '')
    }));
    await run(tx, linkLineTest(id, move.next.test, String(s.operator_id), s.ref_pto, row!.reference));
    queued++;
  }
  return queued;
}

export function createInterventionStore(pool: Pool, oiCode: string, testOf: InterventionTestOf | null = null) {
  return {
    /** The inventory's facts of a declaration: the PM, the PBO under it, who is present there (with the OI's consent setting). */
    async facts(refPM: string, refPBO: string | null): Promise<DeclarationFacts & { pmId: string | null }> {
      const [row] = await run<{ pm_id: string; pbo_at_pm: boolean; present: DeclarationFacts['present'] }>(pool, declarationFacts(refPM, refPBO));
      if (!row) return { pmKnown: false, pmId: null, pboAtPm: false, present: [] };
      return { pmKnown: true, pmId: row.pm_id, pboAtPm: row.pbo_at_pm, present: row.present };
    },

    /**
     * M1: a new intervention, or the one this DO's reference already created (a replayed M1 changes nothing and
     * sends nothing again). `build` runs with the refIntervOI the OI gives it.
     */
    async declare(d: Declaration, now: Date, build: (facts: DeclarationFacts, refIntervOI: string) => Move): Promise<Declared | Refusal> {
      return transaction(pool, async (tx) => {
        const [existing] = await run<{ ref_interv_oi: string }>(tx, interventionByDoReference(d.doOperator, d.refIntervDO));
        if (existing) return { refIntervOI: existing.ref_interv_oi, replayed: true, messages: 0 };
        const facts = await this.facts(d.refPM, d.refPBO);
        const [{ n }] = await run<{ n: string }>(tx, nextInterventionNumber()) as [{ n: string }];
        const ref = `${oiCode}-EI-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${n.padStart(6, '0')}`;
        const move = build(facts, ref);
        if (isRefusal(move)) return move;
        const [{ id }] = await run<{ id: string }>(tx, insertIntervention(move.next, facts.pmId!)) as [{ id: string }];
        await write(tx, id, move, now);
        return { refIntervOI: ref, replayed: false, messages: move.messages.length };
      }).catch((e: unknown) => {
        // Two M1 with one DO reference at once: the unique constraint let one in; the other finds it.
        if ((e as { code?: string }).code === '23505') return this.declare(d, now, build);
        throw e;
      });
    },

    /** A move on an existing intervention; null when there is none under that key (the caller answers "unknown"). */
    async change(key: InterventionKey, now: Date, fn: (iv: Intervention, reads: MoveReads) => Promise<Move> | Move): Promise<Changed | Refusal | null> {
      return transaction(pool, async (tx) => {
        const [row] = await run<InterventionRow>(tx, loadIntervention(key, true));
        if (!row) return null;
        const iv = fromRow(row);
        const reads: MoveReads = {
          async prises(operator, refs) {
            const rows = await run<{ ref: string; service_id: string | null }>(tx, prisesAtPm(row.pm_id, operator, refs));
            return new Map(rows.map((r) => [r.ref, r.service_id]));
          },
          async otherOpenAtPm() { return (await run(tx, otherOpenAtPm(row.pm_id, iv.refIntervOI))).length > 0; }
        };
        const move = await fn(iv, reads);
        if (isRefusal(move)) return move;
        await run(tx, updateIntervention(row.id, move.next));
        await write(tx, row.id, move, now);
        // After-sales: the OI's comment on the tickets linked to it, in this transaction (issue 18 part 4).
        const notes = linkedTicketComments(iv, move.next);
        if (notes.length > 0) await run(tx, commentTicketsOfIntervention(row.id, notes, now, E_INTERVENTION_AUTHOR));
        const tests = await queueTests(tx, row.id, move, now, testOf, oiCode);
        return { next: move.next, messages: move.messages.length, tests };
      });
    },

    /**
     * Relays the OI's own intermediate-test results (e-intervention-tests.ts): every group (intervention, test,
     * operator) whose line tests all have their outcome gets its M6TX in the outbox and its lines found sound
     * recorded restored, in one transaction per group under the intervention's lock; answers the messages written.
     */
    async relayLineTests(now: Date, policy: EInterventionPolicy, limit = 50): Promise<number> {
      const groups = await run<{ ref_interv_oi: string; test_number: number; operator: string }>(pool, finishedUnrelayedGroups(limit));
      let written = 0;
      for (const g of groups) {
        written += await transaction(pool, async (tx) => {
          const [row] = await run<InterventionRow>(tx, loadIntervention({ refIntervOI: g.ref_interv_oi }, true));
          if (!row) return 0;
          const outcomes = await run<{ ref_pto: string; state: 'TERMINE' | 'ECHEC'; diagnosis: LineTestResult['diagnosis']; finished_at: Date }>(tx,
            groupOutcomes(row.id, g.test_number, g.operator));
          if (outcomes.length === 0) return 0;
          const results = outcomes.map((o): LineTestResult => ({ refPTO: o.ref_pto, state: o.state, diagnosis: o.diagnosis, finishedAt: date(o.finished_at) }));
          const others = (await run(tx, otherOpenAtPm(row.pm_id, row.ref_interv_oi))).length > 0;
          const before = fromRow(row);
          const move = relayLineTests(before, g.operator, g.test_number, results, { now, policy, otherOpenAtPm: others });
          await run(tx, markGroupRelayed(row.id, g.test_number, g.operator, now));
          if (move === null || isRefusal(move)) return 0;
          await write(tx, row.id, move, now);
          // Lines the OI's test found sound are restored: their tickets get the OI's comment, as in change().
          const notes = linkedTicketComments(before, move.next);
          if (notes.length > 0) await run(tx, commentTicketsOfIntervention(row.id, notes, now, E_INTERVENTION_AUTHOR));
          return move.messages.length;
        });
      }
      return written;
    },

    /** An operator answered M4TX with TEST_NON_REALISE: its report on that test is closed (e-intervention-tests.ts). */
    async testNotRealised(refIntervOI: string, operator: string, n: number, now: Date): Promise<boolean> {
      return transaction(pool, async (tx) => {
        const [row] = await run<InterventionRow>(tx, loadIntervention({ refIntervOI }, true));
        const move = row ? testNotRealised(fromRow(row), operator, n) : null;
        if (!row || move === null || isRefusal(move)) return false;
        await write(tx, row.id, move, now);
        return true;
      });
    },

    async find(key: InterventionKey): Promise<Intervention | null> {
      const [row] = await run<InterventionRow>(pool, loadIntervention(key, false));
      return row ? fromRow(row) : null;
    },

    async list(operator: string | null, limit: number) {
      return run<{ ref_interv_oi: string; do_operator: string; ref_interv_do: string; ref_pm: string; state: string; test_number: number; started_at: Date;
        ended_at: Date | null; closed_at: Date | null; lines_cut: number; lines_restored: number; messages_pending: number
      }>(pool, listInterventions(operator, limit));
    },

    async messages(refIntervOI: string) {
      return run<{ id: string; operator: string; role: string; operation: string; state: string; attempts: number; created_at: Date; done_at: Date | null;
        last_error: string | null }>(pool, messagesOf(refIntervOI));
    },

    /** E2: the OI's standing consent for an operator (audited); false when there is no such operator. */
    async setConsent(operator: string, standing: string, now: Date, actor = 'system'): Promise<boolean> {
      return transaction(pool, async (tx) => {
        const [row] = await run<{ operator_id: string }>(tx, setConsent(operator, standing, now));
        const entry = { actor, action: 'update', entity: 'e_intervention_consent', entityKey: operator, after: { standing } } as const;
        if (row) await recordChange(tx, { ...entry, operatorId: row.operator_id }, null);
        return row !== undefined;
      });
    },

    /** An operator's endpoint for one role (audited); its health starts afresh. */
    async setEndpoint(operator: string, role: 'OC' | 'DO', baseUrl: string, now: Date, actor = 'system'): Promise<boolean> {
      return transaction(pool, async (tx) => {
        const [row] = await run<{ operator_id: string }>(tx, setEndpoint(operator, role, baseUrl, now));
        const entry = { actor, action: 'update', entity: 'e_intervention_endpoint', entityKey: `${operator}/${role}`, after: { baseUrl } } as const;
        if (row) await recordChange(tx, { ...entry, operatorId: row.operator_id }, null);
        return row !== undefined;
      });
    },

    async endpoints() {
      return run<{ operator: string; role: string; base_url: string; enabled: boolean; consecutive_failures: number; retry_at: Date | null; pending: number;
        last_success_at: Date | null; last_failure_at: Date | null; last_error: string | null }>(pool, endpointsHealth());
    }
  };
}

export type InterventionStore = ReturnType<typeof createInterventionStore>;
