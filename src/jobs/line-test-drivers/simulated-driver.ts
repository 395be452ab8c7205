/**
 * The simulated network (issue 17 part 4a): each element of the inventory has the state the OI gives it
 * (`esav-admin network element-state`), and a line's readings follow from the states along its chain, PM → PMT →
 * PBO → PTO: a cut on a PBO shows on every line behind it, a PM port down on every line of the PM. The line's
 * distances are the simulated topology's (the inventory holds no lengths): its PBO at 450 m from the PM, its PTO
 * 60 m further.
 *   HORS_LIGNE (PTO)            the customer's ONT lost its power (dying gasp), session down
 *   NIVEAU_BAS [dB] (any)       optical levels lower by the value (8 dB by default), loss higher
 *   COUPURE [m] (PBO, PTO, PM)  the fibre is cut at the value's distance from the PM (by default 340 m on a PBO,
 *                               480 m on a PTO, 5 m on a PM): LOS at the ONT, nothing received at the OLT
 *   PORT_PM_HS (PM, PBO)        the line's port at the PM is down: a break in the PM's patch, LOS
 *   PON_HS (PM)                 the OLT's PON port behind the PM is down
 *   SANS_REPONSE (any)          the element does not answer (the worker retries, then ECHEC)
 *   LENT [ms] (any)             the element answers after the value (60 s by default): the test's timeout runs out
 */
import type { LineReadings, LineTopology } from '../../domain/line-test-diagnosis.js';
import type { Pool } from '../../store/database.js';
import { lineChain, type ChainElement } from '../../store/line-test-queue.js';
import { delay, ElementNoAnswer, type DriverAnswer, type NetworkDriver } from './driver.js';

export const SIMULATED_TOPOLOGY = Object.freeze({ pboDistanceM: 450, ptoDistanceM: 510 });
const NOMINAL = Object.freeze({ ontRx: -19.5, oltRx: -21, oltTx: 3.2, lossDb: 17.4 });
const DEFAULT_CUT: Readonly<Record<ChainElement['kind'], number>> = { PM: 5, PMT: 5, PBO: 340, PTO: 480 };
const ORDER: Readonly<Record<ChainElement['kind'], number>> = { PM: 0, PMT: 1, PBO: 2, PTO: 3 };
const round = (v: number): number => Math.round(v * 100) / 100;

/** The readings of a line from the states of its chain (pure; exported for the tests). */
export function simulatedReadings(chain: readonly ChainElement[]): DriverAnswer {
  const sorted = [...chain].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const hasPto = sorted.some((e) => e.kind === 'PTO');
  const lengthM = hasPto ? SIMULATED_TOPOLOGY.ptoDistanceM : sorted.some((e) => e.kind === 'PBO') ? SIMULATED_TOPOLOGY.pboDistanceM : 0;
  let extraLoss = 0;
  let lossAtPboOrAbove = false;
  let cutAt: number | null = null;
  let pmPortDown = false;
  let ponDown = false;
  let powerLost = false;
  for (const e of sorted) {
    if (e.fault === 'NIVEAU_BAS') { extraLoss += e.value ?? 8; if (e.kind !== 'PTO') lossAtPboOrAbove = true; }
    if (e.fault === 'COUPURE') { const d = e.value ?? DEFAULT_CUT[e.kind]; cutAt = cutAt === null ? d : Math.min(cutAt, d); }
    if (e.fault === 'PORT_PM_HS') pmPortDown = true;
    if (e.fault === 'PON_HS') ponDown = true;
    if (e.fault === 'HORS_LIGNE') powerLost = true;
  }
  const breakAtM = pmPortDown ? 3 : cutAt !== null && cutAt < lengthM + 50 ? cutAt : null;
  const noLight = ponDown || breakAtM !== null;
  const offline = noLight || powerLost;
  const readings: LineReadings = {
    ont: { state: offline ? 'HORS_LIGNE' : 'EN_LIGNE', lastEvent: noLight ? 'LOS' : powerLost ? 'DYING_GASP' : null, rxDbm: offline ? null : round(NOMINAL.ontRx - extraLoss) },
    pon: { state: ponDown ? 'DOWN' : 'UP', txDbm: ponDown ? null : NOMINAL.oltTx, rxOltDbm: offline ? null : round(NOMINAL.oltRx - extraLoss) },
    pmPort: pmPortDown ? 'DOWN' : 'UP',
    service: { provisioned: true, profile: 'FTTH-1000-500' },
    reflectometry: breakAtM !== null ? { breakAtM, lengthM: breakAtM, lossDb: round(NOMINAL.lossDb * breakAtM / Math.max(lengthM, 1)) }
      : { breakAtM: null, lengthM, lossDb: round(NOMINAL.lossDb + extraLoss) },
    session: { state: offline ? 'DECONNECTEE' : 'CONNECTEE', uptimeS: offline ? null : 86_400 },
    reboot: { done: !offline }
  };
  const topology: LineTopology = { ...SIMULATED_TOPOLOGY, pboWideSymptom: lossAtPboOrAbove };
  return { readings, topology };
}

export function simulatedDriver(pool: Pool): NetworkDriver {
  return {
    name: 'simule',
    async run(test, signal) {
      const chain = await lineChain(pool, test.servicePk);
      const silent = chain.find((e) => e.fault === 'SANS_REPONSE');
      if (silent) throw new ElementNoAnswer(`l'élément ${silent.ref} ne répond pas`);
      const slow = chain.find((e) => e.fault === 'LENT');
      if (slow) await delay(slow.value ?? 60_000, signal);
      return simulatedReadings(chain);
    }
  };
}
