/**
 * From what the network elements answered to the measures an operator reads and the probable location of the fault
 * (issue 17 part 1; TMF653 testMeasure: metric, value, unit, threshold, verdict). Pure: the drivers (src/jobs/)
 * read the elements; this decides. The rules, in the order they are applied:
 *   1. the OLT's PON port is down → RESEAU (every line of the port is cut: the network, not the line);
 *   2. the line's port at the PM is down → PM;
 *   3. the reflectometry found a break → where the distance falls on the line's topology: at the PM's patch
 *      (≤ PM_PATCH_M), before the PBO (the PM–PBO link or the PBO), on the drop up to the PTO, or beyond (CLIENT);
 *   4. the ONT is offline after a dying gasp (it lost its power) → CLIENT; offline with a loss of signal and no
 *      reflectometry to place it → INDETERMINE (run the passive test);
 *   5. an optical level under its threshold → PBO when the lines behind the same PBO show it too, else PTO;
 *   6. the service is not provisioned → RESEAU (the OI's configuration);
 *   7. the session is down while the line is sound → CLIENT (the customer's router);
 *   8. every reading within its threshold → AUCUN_DEFAUT; nothing read → INDETERMINE.
 */
import type { TestKind, TestThresholds } from './line-test-catalogue.js';

export const DIAGNOSES = ['AUCUN_DEFAUT', 'CLIENT', 'PTO', 'PBO', 'PM', 'RESEAU', 'INDETERMINE'] as const;
export type Diagnosis = (typeof DIAGNOSES)[number];
export type Verdict = 'CONFORME' | 'NON_CONFORME' | 'INFORMATION';

export interface Measure {
  readonly name: string;
  readonly value: string;
  readonly unit: string | null;
  /** The rule the value is held to, e.g. "≥ -27" (null for information). */
  readonly threshold: string | null;
  readonly verdict: Verdict;
}

/** What a driver read; each test kind reads a part of it. */
export interface LineReadings {
  readonly ont?: { readonly state: 'EN_LIGNE' | 'HORS_LIGNE'; readonly lastEvent: 'DYING_GASP' | 'LOS' | null; readonly rxDbm: number | null };
  readonly pon?: { readonly state: 'UP' | 'DOWN'; readonly txDbm: number | null; readonly rxOltDbm: number | null };
  readonly pmPort?: 'UP' | 'DOWN';
  readonly service?: { readonly provisioned: boolean; readonly profile: string | null };
  readonly reflectometry?: { readonly breakAtM: number | null; readonly lengthM: number; readonly lossDb: number };
  readonly session?: { readonly state: 'CONNECTEE' | 'DECONNECTEE'; readonly uptimeS: number | null };
  readonly reboot?: { readonly done: boolean };
}

/** The line's place in the network: distances from the PM, and whether its PBO's other lines show the same symptom. */
export interface LineTopology {
  readonly pboDistanceM: number;
  readonly ptoDistanceM: number;
  readonly pboWideSymptom: boolean;
}

export const DEFAULT_THRESHOLDS: Required<TestThresholds> = Object.freeze({ oltTxMinDbm: 1.5, ontRxMinDbm: -27, oltRxMinDbm: -30, maxLossDb: 28 });
/** A break this close to the PM is in the PM's own patch (its connectors, its coupler). */
export const PM_PATCH_M = 15;
/** Reflectometry's resolution at the socket: a break within this of the PTO's distance is the PTO. */
const PTO_TOLERANCE_M = 5;

const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));
const info = (name: string, value: string, unit: string | null = null): Measure => ({ name, value, unit, threshold: null, verdict: 'INFORMATION' });
const atLeast = (name: string, value: number | null, min: number, unit: string): Measure => ({
  name, value: value === null ? 'ABSENT' : num(value), unit: value === null ? null : unit, threshold: `≥ ${num(min)}`,
  verdict: value !== null && value >= min ? 'CONFORME' : 'NON_CONFORME'
});
const expect = (name: string, value: string, wanted: string): Measure => ({ name, value, unit: null, threshold: `= ${wanted}`, verdict: value === wanted ? 'CONFORME' : 'NON_CONFORME' });

