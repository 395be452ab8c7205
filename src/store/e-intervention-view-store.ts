/** The ports of the e-intervention hub's views (src/domain/e-intervention-views.ts) on PostgreSQL. */
import type { ImpactRecord, InterventionSummary, InterventionViewPorts } from '../domain/e-intervention-views.js';
import { run, type Pool } from './database.js';
import { createInterventionStore } from './e-intervention-store.js';
import {
  impactsOfOperator, operatorExists, searchInterventions, ticketsOfIntervention, type ImpactRow, type InterventionSummaryRow
} from './queries/e-intervention-views.js';

export function createInterventionViewPorts(pool: Pool): InterventionViewPorts {
  // Reads only: the OI's code names new interventions, which a view never makes.
  const store = createInterventionStore(pool, '');
  return {
    async search(f, limit, offset) {
      const rows = await run<InterventionSummaryRow>(pool, searchInterventions(f, limit, offset));
      return {
        total: rows[0]?.total ?? 0,
        rows: rows.map((r): InterventionSummary => ({
          refIntervOI: r.ref_interv_oi, doOperator: r.do_operator, refIntervDO: r.ref_interv_do, refPM: r.ref_pm, refPBO: r.ref_pbo, nature: r.nature,
          state: r.state, test: r.test_number, startedAt: r.started_at, endedAt: r.ended_at, declaredAt: r.declared_at, closedAt: r.closed_at,
          operators: r.operators, linesCut: r.lines_cut, linesRestored: r.lines_restored, messagesPending: r.messages_pending
        }))
      };
    },
    operatorExists: async (code) => (await run(pool, operatorExists(code))).length > 0,
    find: (ref) => store.find({ refIntervOI: ref }),
    async messages(ref) {
      return (await store.messages(ref)).map((m) => ({
        id: m.id, operator: m.operator, role: m.role, operation: m.operation, state: m.state, attempts: m.attempts, createdAt: m.created_at,
        doneAt: m.done_at, lastError: m.last_error
      }));
    },
    tickets: (ref) => run<{ reference: string; operator: string; state: string }>(pool, ticketsOfIntervention(ref)),
    async impacts(operator, from, to, limit) {
      return (await run<ImpactRow>(pool, impactsOfOperator(operator, from, to, limit))).map((r): ImpactRecord => ({
        refIntervOI: r.ref_interv_oi, refPM: r.ref_pm, refPMTechnique: r.ref_pm_technique, nature: r.nature, state: r.state, startedAt: r.started_at,
        endedAt: r.ended_at, closedAt: r.closed_at, lines: r.lines
      }));
    }
  };
}
