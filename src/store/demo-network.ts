/**
 * The demo data's small network (development only, issue 15 part 1): two PMs (Dijon, Besançon) with two technical
 * PMs at Dijon, ten PBOs each, 25 prises per PBO in buildings of five, the prises the original demo services name,
 * and services of OPA and OPB on some of them (prestations prise) and at the PMs (prestations PM).
 */
import type { InventoryElement } from '../domain/network-inventory.js';

interface Town {
  readonly pm: string; readonly insee: string; readonly label: string;
  /** The prefixes of its PBOs' and prises' references. */
  readonly pbo: string; readonly prise: string;
  readonly pmts: readonly string[];
}

const TOWNS: readonly Town[] = [
  { pm: '21231-PM-0042', insee: '21231', label: 'PM rue de la Préfecture, Dijon', pbo: '21231-PBO-0042', prise: 'FI-2123-1001',
    pmts: ['21231-PMT-0042-A', '21231-PMT-0042-B'] },
  { pm: '25056-PM-0007', insee: '25056', label: 'PM rue de Vesoul, Besançon', pbo: '25056-PBO-0007', prise: 'FI-2505-6001', pmts: [] }
];
/** The PBO numbers of each town; the first ones are those the original demo services name. */
const PBO_NUMBERS: Readonly<Record<string, readonly string[]>> = {
  '21231-PM-0042': ['001', '117', '120', '010', '020', '030', '040', '050', '060', '070'],
  '25056-PM-0007': ['031', '011', '021', '041', '051', '061', '071', '081', '091', '101']
};
/** The original demo services' prises, on their PBOs (FTTH-21-0000001, -0003, -0004, FTTH-25-0000002). */
const NAMED_PRISES: readonly (readonly [string, string])[] = [
  ['FI-2123-1000-0004', '21231-PBO-0042-001'], ['FI-2123-1000-0001', '21231-PBO-0042-117'],
  ['FI-2123-1000-0003', '21231-PBO-0042-120'], ['FI-2505-6000-0002', '25056-PBO-0007-031']
];
export const PRISES_PER_PBO = 25;

type Fields = Pick<InventoryElement, 'kind' | 'ref' | 'pmRef'> & Partial<Omit<InventoryElement, 'line' | 'kind' | 'ref' | 'pmRef'>>;
const el = (e: Fields): InventoryElement => ({ line: 0, pmtRef: null, pboRef: null, buildingId: null, label: null, inseeCode: null, ...e });

export function demoNetwork(): InventoryElement[] {
  const out: InventoryElement[] = [];
  for (const t of TOWNS) {
    out.push(el({ kind: 'PM', ref: t.pm, pmRef: null, label: t.label, inseeCode: t.insee }));
    for (const pmt of t.pmts) out.push(el({ kind: 'PMT', ref: pmt, pmRef: t.pm, inseeCode: t.insee }));
    PBO_NUMBERS[t.pm]!.forEach((n, i) => {
      const pbo = `${t.pbo}-${n}`;
      const pmt = t.pmts.length ? t.pmts[i < 5 ? 0 : 1]! : null;
      out.push(el({ kind: 'PBO', ref: pbo, pmRef: t.pm, pmtRef: pmt, inseeCode: t.insee }));
      for (let k = 0; k < PRISES_PER_PBO; k++) {
        const ref = `${t.prise}-${String(i * PRISES_PER_PBO + k + 1).padStart(4, '0')}`;
        out.push(el({ kind: 'PTO', ref, pmRef: t.pm, pmtRef: pmt, pboRef: pbo, buildingId: `IMB-${pbo}-${Math.floor(k / 5) + 1}`, inseeCode: t.insee }));
      }
    });
  }
  for (const [ref, pbo] of NAMED_PRISES) {
    const parent = out.find((e) => e.ref === pbo)!;
    out.push(el({ kind: 'PTO', ref, pmRef: parent.pmRef, pmtRef: parent.pmtRef, pboRef: pbo, buildingId: `IMB-${pbo}-0`, inseeCode: parent.inseeCode }));
  }
  return out;
}

export interface DemoTownService {
  readonly id: string; readonly operator: 'OPA' | 'OPB'; readonly pm: string; readonly pbo: string | null; readonly pto: string | null;
}

/**
 * OPA on every 5th prise of Dijon, OPB on every 7th one that OPA does not hold and on every 5th of Besançon;
 * both present at the Dijon PM, OPB at Besançon's (prestations PM: no PTO).
 */
export function demoTownServices(): DemoTownService[] {
  const out: DemoTownService[] = [];
  const prises = demoNetwork().filter((e) => e.kind === 'PTO' && !NAMED_PRISES.some(([r]) => r === e.ref));
  let a = 0;
  let b = 0;
  prises.forEach((p, i) => {
    const dijon = p.pmRef === TOWNS[0]!.pm;
    const n = dijon ? i + 1 : i + 1 - 250;
    const on = { pm: p.pmRef!, pbo: p.pboRef, pto: p.ref };
    if (dijon && n % 5 === 0) out.push({ id: `FTTH-21-001${String(++a).padStart(4, '0')}`, operator: 'OPA', ...on });
    else if ((dijon && n % 7 === 0) || (!dijon && n % 5 === 0)) out.push({ id: `FTTH-25-002${String(++b).padStart(4, '0')}`, operator: 'OPB', ...on });
  });
  out.push({ id: 'PM-21-0042-OPA', operator: 'OPA', pm: '21231-PM-0042', pbo: null, pto: null },
    { id: 'PM-21-0042-OPB', operator: 'OPB', pm: '21231-PM-0042', pbo: null, pto: null },
    { id: 'PM-25-0007-OPB', operator: 'OPB', pm: '25056-PM-0007', pbo: null, pto: null });
  return out;
}
