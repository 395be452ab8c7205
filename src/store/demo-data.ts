/**
 * The demo data set (foundation issue, item 6): the three offers, the operators OPA and OPB, their services and
 * their development certificates. Loaded by the development setup only (config refuses it in production).
 * Idempotent: loading twice changes nothing.
 */
import type { CertificateFacts } from '../domain/identity.js';
import { insertCertificate } from './queries/certificates.js';
import { operatorIdByCode } from './queries/operators.js';
import {
  fullProfileIdOf, insertDemoOperator, setFormOffer, insertDemoService, insertFullProfileIfMissing, insertGtr, insertOffer, insertServiceEnd
} from './queries/seed-data.js';
import { run, transaction, type Pool } from './database.js';
import { demoNetwork, demoTownServices } from './demo-network.js';
import { writeInventory } from './network-inventory-store.js';
import { DEFAULT_GRID } from '../domain/appointment-slots.js';
import { setCommuneZone, upsertGrid, upsertZone } from './queries/appointment-plan.js';

/** When the demo inventory was "imported" (fixed, so a second load finds nothing to update). */
const DEMO_INVENTORY_AT = new Date('2026-01-05T00:00:00Z');

interface DemoEnd { label: string; num: string | null; street: string; postcode: string; city: string; insee: string; pm?: string; pbo?: string; pto?: string }
interface DemoService {
  id: string; operator: string; offer: string; state: 'active' | 'terminated' | 'archived'; since: string; info: string | null;
  a: DemoEnd; z: DemoEnd; gtr?: { hours: number; range: 'HO' | 'HNO'; label: string };
}

const OFFERS = [
  ['FTTH', 'Accès FTTH mutualisé (ligne d’abonné)', '2026-01-05', false, false],
  ['FTTE', 'Fibre entreprise passive avec GTR (FTTE)', '2026-02-02', false, true],
  ['LFO', 'Lien fibre optique dédié (point à point)', '2026-03-02', false, true],
  // Issue 17: the activated FTTH offer (the OI runs the OLT and the ONT): every line test, one required before filing.
  ['FTTHA', 'Accès FTTH activé (OLT et ONT opérés par l’OI)', '2026-01-05', true, false]
] as const;
/** Offers whose tickets are filed with another offer's form. */
const FORM_OFFERS = [['FTTHA', 'FTTH']] as const;

const OPERATORS = [
  ['OPA', 'Opérateur A Télécom', '552100554', '55210055400013', 'ESAV-2026-0001', 'Dijon'],
  ['OPB', 'Opérateur B Réseaux', '732829320', '73282932000074', 'ESAV-2026-0002', 'Besançon']
] as const;

const PM_DIJON: DemoEnd = { label: 'PM 21231-PM-0042 (armoire de rue)', num: '12', street: 'rue de la Préfecture', postcode: '21000', city: 'Dijon', insee: '21231', pm: '21231-PM-0042' };
const PM_BESANCON: DemoEnd = {
  label: 'PM 25056-PM-0007', num: null, street: 'rue de Vesoul', postcode: '25000', city: 'Besançon', insee: '25056', pm: '25056-PM-0007'
};

/** The small town's services (issue 15): FTTH lines on prises of the demo network, and the operators' presence at its PMs. */
function townServices(): DemoService[] {
  return demoTownServices().map((t) => {
    const a = t.pm === PM_DIJON.pm ? PM_DIJON : PM_BESANCON;
    const z: DemoEnd = t.pto === null ? { ...a, label: 'Présence opérateur au PM' , pm: undefined }
      : { label: 'PTO du client final', num: null, street: a.street, postcode: a.postcode, city: a.city, insee: a.insee, pbo: t.pbo ?? undefined, pto: t.pto };
    return { id: t.id, operator: t.operator, offer: 'FTTH', state: 'active', since: '2026-06-01', info: null, a, z };
  });
}

