/**
 * The line tests on PostgreSQL as the operators' operations see them (implements the domain's LineTestStore port,
 * src/domain/line-tests.ts): every read filtered by the calling operator (A6); a launch written in one transaction,
 * an action's hourly limit counted under a lock on its service, so that two calls at once cannot both pass.
 */
import { parisDate } from '../domain/calendar.js';
import type { Diagnosis, Measure } from '../domain/line-test-diagnosis.js';
import type { TestKind } from '../domain/line-test-catalogue.js';
import type { LineTestRecord, LineTestState, LineTestStore, ServiceLine } from '../domain/line-tests.js';
import { recordChange } from './registry/audit.js';
import { run, transaction, type Pool } from './database.js';
import { insertLineTest, latestTerminatedTest, launchesSince, lineTestByReference, lineTestsOfService, lockService, serviceLineOf } from './queries/line-tests.js';

interface TestRow {
  reference: string; service_id: string; test_code: string; kind: TestKind; state: 'EN_ATTENTE' | LineTestState; parameters: Record<string, string>;
  launched_at: Date; finished_at: Date | null; measures: Measure[] | null; diagnosis: Diagnosis | null; failure_reason: string | null;
}

function toRecord(r: TestRow): LineTestRecord {
  const done = r.state === 'TERMINE' || r.state === 'ECHEC';
  return {
    reference: r.reference, serviceId: r.service_id, testCode: r.test_code, kind: r.kind, state: r.state === 'EN_ATTENTE' ? 'EN_COURS' : r.state,
    parameters: r.parameters, launchedAt: r.launched_at, finishedAt: r.finished_at, measures: r.measures ?? [], diagnosis: r.diagnosis,
    // A reason kept from a retried attempt is not the test's outcome while it runs.
    failureReason: done ? r.failure_reason : null
  };
}

const HOUR = 3_600_000;

export function createLineTestStore(pool: Pool): LineTestStore {
  return {
    async lineOf(operatorId, serviceId): Promise<ServiceLine | null> {
      const [r] = await run<{ service_pk: string; service_id: string; offer_code: string; state: ServiceLine['state']; element_key: string }>(pool, serviceLineOf(operatorId, serviceId));
      return r ? { servicePk: String(r.service_pk), serviceId: r.service_id, offerCode: r.offer_code, state: r.state, elementKey: r.element_key } : null;
    },

    async launch(req, perHour) {
      return transaction(pool, async (tx) => {
        if (perHour !== null) {
          await run(tx, lockService(req.line.servicePk));
          const before = await run<{ launched_at: Date }>(tx, launchesSince(req.line.servicePk, req.test.code, new Date(req.at.getTime() - HOUR)));
          if (before.length >= perHour) return { limitedSince: before[before.length - perHour]!.launched_at };
        }
        const [row] = await run<{ reference: string }>(tx, insertLineTest({
          operatorId: req.operatorId, servicePk: req.line.servicePk, serviceId: req.line.serviceId, testCode: req.test.code, kind: req.test.kind,
          parameters: req.parameters, thresholds: req.test.thresholds ?? {}, elementKey: req.line.elementKey, maxAttempts: req.test.maxAttempts,
          timeoutMs: Math.round(req.test.timeoutSeconds * 1000), at: req.at, actor: req.actor, parisDay: parisDate(req.at).replaceAll('-', '')
        }));
        // An action on the operator's equipment is audited (issue 17: who reset which ONT, when).
        if (req.test.kind === 'ACTION') {
          await recordChange(tx, { actor: req.actor, action: `test.${req.test.code}`, entity: 'service', entityKey: req.line.serviceId,
            operatorId: req.operatorId,
            after: { reference: row!.reference, parameters: req.parameters } }, null);
        }
        return { reference: row!.reference };
      });
    },

    async find(operatorId, reference) {
      const [r] = await run<TestRow>(pool, lineTestByReference(operatorId, reference));
      return r ? toRecord(r) : null;
    },

    async search(operatorId, serviceId, since, limit) {
      const rows = await run<TestRow & { total: string }>(pool, lineTestsOfService(operatorId, serviceId, since, limit));
      return { rows: rows.map(toRecord), total: rows.length > 0 ? Number(rows[0]!.total) : 0 };
    },

    async latestResult(operatorId, serviceId, codes, since) {
      const [r] = await run<TestRow>(pool, latestTerminatedTest(operatorId, serviceId, codes, since));
      return r ? toRecord(r) : null;
    }
  };
}
