import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { testPki } from '../support/pki.js';

const HEADER = 'type;reference;parent;pmt;immeuble;libelle;code_insee';
const GOOD = [HEADER,
  'PM;TST-PM-1;;;;PM de la gare;21231',
  'PMT;TST-PMT-1A;TST-PM-1;;;;',
  'PBO;TST-PBO-1;TST-PM-1;TST-PMT-1A;;;',
  'PBO;TST-PBO-2;TST-PM-1;;;;',
  'PTO;TST-PTO-1;TST-PBO-1;;IMB-1;;',
  'PTO;TST-PTO-2;TST-PBO-1;;IMB-1;;',
  'PTO;TST-PTO-3;TST-PBO-2;;IMB-2;;'].join('\r\n');

/** Windows-1252 bytes of a text (what a French Excel writes): Latin-1 plus the 0x80-0x9F punctuation used here. */
function windows1252(text: string): Buffer {
  const extra: Record<string, number> = { '–': 0x96, '’': 0x92, '€': 0x80, 'œ': 0x9c };
  return Buffer.from([...text].map((c) => extra[c] ?? (c.charCodeAt(0) <= 0xff ? c.charCodeAt(0) : 0x3f)));
}

describe('esav-admin network (inventory)', () => {
  let db: TestDatabase;
  let admin: AdminRunner;
  const clock = fixedClock('2026-12-01T09:00:00Z');
  before(async () => { db = await freshDatabase(); admin = adminRunner(db.schema, await testPki()); });
  after(async () => { await db.drop(); });

  it('prints the help of the group and of its commands, the CSV header included', async () => {
    const group = await admin(['network', '--help']);
    expect(group.out).to.include('import <file.csv>').and.include('works declare').and.include('incidents close').and.include('show <reference>');
    expect((await admin(['network', 'import', '--help'])).out).to.include('type;reference;parent;pmt;immeuble;libelle;code_insee');
    expect((await admin(['network', 'incidents', 'replan', '--help'])).out).to.include('usage: esav-admin network incidents replan <reference>');
    expect((await admin(['network', 'import'])).code).to.equal(2);
  });

  it('imports a good file, and re-importing it changes nothing', async () => {
    const file = admin.file('good.csv', GOOD);
    const first = await admin(['network', 'import', file], clock);
    expect(first.code, first.err).to.equal(0);
    expect(first.out).to.include('7 rows, scope TST-PM-1').and.include('7 created, 0 updated, 0 retired');
    const again = await admin(['network', 'import', file], clock);
    expect(again.code, again.err).to.equal(0);
    expect(again.out).to.include('0 created, 0 updated, 0 retired');
    const show = await admin(['network', 'show', 'TST-PM-1']);
    expect(show.out).to.include('PM TST-PM-1 — PM de la gare').and.include('PMT 1: TST-PMT-1A').and.include('PBO 2: TST-PBO-1 TST-PBO-2')
      .and.include('PTO 3: TST-PTO-1 TST-PTO-2 TST-PTO-3');
    const pto = await admin(['network', 'show', 'TST-PTO-1']);
    expect(pto.out).to.include('upstream:   PM TST-PM-1 → PMT TST-PMT-1A → PBO TST-PBO-1').and.include('building:   IMB-1');
    const audit = await sql(db.pool, `SELECT after FROM audit_log WHERE entity = 'network_inventory' ORDER BY id`);
    expect(audit.rows.map((r) => r.after.created)).to.deep.equal([7, 0]);
  });

  it('reports every bad row with its line number and field, and imports nothing of the file', async () => {
    const bad = [HEADER, 'PM;BAD-PM-1;;;;;', 'XX;BAD-X;;;;;', 'PBO;BAD-PBO-1;BAD-PM-1;;;;', 'PTO;BAD-PTO-1;BAD-PBO-1;;;;',
      'PTO;BAD-PTO-2;NOWHERE;;IMB;;', 'PTO;BAD-PTO-1;BAD-PBO-1;;IMB;;', 'PBO;BAD-PBO-2;BAD-PM-1;;;;2A0X1', 'PTO;BAD-PTO-3;BAD-PM-1;;IMB;;'].join('\n');
    const r = await admin(['network', 'import', admin.file('bad.csv', bad)], clock);
    expect(r.code).to.equal(1);
    expect(r.err).to.include('ADMIN_INVALID_INPUT').and.include('nothing imported')
      .and.include('line 3, type').and.include('line 5, immeuble').and.include('line 6, parent: NOWHERE : PBO inconnu')
      .and.include('line 7, reference: BAD-PTO-1 figure déjà ligne 5').and.include('line 8, code_insee')
      .and.include('line 9, parent: BAD-PM-1 est un PM, un PBO est attendu');
    expect(r.err).not.to.include('line 2,').and.not.include('line 4,');
    expect((await admin(['network', 'show', 'BAD-PM-1'])).err).to.include('ADMIN_NOT_FOUND');
    const header = await admin(['network', 'import', admin.file('header.csv', 'type;ref;parent\nPM;X;')], clock);
    expect(header.err).to.include('line 1, ligne: colonne inconnue « ref »').and.include('line 1, reference: colonne obligatoire absente');
  });

  it('reads Windows-1252 files (accents, dashes) and UTF-8 ones with a byte-order mark; --encoding forces one', async () => {
    const text = [HEADER, 'PM;W-PM-1;;;;PM de la Préfecture – Côte-d’Or;21231', 'PBO;W-PBO-1;W-PM-1;;;Boîte rue Chabot-Charny;', 'PTO;W-PTO-1;W-PBO-1;;Immeuble « Les Églantiers »;;'].join('\r\n');
    const file = admin.file('excel.csv', '');
    (await import('node:fs')).writeFileSync(file, windows1252(text));
    const r = await admin(['network', 'import', file], clock);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include('windows-1252').and.include('3 created');
    expect((await admin(['network', 'show', 'W-PM-1'])).out).to.include('PM de la Préfecture – Côte-d’Or');
    expect((await admin(['network', 'show', 'W-PTO-1'])).out).to.include('Immeuble « Les Églantiers »');
    const forced = await admin(['network', 'import', file, '--encoding', 'utf-8'], clock);
    expect(forced.code).to.equal(1);
    expect(forced.err).to.include('not valid UTF-8');
    const bom = admin.file('bom.csv', `\uFEFF${text.replace(/W-/g, 'B-')}`);
    const withBom = await admin(['network', 'import', bom], clock);
    expect(withBom.out, withBom.err).to.include('utf-8').and.include('3 created');
    expect((await admin(['network', 'show', 'B-PBO-1'])).out).to.include('Boîte rue Chabot-Charny');
  });

  it('updates what changed and retires what the scope no longer has', async () => {
    const later = [HEADER, 'PM;TST-PM-1;;;;PM de la gare;21231', 'PMT;TST-PMT-1A;TST-PM-1;;;;', 'PBO;TST-PBO-1;TST-PM-1;TST-PMT-1A;;;',
      'PTO;TST-PTO-1;TST-PBO-1;;IMB-1;;', 'PTO;TST-PTO-2;TST-PBO-1;;IMB-9;;', 'PTO;TST-PTO-4;TST-PBO-1;;IMB-9;;'].join('\n');
    const r = await admin(['network', 'import', admin.file('later.csv', later)], clock);
    expect(r.out, r.err).to.include('1 created, 1 updated, 2 retired');
    expect((await admin(['network', 'show', 'TST-PTO-3'])).out).to.include('(retired 2026-12-01T10:00:00+01:00)');
    expect((await admin(['network', 'show', 'TST-PM-1'])).out).to.include('PBO 1: TST-PBO-1').and.include('PTO 3: TST-PTO-1 TST-PTO-2 TST-PTO-4');
    // Another PM's elements are out of this file's scope: untouched.
    expect((await admin(['network', 'show', 'W-PM-1'])).out).to.include('PTO 1: W-PTO-1');
    // Present again: back, counted as an update.
    const back = await admin(['network', 'import', admin.file('good2.csv', GOOD)], clock);
    expect(back.out).to.include('0 created, 3 updated, 1 retired');
  });

  it('shows progress on a long file and imports 10,000 prises in one go', async () => {
    const lines = [HEADER, 'PM;BIG-PM;;;;;'];
    for (let b = 0; b < 100; b++) {
      lines.push(`PBO;BIG-PBO-${b};BIG-PM;;;;`);
      for (let p = 0; p < 100; p++) lines.push(`PTO;BIG-PTO-${b}-${p};BIG-PBO-${b};;IMB-${b};;`);
    }
    const started = process.hrtime.bigint();
    const r = await admin(['network', 'import', admin.file('big.csv', lines.join('\n'))], clock);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include('… 10001 lines read').and.include('10101 created');
    expect(ms, 'import of 10,101 rows').to.be.below(20_000);
  });

  it('loads the demo town (2 PMs, 20 PBOs, ~500 prises) with its services attached, twice without change', async () => {
    await loadDemoData(db.pool, {});
    await loadDemoData(db.pool, {});
    const counts = await sql<{ kind: string; n: number }>(db.pool, `SELECT kind, count(*)::int AS n FROM network_element
      WHERE ref LIKE '21231-%' OR ref LIKE '25056-%' OR ref LIKE 'FI-%' GROUP BY kind ORDER BY kind`);
    expect(Object.fromEntries(counts.rows.map((r) => [r.kind, r.n]))).to.deep.equal({ PBO: 20, PM: 2, PMT: 2, PTO: 504 });
    const pbo = await admin(['network', 'show', '21231-PBO-0042-117']);
    expect(pbo.out).to.include('upstream:   PM 21231-PM-0042 → PMT 21231-PMT-0042-A').and.include('OPA       prise').and.include('FTTH-21-0000001');
    const pm = await admin(['network', 'show', '21231-PM-0042', '--first', '2']);
    expect(pm.out).to.match(/OPA\s+pm\s+1\s+PM-21-0042-OPA/).and.match(/OPB\s+prise\s+\d+/);
    const attached = await sql<{ n: number }>(db.pool, `SELECT count(*)::int AS n FROM service_attachment a JOIN service s ON s.id = a.service_pk
      WHERE s.service_id IN ('FTTH-21-0000001', 'FTTH-21-0000003', 'FTTH-21-0000004', 'FTTH-25-0000002')`);
    expect(attached.rows[0]!.n).to.equal(4);
  });
});