export const DEMO_SERVICES: readonly DemoService[] = [
  {
    id: 'FTTH-21-0000001', operator: 'OPA', offer: 'FTTH', state: 'active', since: '2026-03-16', info: 'Logement au 3e étage, interphone Durand',
    a: PM_DIJON,
    z: { label: 'PTO du client final', num: '8', street: 'rue Chabot-Charny', postcode: '21000', city: 'Dijon', insee: '21231', pbo: '21231-PBO-0042-117', pto: 'FI-2123-1000-0001' }
  },
  {
    id: 'FTTE-21-0000101', operator: 'OPA', offer: 'FTTE', state: 'active', since: '2026-04-01', info: 'Site industriel, accès badge par le poste de garde',
    a: { label: 'NRO Dijon Nord', num: '3', street: 'boulevard de l’Europe', postcode: '21000', city: 'Dijon', insee: '21231', pm: '21231-NRO-01' },
    z: { label: 'Local technique client', num: '40', street: 'avenue de Stalingrad', postcode: '21000', city: 'Dijon', insee: '21231', pto: 'FE-2123-0101' },
    gtr: { hours: 4, range: 'HNO', label: 'GTR 4 heures, 24 h sur 24, 7 jours sur 7' }
  },
  {
    id: 'LFO-21-0000201', operator: 'OPA', offer: 'LFO', state: 'active', since: '2026-05-04', info: null,
    a: { label: 'Point de présence OPA Dijon', num: '1', street: 'rue de Mulhouse', postcode: '21000', city: 'Dijon', insee: '21231' },
    z: { label: 'Point de présence OPA Beaune', num: '22', street: 'rue du Faubourg Bretonnière', postcode: '21200', city: 'Beaune', insee: '21054' },
    gtr: { hours: 8, range: 'HO', label: 'GTR 8 heures ouvrées' }
  },
  {
    id: 'FTTH-21-0000003', operator: 'OPA', offer: 'FTTH', state: 'terminated', since: '2026-03-20', info: 'Résiliée le 2026-10-31',
    a: PM_DIJON,
    z: { label: 'PTO du client final', num: '15', street: 'rue Musette', postcode: '21000', city: 'Dijon', insee: '21231', pbo: '21231-PBO-0042-120', pto: 'FI-2123-1000-0003' }
  },
  {
    id: 'FTTH-21-0000004', operator: 'OPA', offer: 'FTTH', state: 'archived', since: '2026-01-12', info: null,
    a: PM_DIJON,
    z: { label: 'PTO du client final', num: '2', street: 'place Darcy', postcode: '21000', city: 'Dijon', insee: '21231', pbo: '21231-PBO-0042-001', pto: 'FI-2123-1000-0004' }
  },
  {
    id: 'FTTH-25-0000002', operator: 'OPB', offer: 'FTTH', state: 'active', since: '2026-04-13', info: null,
    a: PM_BESANCON,
    z: { label: 'PTO du client final', num: '5', street: 'Grande Rue', postcode: '25000', city: 'Besançon', insee: '25056', pbo: '25056-PBO-0007-031', pto: 'FI-2505-6000-0002' }
  },
  // Activated FTTH lines (issue 17): two of OPA behind the same PBO (a cut on it shows on both), one of OPB.
  {
    id: 'FTTHA-21-0000301', operator: 'OPA', offer: 'FTTHA', state: 'active', since: '2026-09-01', info: null, a: PM_DIJON,
    z: { label: 'PTO du client final', num: '4', street: 'rue de la Préfecture', postcode: '21000', city: 'Dijon', insee: '21231', pbo: '21231-PBO-0042-001', pto: 'FI-2123-1001-0002' }
  },
  {
    id: 'FTTHA-21-0000302', operator: 'OPA', offer: 'FTTHA', state: 'active', since: '2026-09-01', info: null, a: PM_DIJON,
    z: { label: 'PTO du client final', num: '6', street: 'rue de la Préfecture', postcode: '21000', city: 'Dijon', insee: '21231', pbo: '21231-PBO-0042-001', pto: 'FI-2123-1001-0003' }
  },
  {
    id: 'FTTHA-25-0000303', operator: 'OPB', offer: 'FTTHA', state: 'active', since: '2026-09-01', info: null, a: PM_BESANCON,
    z: { label: 'PTO du client final', num: '7', street: 'rue de Vesoul', postcode: '25000', city: 'Besançon', insee: '25056', pbo: '25056-PBO-0007-031', pto: 'FI-2505-6001-0002' }
  },
  {
    id: 'FTTE-25-0000102', operator: 'OPB', offer: 'FTTE', state: 'active', since: '2026-06-01', info: 'Clinique, contact sécurité 24/24',
    a: { label: 'NRO Besançon Centre', num: '9', street: 'rue Proudhon', postcode: '25000', city: 'Besançon', insee: '25056', pm: '25056-NRO-02' },
    z: { label: 'Baie informatique sous-sol', num: '4', street: 'chemin des Tilleroyes', postcode: '25000', city: 'Besançon', insee: '25056', pto: 'FE-2505-0102' },
    gtr: { hours: 4, range: 'HNO', label: 'GTR 4 heures, 24 h sur 24, 7 jours sur 7' }
  }
];