/** The measures of a reading, in a stable order, with their thresholds and verdicts. */
export function measuresOf(r: LineReadings, thresholds: TestThresholds = {}): Measure[] {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const out: Measure[] = [];
  if (r.ont) {
    out.push(expect('etatONT', r.ont.state, 'EN_LIGNE'));
    if (r.ont.lastEvent) out.push(info('dernierEvenementONT', r.ont.lastEvent));
    out.push(atLeast('puissanceRecueONT', r.ont.rxDbm, t.ontRxMinDbm, 'dBm'));
  }
  if (r.pon) {
    out.push(expect('etatPortPON', r.pon.state, 'UP'));
    out.push(atLeast('puissanceEmiseOLT', r.pon.txDbm, t.oltTxMinDbm, 'dBm'));
    out.push(atLeast('puissanceRecueOLT', r.pon.rxOltDbm, t.oltRxMinDbm, 'dBm'));
  }
  if (r.pmPort) out.push(expect('etatPortPM', r.pmPort, 'UP'));
  if (r.service) {
    out.push(expect('profilServiceProvisionne', r.service.provisioned ? 'OUI' : 'NON', 'OUI'));
    if (r.service.profile) out.push(info('profilService', r.service.profile));
  }
  if (r.reflectometry) {
    const f = r.reflectometry;
    out.push({ name: 'distanceCoupure', value: f.breakAtM === null ? 'AUCUNE' : num(f.breakAtM), unit: f.breakAtM === null ? null : 'm', threshold: '= AUCUNE',
      verdict: f.breakAtM === null ? 'CONFORME' : 'NON_CONFORME' });
    out.push(info('longueurLigne', num(f.lengthM), 'm'));
    out.push({ name: 'affaiblissementTotal', value: num(f.lossDb), unit: 'dB', threshold: `≤ ${num(t.maxLossDb)}`, verdict: f.lossDb <= t.maxLossDb ? 'CONFORME' : 'NON_CONFORME' });
  }
  if (r.session) {
    out.push(expect('etatSession', r.session.state, 'CONNECTEE'));
    if (r.session.uptimeS !== null) out.push(info('dureeSession', String(r.session.uptimeS), 's'));
  }
  if (r.reboot) out.push(expect('redemarrageEffectue', r.reboot.done ? 'OUI' : 'NON', 'OUI'));
  return out;
}

/** Where a break at `d` metres from the PM falls on the line. */
export function locateBreak(d: number, topo: LineTopology): Diagnosis {
  if (d <= PM_PATCH_M) return 'PM';
  if (d <= topo.pboDistanceM) return 'PBO';
  if (d <= topo.ptoDistanceM + PTO_TOLERANCE_M) return 'PTO';
  return 'CLIENT';
}

/** The probable location of the fault (rules 1–8 of the header). */
export function diagnose(r: LineReadings, topo: LineTopology, thresholds: TestThresholds = {}): Diagnosis {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  if (r.pon?.state === 'DOWN') return 'RESEAU';
  if (r.pmPort === 'DOWN') return 'PM';
  if (r.reflectometry && r.reflectometry.breakAtM !== null) return locateBreak(r.reflectometry.breakAtM, topo);
  if (r.ont?.state === 'HORS_LIGNE') {
    if (r.ont.lastEvent === 'DYING_GASP') return 'CLIENT';
    // A loss of signal with a sound fibre (reflectometry found no break): the ONT itself.
    return r.reflectometry ? 'CLIENT' : 'INDETERMINE';
  }
  const low = (r.ont?.rxDbm != null && r.ont.rxDbm < t.ontRxMinDbm) || (r.pon?.rxOltDbm != null && r.pon.rxOltDbm < t.oltRxMinDbm)
    || (r.reflectometry !== undefined && r.reflectometry.lossDb > t.maxLossDb);
  if (low) return topo.pboWideSymptom ? 'PBO' : 'PTO';
  if (r.pon && r.pon.txDbm !== null && r.pon.txDbm < t.oltTxMinDbm) return 'RESEAU';
  if (r.service && !r.service.provisioned) return 'RESEAU';
  if (r.session?.state === 'DECONNECTEE') return 'CLIENT';
  if (r.reboot && !r.reboot.done) return 'INDETERMINE';
  const read = r.ont ?? r.pon ?? r.pmPort ?? r.service ?? r.reflectometry ?? r.session ?? r.reboot;
  return read === undefined ? 'INDETERMINE' : 'AUCUN_DEFAUT';
}

/** What each kind reads: a driver fills only these parts (a passive test never reads the ONT). */
export const KIND_READS: Readonly<Record<TestKind, readonly (keyof LineReadings)[]>> = Object.freeze({
  ETAT_EQUIPEMENT: ['ont'],
  ACTIVATION_SERVICE: ['service'],
  ELEMENT_ACTIF: ['pon', 'ont'],
  ELEMENT_PASSIF: ['reflectometry', 'pmPort'],
  ETAT_CONNEXION: ['session', 'ont'],
  ACTION: ['reboot', 'ont']
});

/** A reading restricted to what its kind reads (a driver may read more; the operator sees what the test is about). */
export function readingsFor(kind: TestKind, r: LineReadings): LineReadings {
  const out: Record<string, unknown> = {};
  for (const k of KIND_READS[kind]) if (r[k] !== undefined) out[k] = r[k];
  return out as LineReadings;
}
