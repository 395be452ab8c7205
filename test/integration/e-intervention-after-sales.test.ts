/**
 * The link to after-sales (issue 18 part 4): a ticket filed on a line an open intervention reported cut is linked to
 * it; when the line is restored (by its operator's report or the DO's) and when the intervention ends, the OI's
 * comment is written on the linked ticket in the move's own transaction, so the operator reads it in the ticket's
 * detail (ConsultationDetail) and history (its events, pushed as notifications).
 */
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { E_INTERVENTION_AUTHOR } from '../../src/domain/e-intervention-after-sales.js';
import { sql } from '../support/database.js';
import { eiFixture } from '../support/e-intervention-fixtures.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf } from '../support/soap-client.js';
import { byReference, filing, formExample } from '../support/tickets.js';

const LINE_7 = 'FI-2123-1001-0007';
const LINE_14 = 'FI-2123-1001-0014';

describe('e-intervention and after-sales: the OI’s comments on the tickets linked to an intervention', function () {
  this.timeout(60_000);
  const clock = fixedClock('2026-12-02T08:00:00Z');
  let gw: TestGateway;
  const ftth = formExample('ftth', 2, 'valid-minimal.xml');

  const file = async (serviceId: string, ref: string): Promise<string> => {
    const r = await call(gw.url, { path: '/esav/signalisation/v2', body: filing(2, serviceId, ref, ftth), client: gw.pki.opb, ca: gw.pki.ca });
    expect(r.status, r.body).to.equal(200);
    return textOf(r.body, 'referenceSignalisation')!;
  };
  const commentsOf = async (reference: string): Promise<string[]> => {
    const r = await call(gw.url, { path: '/esav/signalisation/v2', body: byReference(2, 'ConsultationDetailRequete', reference), client: gw.pki.opb, ca: gw.pki.ca });
    expect(r.status, r.body).to.equal(200);
    return [...r.body.matchAll(/<(?:\w+:)?texte>([^<]*)<\/(?:\w+:)?texte>/g)].map((m) => m[1]!);
  };
  const history = async (reference: string): Promise<string[]> => (await sql<{ text: string }>(gw.pool,
    `SELECT e.payload->>'text' AS text FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id WHERE t.reference = $1 AND e.kind = 'comment' ORDER BY e.id`,
    [reference])).rows.map((r) => r.text);

  before(async () => { gw = await startGateway({ clock }); });
  after(async () => { await gw?.close(); });

  it('links the filings on the cut lines, comments each line’s restoration on its own ticket, then the end on every linked ticket', async () => {
    const ei = eiFixture(gw.pool);
    const ref = await ei.start('OPA-SAV-1', clock.now());
    clock.advance(60_000);
    await ei.report(ref, 'OPB', clock.now(), [LINE_7, LINE_14]);
    clock.advance(60_000);
    const t7 = await file('FTTH-25-0020001', 'OPB-EI-7');
    const t14 = await file('FTTH-25-0020002', 'OPB-EI-14');
    const links = (await sql<{ reference: string; ref_interv_oi: string }>(gw.pool, `SELECT t.reference, l.ref_interv_oi FROM ticket_e_intervention l
      JOIN ticket t ON t.id = l.ticket_id ORDER BY t.id`)).rows;
    expect(links).to.deep.equal([{ reference: t7, ref_interv_oi: ref }, { reference: t14, ref_interv_oi: ref }]);
    expect(await commentsOf(t7)).to.deep.equal([]);

    // A refused move (a line never reported cut) writes nothing, comments included.
    await ei.report(ref, 'OPB', clock.now(), [], ['FI-2123-1001-0021']).then(() => expect.fail('refused'), () => undefined);
    expect(await history(t7)).to.deep.equal([]);

    // OPB sees line 7 back at 09:05 Paris: its ticket is told, not line 14's.
    clock.set('2026-12-02T08:05:00Z');
    await ei.report(ref, 'OPB', clock.now(), [], [LINE_7], true);
    const restored7 = `Intervention ${ref} au PM 21231-PM-0042 : ligne ${LINE_7} rétablie le 02/12/2026 à 09:05 (heure de Paris).`;
    expect(await commentsOf(t7)).to.deep.equal([restored7]);
    expect(await commentsOf(t14)).to.deep.equal([]);

    // The end (M3) at 09:20 Paris: on every linked ticket not closed.
    clock.set('2026-12-02T08:20:00Z');
    await ei.end(ref, clock.now());
    const ended = `Intervention ${ref} au PM 21231-PM-0042 terminée le 02/12/2026 à 09:20 (heure de Paris).`;
    expect(await commentsOf(t7)).to.deep.equal([restored7, ended]);
    expect(await commentsOf(t14)).to.deep.equal([ended]);

    // The DO's report restores line 14: by its technician.
    clock.set('2026-12-02T08:25:00Z');
    await ei.close(ref, clock.now(), [LINE_14]);
    const restored14 = `Intervention ${ref} au PM 21231-PM-0042 : ligne ${LINE_14} rétablie par le technicien de l’opérateur intervenant le 02/12/2026 à 09:25 (heure de Paris).`;
    expect(await commentsOf(t14)).to.deep.equal([ended, restored14]);
    expect(await commentsOf(t7)).to.deep.equal([restored7, ended]);
    // The ticket's history carries the same comments (the events its notifications are made of), by the OI's hub.
    expect(await history(t14)).to.deep.equal([ended, restored14]);
    const authors = (await sql<{ author: string; author_kind: string }>(gw.pool, `SELECT DISTINCT c.author, c.author_kind FROM ticket_comment c
      JOIN ticket t ON t.id = c.ticket_id WHERE t.reference = ANY($1)`, [[t7, t14]])).rows;
    expect(authors).to.deep.equal([{ author: E_INTERVENTION_AUTHOR, author_kind: 'oi' }]);
  });

  it('tells the operator of a line still cut at the report, and writes nothing on a ticket of a line it did not cut', async () => {
    const ei = eiFixture(gw.pool);
    clock.set('2026-12-02T10:00:00Z');
    const ref = await ei.start('OPA-SAV-2', clock.now());
    await ei.report(ref, 'OPB', clock.now(), [LINE_7]);
    clock.advance(60_000);
    const cut = await file('FTTH-25-0020001', 'OPB-EI-7B');
    const other = await file('FTTH-25-0020002', 'OPB-EI-14B');
    await ei.end(ref, clock.now());
    await ei.close(ref, clock.now(), []);
    const comments = await commentsOf(cut);
    expect(comments).to.have.length(2);
    expect(comments[1]).to.equal(`Intervention ${ref} au PM 21231-PM-0042 close : la ligne ${LINE_7} n’a pas été rétablie par l’opérateur intervenant ; `
      + 'votre signalisation suit son cours.');
    expect(await commentsOf(other)).to.deep.equal([]);
  });
});