/** The demo plan's intervention zones: code, label, INSEE codes (Dijon and four neighbours; Besançon). */
export const APPOINTMENT_ZONES: readonly (readonly [string, string, readonly string[]])[] = [
  ['DIJON', 'Dijon Métropole', ['21231', '21166', '21617', '21278', '21515']],
  ['BESANCON', 'Grand Besançon', ['25056']]
];

/** Loads the demo data; certificates maps an operator code to its certificates' facts (may be empty). */
export async function loadDemoData(pool: Pool, certificates: Readonly<Record<string, readonly CertificateFacts[]>>): Promise<void> {
  await transaction(pool, async (client) => {
    for (const [code, label, opens, testFirst, online] of OFFERS) {
      await run(client, insertOffer(code, label, opens, testFirst, online));
    }
    for (const [offer, form] of FORM_OFFERS) await run(client, setFormOffer(offer, form));
    const ids = new Map<string, string>();
    const profiles = new Map<string, string>();
    for (const [code, name, siren, siret, contract, city] of OPERATORS) {
      await run(client, insertDemoOperator({
        code, name, siren, siret, contract, representative: { name: 'Camille Martin', title: 'Directrice des opérations' },
        contact: { name: 'Support SAV', email: `sav@${code.toLowerCase()}.example`, phone: '+33 3 80 00 00 00' },
        address: { street: '1 place de la République', postcode: code === 'OPA' ? '21000' : '25000', city }
      }));
      const rows = await run<{ id: string }>(client, operatorIdByCode(code));
      ids.set(code, String(rows[0]!.id));
      await run(client, insertFullProfileIfMissing(rows[0]!.id));
      const p = await run<{ id: string }>(client, fullProfileIdOf(rows[0]!.id));
      profiles.set(code, String(p[0]!.id));
    }
    for (const s of [...DEMO_SERVICES, ...townServices()]) {
      const operatorId = ids.get(s.operator)!;
      const rows = await run<{ id: string }>(client, insertDemoService(s.id, operatorId, s.offer, s.state, s.since, s.info));
      if (rows.length === 0) continue; // already loaded
      const pk = rows[0]!.id;
      for (const [end, e] of [['A', s.a], ['Z', s.z]] as const) {
        await run(client, insertServiceEnd(pk, operatorId, { ...e, end, pm: e.pm ?? null, pbo: e.pbo ?? null, pto: e.pto ?? null }));
      }
      if (s.gtr) {
        await run(client, insertGtr(pk, operatorId, s.gtr.label, s.gtr.hours, s.gtr.range));
      }
    }
    await writeInventory(client, demoNetwork(), DEMO_INVENTORY_AT);
    // The appointments' capacity plan (issue 16): the demo towns and their neighbours, the default grid of each kind.
    for (const [code, label, communes] of APPOINTMENT_ZONES) {
      const [zone] = await run<{ id: string }>(client, upsertZone(code, label));
      await run(client, setCommuneZone(String(zone!.id), communes));
      for (const rule of DEFAULT_GRID) await run(client, upsertGrid(String(zone!.id), rule));
    }
    for (const [code, facts] of Object.entries(certificates)) {
      for (const f of facts) await run(client, insertCertificate({ ...f, operatorId: ids.get(code)!, profileId: profiles.get(code)!, source: 'oi_ca' }));
    }
  });
}
