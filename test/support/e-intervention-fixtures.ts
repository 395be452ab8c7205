/**
 * e-intervention moves for tests that need interventions in the hub but not the flows' HTTP: the domain's moves
 * through the store, as the E-Intervention routes' adapter makes them, at the injected clock's time.
 */
import { closeWithReport, declare, endIntervention, reportImpacts, type CutLineInput } from '../../src/domain/e-intervention.js';
import { DEFAULT_E_INTERVENTION_POLICY } from '../../src/domain/e-intervention-rules.js';
import { isRefusal } from '../../src/domain/e-intervention.js';
import { createInterventionStore } from '../../src/store/e-intervention-store.js';
import type { Pool } from '../../src/store/database.js';

export const EI_PM = { refPM: '21231-PM-0042', refPMTechnique: '21231-PMT-0042-A', refPBO: '21231-PBO-0042-001' } as const;
const policy = DEFAULT_E_INTERVENTION_POLICY;

export function eiFixture(pool: Pool) {
  const store = createInterventionStore(pool, 'BFCF');
  const must = <T extends object>(r: T | null): Exclude<T, { refused: string }> => {
    if (r === null || isRefusal(r)) throw new Error(`refused: ${JSON.stringify(r)}`);
    return r as Exclude<T, { refused: string }>;
  };
  const cutLine = (refPTO: string, at: Date): CutLineInput => ({
    refPTO, refPBO: EI_PM.refPBO, nomModulePM: 'MOD-03', positionModulePM: '03', positionCoupleurOC: 'C2-07', fibre: '4', tube: '2',
    couleurJarretiere: null, numeroSerieONT: null, serviceId: null, cutAt: at
  });
  return {
    store,
    /** M1 by OPA at the Dijon PM; answers the refIntervOI. */
    async start(refIntervDO: string, now: Date, doOperator = 'OPA'): Promise<string> {
      const d = {
        doOperator, refIntervDO, refPM: EI_PM.refPM, refPMTechnique: EI_PM.refPMTechnique, refPBO: EI_PM.refPBO, refPTO: null, nature: '4',
        elementReseau: 'PM', description: null, startedAt: now
      };
      return must(await store.declare(d, now, (facts, ref) => declare(d, facts, ref, 'BFCF', now))).refIntervOI;
    },
    /** M5TX: `operator` reports these prises cut (and those restored) on the current test. */
    async report(ref: string, operator: string, now: Date, cut: readonly string[], restored: readonly string[] = [], close = false) {
      return must(await store.change({ refIntervOI: ref }, now, async (iv, reads) => reportImpacts(iv, {
        operator, codeOcImpacte: operator, numeroTest: null, testCloture: close, cut: cut.map((p) => cutLine(p, now)),
        restored: restored.map((p) => ({ refPTO: p, at: now })), repairAnswers: []
      }, { now, policy, prises: await reads.prises(operator, [...cut, ...restored]), otherOpenAtPm: false })));
    },
    /** M3. */
    async end(ref: string, now: Date) {
      return must(await store.change({ refIntervOI: ref }, now, (iv) => endIntervention(iv, { endedAt: now, refPM: EI_PM.refPM }, 'BFCF', now, policy)));
    },
    /** The DO's report, restoring these prises. */
    async close(ref: string, now: Date, restored: readonly string[]) {
      const lines = restored.map((p) => ({ refPTO: p, repaCodeOC: null, fields: { refPTO: p } }));
      return must(await store.change({ refIntervOI: ref }, now, (iv) => closeWithReport(iv, { impacted: lines, restored: lines }, 'BFCF', now)));
    }
  };
}
