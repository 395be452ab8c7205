/**
 * The signalisation service end to end over mutual TLS: filing (S1, S7, idempotency), both versions on the same
 * ticket, the lifecycle driven by the OI's side, closure answers, cancellation (v2), cross-operator access (A6)
 * and the 90-day history (S3), with an injected clock.
 */
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { fileTicket, oiComment, oiEvent } from '../../src/domain/ticket-service.js';
import { EsavError } from '../../src/errors/esav-error.js';
import { createTicketStore } from '../../src/store/ticket-store.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf, type RawResponse } from '../support/soap-client.js';
import { byReference, envelope, filing, formExample, SIG } from '../support/tickets.js';
import { count, run } from '../../src/store/database.js';

describe('signalisation: filing and following tickets', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  const clock = fixedClock('2026-11-24T10:00:00Z');
  const ftth = formExample('ftth', 2, 'valid-minimal.xml');
  const post = (v: 1 | 2, body: string, client = gw.pki.opa): Promise<RawResponse> => call(gw.url, { path: `/esav/signalisation/v${v}`, body, client, ca: gw.pki.ca });
  const store = () => createTicketStore(db.pool);

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ database: db, clock });
  });
  after(async () => { await gw.close(); await db.drop(); });

  describe('filing (S1, S7)', () => {
    it('answers a readable reference, the acceptance date-time and EN_DEPOT', async () => {
      const r = await post(2, filing(2, 'FTTH-21-0000001', 'OPA-INC-0001', ftth));
      expect(r.status, r.body).to.equal(200);
      expect(textOf(r.body, 'referenceSignalisation')).to.match(/^SIG-2026-\d{7}$/);
      expect(textOf(r.body, 'dateAcceptation')).to.equal('2026-11-24T10:00:00.000Z');
      expect(textOf(r.body, 'etat')).to.equal('EN_DEPOT');
      expect(textOf(r.body, 'dejaDeposee')).to.equal('false');
    });

    it('returns the original answer to a retry with the same reference and content, and refuses other content', async () => {
      const first = textOf((await post(2, filing(2, 'FTTH-21-0000001', 'OPA-INC-0002', ftth))).body, 'referenceSignalisation');
      clock.advance(60_000);
      const retry = await post(2, filing(2, 'FTTH-21-0000001', 'OPA-INC-0002', ftth.replace('Claire Durand', '  Claire Durand  ')));
      clock.set('2026-11-24T10:00:00Z');
      expect(textOf(retry.body, 'referenceSignalisation')).to.equal(first);
      expect(textOf(retry.body, 'dejaDeposee')).to.equal('true');
      expect(textOf(retry.body, 'dateAcceptation')).to.equal('2026-11-24T10:00:00.000Z');
      const other = await post(2, filing(2, 'FTTH-21-0000001', 'OPA-INC-0002', ftth.replace('PERTE_SIGNAL', 'COUPURE_TOTALE')));
      expect(textOf(other.body, 'code')).to.equal('REFERENCE_OPERATEUR_DEJA_UTILISEE');
      expect(textOf(other.body, 'faultstring')).to.include(first!);
    });

    it('makes one ticket of N parallel identical filings', async () => {
      const answers = await Promise.all(Array.from({ length: 12 }, () => post(2, filing(2, 'FTTH-21-0000001', 'OPA-INC-PARALLEL', ftth))));
      const refs = new Set(answers.map((a) => textOf(a.body, 'referenceSignalisation')));
      expect(answers.every((a) => a.status === 200), answers.map((a) => a.body).join('\n')).to.equal(true);
      expect(refs.size).to.equal(1);
      const rows = await run(db.pool, { text: "SELECT count(*)::int AS n FROM ticket WHERE operator_reference = 'OPA-INC-PARALLEL'", values: [] });
      expect(rows[0].n).to.equal(1);
      expect(answers.filter((a) => textOf(a.body, 'dejaDeposee') === 'false')).to.have.length(1);
    });

    it("refuses another operator's service and an unknown one with the same fault", async () => {
      const other = await post(2, filing(2, 'FTTH-21-0000001', 'OPB-1', ftth), gw.pki.opb);
      const unknown = await post(2, filing(2, 'FTTH-21-9999999', 'OPB-2', ftth), gw.pki.opb);
      expect(textOf(other.body, 'code')).to.equal('RESSOURCE_INCONNUE');
      const mask = (b: string) => b.replace(/FTTH-21-\d{7}/g, 'ID').replace(/<idRequete>[^<]*</, '<idRequete>R<');
      expect(mask(other.body)).to.equal(mask(unknown.body));
    });

    it("refuses a form of another offer than the service's", async () => {
      const r = await post(2, filing(2, 'FTTE-21-0000101', 'OPA-WRONG-FORM', ftth));
      expect(textOf(r.body, 'code')).to.equal('FORMULAIRE_HORS_OFFRE');
    });

    it('refuses filing on an offer whose filing date has not come (S7)', async () => {
      await run(db.pool, { text: "UPDATE offer SET filing_opens_on = '2026-12-01' WHERE code = 'FTTH'", values: [] });
      try {
        const r = await post(2, filing(2, 'FTTH-21-0000001', 'OPA-TOO-EARLY', ftth));
        expect(textOf(r.body, 'code')).to.equal('OFFRE_NON_OUVERTE');
        expect(textOf(r.body, 'faultstring')).to.include('2026-12-01');
      } finally {
        await run(db.pool, { text: "UPDATE offer SET filing_opens_on = '2026-01-05' WHERE code = 'FTTH'", values: [] });
      }
    });

    it('lists every error of an invalid form in one fault', async () => {
      const bad = formExample('ftth', 2, 'invalid-code-porte-absent.xml');
      const r = await post(2, filing(2, 'FTTH-21-0000001', 'OPA-BAD-FORM', bad));
      expect(textOf(r.body, 'code')).to.equal('FORMULAIRE_NON_CONFORME');
      expect(r.body).to.include('<regle>obligatoire-si:code-porte</regle>');
    });
  });

  describe('lifecycle, both versions on the same ticket', () => {
    let ref: string;
    before(async () => {
      ref = textOf((await post(1, filing(1, 'FTTH-21-0000001', 'OPA-LIFE-1', ftth))).body, 'referenceSignalisation')!;
    });

    it('answers the state in both versions, with the TMF621 state in v2', async () => {
      const v1 = await post(1, byReference(1, 'ConsultationEtatRequete', ref));
      const v2 = await post(2, byReference(2, 'ConsultationEtatRequete', ref));
      expect(textOf(v1.body, 'etat')).to.equal('EN_DEPOT');
      expect(v1.headers.deprecation, 'v1 is the older live version').to.be.a('string');
      expect(textOf(v2.body, 'etat')).to.equal('EN_DEPOT');
      expect(textOf(v2.body, 'etatTMF621')).to.equal('acknowledged');
    });

    it('freezes with what is awaited, and the operator’s answer unfreezes it', async () => {
      await oiEvent(store(), ref, 'accept', 'agent.dupont', clock.now());
      await oiEvent(store(), ref, 'start', 'agent.dupont', clock.now());
      await oiEvent(store(), ref, 'freeze', 'agent.dupont', clock.now(), { reason: 'Code du portail ?', freezeReason: 'INFORMATION_COMPLEMENTAIRE', freezeDetail: 'Code du portail ?' });
      const frozen = await post(2, byReference(2, 'ConsultationEtatRequete', ref));
      expect(textOf(frozen.body, 'etat')).to.equal('GELE');
      expect(textOf(frozen.body, 'attendu')).to.equal("information complémentaire attendue de l'opérateur");
      const answer = await post(1, byReference(1, 'AjoutComplementRequete', ref, '<s:texte>Code portail 4512B</s:texte><s:reponseAuGel>true</s:reponseAuGel>'));
      expect(textOf(answer.body, 'etat')).to.equal('EN_COURS');
    });

    it('gives the detail: ends as text in v1, structured in v2, GTR-free FTTH, comments and the whole history', async () => {
      await oiComment(store(), ref, 'agent.dupont', 'Technicien passé, PBO ré-épissuré.', clock.now());
      const v1 = await post(1, byReference(1, 'ConsultationDetailRequete', ref));
      const v2 = await post(2, byReference(2, 'ConsultationDetailRequete', ref));
      expect(v1.body).to.match(/<extremiteZ>PTO du client final, 8 rue Chabot-Charny, 21000 Dijon, PBO 21231-PBO-0042-117, PTO FI-2123-1000-0001<\/extremiteZ>/);
      expect(v2.body).to.include('<extremiteZ><libelle>PTO du client final</libelle><adresse>8 rue Chabot-Charny</adresse>');
      expect(v2.body).to.include('<auteur>OI</auteur><texte>Technicien passé, PBO ré-épissuré.</texte>');
      expect(v2.body).to.include('<auteur>OPERATEUR</auteur><texte>Code portail 4512B</texte>');
      expect([...v2.body.matchAll(/<vers>([A-Z_]+)<\/vers>/g)].map((m) => m[1])).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE', 'EN_COURS']);
      expect(v2.body).to.include('<chemin>numeroSerieONT</chemin>').and.include('<valeur>ALCL1A2B3C4D</valeur>');
    });

    it('reopens on a refused closure, then archives on an accepted one', async () => {
      await oiEvent(store(), ref, 'close', 'agent.dupont', clock.now(), { reason: 'Fibre ré-épissurée au PBO' });
      const state = await post(2, byReference(2, 'ConsultationEtatRequete', ref));
      expect(textOf(state.body, 'finDelaiReponseCloture')).to.equal('2026-12-01T10:00:00.000Z');
      const refused = await post(2, byReference(2, 'ReponseClotureRequete', ref, '<s:decision>REFUSEE</s:decision><s:motif>Toujours pas de synchro</s:motif>'));
      expect(textOf(refused.body, 'etat')).to.equal('EN_COURS');
      await oiEvent(store(), ref, 'close', 'agent.dupont', clock.now(), { reason: 'ONT remplacé' });
      await oiEvent(store(), ref, 'notify-closure', 'agent.dupont', clock.now());
      const accepted = await post(1, byReference(1, 'ReponseClotureRequete', ref, '<s:decision>ACCEPTEE</s:decision>'));
      expect(textOf(accepted.body, 'etat')).to.equal('CLOS_TABLEAU_DE_BORD');
      const again = await post(2, byReference(2, 'AjoutComplementRequete', ref, '<s:texte>encore</s:texte>'));
      expect(textOf(again.body, 'code')).to.equal('TRANSITION_INTERDITE');
      expect(textOf(again.body, 'faultstring')).to.include('CLOS_TABLEAU_DE_BORD');
    });

    it('keeps a closed ticket visible 90 days after its closure, not after (S3)', async () => {
      clock.set('2027-02-22T09:59:59Z'); // closure at 2026-11-24T10:00Z + 90 days − 1 s
      expect(textOf((await post(2, byReference(2, 'ConsultationEtatRequete', ref))).body, 'etat')).to.equal('CLOS_TABLEAU_DE_BORD');
      const listed = await post(2, envelope(`<s:RechercheSignalisationsRequete xmlns:s="${SIG(2)}"><s:etat>CLOS_TABLEAU_DE_BORD</s:etat></s:RechercheSignalisationsRequete>`));
      expect(listed.body).to.include(ref);
      clock.set('2027-02-22T10:00:00Z');
      expect(textOf((await post(2, byReference(2, 'ConsultationEtatRequete', ref))).body, 'code')).to.equal('RESSOURCE_INCONNUE');
      const gone = await post(2, envelope(`<s:RechercheSignalisationsRequete xmlns:s="${SIG(2)}"><s:etat>CLOS_TABLEAU_DE_BORD</s:etat></s:RechercheSignalisationsRequete>`));
      expect(gone.body).not.to.include(ref);
      clock.set('2026-11-24T10:00:00Z');
    });
  });

  describe('cancellation (v2) and searches', () => {
    it('lets the operator cancel before handling starts, with a reason', async () => {
      const ref = textOf((await post(2, filing(2, 'FTTH-21-0000001', 'OPA-CANCEL', ftth))).body, 'referenceSignalisation')!;
      const r = await post(2, byReference(2, 'AnnulationSignalisationRequete', ref, '<s:motif>Client a redémarré sa box</s:motif>'));
      expect(textOf(r.body, 'etat')).to.equal('ANNULE');
    });

    it('pages searches in v2 and truncates at 100 in v1', async () => {
      const v2 = await post(2, envelope(`<s:RechercheSignalisationsRequete xmlns:s="${SIG(2)}"><s:identifiantPrestation>FTTH-21-0000001</s:identifiantPrestation><s:page>2</s:page><s:taillePage>2</s:taillePage></s:RechercheSignalisationsRequete>`));
      expect(textOf(v2.body, 'nombreTotal')).to.equal('5');
      expect([...v2.body.matchAll(/<signalisation>/g)]).to.have.length(2);
      const v1 = await post(1, envelope(`<s:RechercheSignalisationsRequete xmlns:s="${SIG(1)}"/>`));
      expect(textOf(v1.body, 'resultatTronque')).to.equal('false');
    });
  });

  describe('cross-operator access (A6)', () => {
    it('answers every operation on another operator’s ticket exactly like an unknown reference', async () => {
      const ref = textOf((await post(2, filing(2, 'FTTH-21-0000001', 'OPA-PRIVATE', ftth))).body, 'referenceSignalisation')!;
      const unknown = 'SIG-2026-9999999';
      const mask = (b: string) => b.replace(/SIG-2026-\d{7}/g, 'REF').replace(/<idRequete>[^<]*</, '<idRequete>R<');
      const ops: Array<[1 | 2, string, string]> = [
        [1, 'ConsultationEtatRequete', ''], [2, 'ConsultationEtatRequete', ''], [1, 'ConsultationDetailRequete', ''], [2, 'ConsultationDetailRequete', ''],
        [1, 'AjoutComplementRequete', '<s:texte>x</s:texte>'], [2, 'AjoutComplementRequete', '<s:texte>x</s:texte>'],
        [1, 'ReponseClotureRequete', '<s:decision>ACCEPTEE</s:decision>'], [2, 'ReponseClotureRequete', '<s:decision>ACCEPTEE</s:decision>'],
        [2, 'AnnulationSignalisationRequete', '<s:motif>x</s:motif>']
      ];
      for (const [v, op, extra] of ops) {
        const theirs = await post(v, byReference(v, op, ref, extra), gw.pki.opb);
        const none = await post(v, byReference(v, op, unknown, extra), gw.pki.opb);
        expect(textOf(theirs.body, 'code'), `${op} v${v}`).to.equal('RESSOURCE_INCONNUE');
        expect(mask(theirs.body), `${op} v${v}`).to.equal(mask(none.body));
      }
      const search = await post(2, envelope(`<s:RechercheSignalisationsRequete xmlns:s="${SIG(2)}"/>`), gw.pki.opb);
      expect(search.body).not.to.include(ref);
    });

    it('writes the filings of one turn in one statement, a reference once, a refused filing nowhere, and a bad filing alone', async () => {
      const ids = (await run<{ id: string; code: string }>(db.pool, { text: "SELECT id, code FROM operator WHERE code IN ('OPA', 'OPB')", values: [] }));
      const opa = ids.find((r) => r.code === 'OPA')!.id;
      const opb = ids.find((r) => r.code === 'OPB')!.id;
      const s = store();
      const at = new Date('2026-11-24T10:00:00Z');
      const conditions = { offers: ['*'], parisDate: '2026-11-24', formOffer: 'FTTH' };
      const ticket = (reference: string, hash: string, o: { operatorId?: string; value?: string; conditions?: typeof conditions } = {}) => ({
        operatorId: o.operatorId ?? opa, serviceId: 'FTTH-21-0000001', operatorReference: reference, contentHash: hash,
        formId: 'ftth', formVersion: 2, formFields: [{ path: 'typeDefaut', label: 'Type de défaut', value: o.value ?? 'PERTE_SIGNAL' }],
        actor: 'OPA/test', at, conditions: o.conditions ?? conditions
      });
      const results = await Promise.allSettled([
        s.file(ticket('OPA-LOT-1', 'h1')), s.file(ticket('OPA-LOT-2', 'h2')), s.file(ticket('OPA-LOT-1', 'h1')), s.file(ticket('OPA-LOT-2', 'autre')),
        // Refused by a condition: offer outside the profile, not open yet, another form's offer, another operator's service.
        s.file(ticket('OPA-LOT-7', 'h7', { conditions: { ...conditions, offers: ['FTTE'] } })),
        s.file(ticket('OPA-LOT-8', 'h8', { conditions: { ...conditions, parisDate: '2020-01-01' } })),
        s.file(ticket('OPA-LOT-9', 'h9', { conditions: { ...conditions, formOffer: 'FTTE' } })),
        s.file(ticket('OPA-LOT-10', 'h10', { operatorId: opb })),
        // PostgreSQL refuses a NUL in jsonb: the statement fails, and this filing alone once retried one by one.
        s.file(ticket('OPA-LOT-3', 'h3', { value: 'a\u0000b' }))
      ]);
      const ok = (r: PromiseSettledResult<Awaited<ReturnType<ReturnType<typeof store>['file']>>> | undefined) => {
        if (r?.status !== 'fulfilled') throw r?.reason;
        return r.value;
      };
      const [first, second, sameAgain, otherContent, notInProfile, notOpen, otherForm, foreign, broken] = results;
      expect(ok(first).filed?.created).to.equal(true);
      expect(ok(first).target).to.deep.include({ serviceId: 'FTTH-21-0000001', offerCode: 'FTTH', state: 'active' });
      expect(ok(second).filed?.created).to.equal(true);
      // The same reference twice in one batch: written once, the second reads it like a retried filing.
      expect(ok(sameAgain).filed).to.deep.include({ created: false, contentHash: 'h1' });
      expect(ok(sameAgain).filed?.ticket.reference).to.equal(ok(first).filed?.ticket.reference);
      expect(ok(otherContent).filed).to.deep.include({ created: false, contentHash: 'h2' });
      // Refused: the service as read is given back (the domain says which rule failed), nothing is written.
      for (const refused of [notInProfile, notOpen, otherForm]) {
        expect(ok(refused).filed).to.equal(null);
        expect(ok(refused).target?.serviceId).to.equal('FTTH-21-0000001');
      }
      // Another operator's service is no service at all (A6).
      expect(ok(foreign)).to.deep.equal({ target: null, filed: null });
      expect(broken?.status).to.equal('rejected');
      const written = await run<{ operator_reference: string; transitions: string; events: string }>(db.pool, {
        text: `SELECT t.operator_reference, (SELECT count(*) FROM ticket_transition x WHERE x.ticket_id = t.id) AS transitions,
                (SELECT count(*) FROM ticket_event x WHERE x.ticket_id = t.id) AS events
           FROM ticket t WHERE t.operator_reference LIKE 'OPA-LOT-%' ORDER BY 1`, values: [] });
      expect(written).to.deep.equal([
        { operator_reference: 'OPA-LOT-1', transitions: '1', events: '1' },
        { operator_reference: 'OPA-LOT-2', transitions: '1', events: '1' }
      ]);
      // Three good filings of one turn: one statement (the service read included).
      const before = db.pool.statementCount;
      const three = await Promise.all(['OPA-LOT-4', 'OPA-LOT-5', 'OPA-LOT-6'].map((r) => s.file(ticket(r, r))));
      expect(three.map((f) => f.filed?.created)).to.deep.equal([true, true, true]);
      expect(new Set(three.map((f) => f.filed?.ticket.reference)).size).to.equal(3);
      expect(db.pool.statementCount - before).to.equal(1);
    });

    it('writes a filing exactly when the domain admits it: the statement\'s conditions and filingRefusal agree (144 cases)', async () => {
      const ids = (await run<{ id: string; code: string }>(db.pool, { text: "SELECT id, code FROM operator WHERE code = 'OPA'", values: [] }));
      const operator = { id: ids[0]!.id, code: 'OPA', name: 'Opérateur A' };
      const services = ['FTTH-21-0000001', 'FTTE-21-0000101', 'FTTH-21-0000003', 'FTTH-21-0000004', 'FTTH-25-0000002', 'FTTH-21-9999999'];
      const profiles = [['*'], ['FTTH'], ['FTTE'], []];
      // Before FTTH opens (2026-01-05, Paris), on its first Paris day while still the 4th in UTC, and today.
      const moments = ['2026-01-04T12:00:00Z', '2026-01-04T23:30:00Z', '2026-11-24T10:00:00Z'];
      let n = 0;
      let written = 0;
      for (const serviceId of services) for (const offers of profiles) for (const at of moments) for (const formOffer of ['FTTH', 'FTTE']) {
        const operatorReference = `OPA-AGREE-${++n}`;
        const caller = { operator, certificateId: '1', profile: { name: 'p', operations: ['*'], offers } };
        const input = { serviceId, operatorReference, formId: formOffer.toLowerCase(), formVersion: 2, formOffer, formFields: [], contentHash: operatorReference };
        let refused: unknown = null;
        try {
          await fileTicket(store(), caller, input, new Date(at));
        } catch (e) {
          refused = e;
        }
        const rows = (await count(db.pool, { text: 'SELECT 1 FROM ticket WHERE operator_reference = $1', values: [operatorReference] }));
        const label = `${serviceId} ${offers.join('|') || 'none'} ${at} ${formOffer}`;
        if (refused !== null) expect(refused, label).to.be.instanceOf(EsavError);
        expect(rows, label).to.equal(refused === null ? 1 : 0);
        if (refused === null) written++;
      }
      // Admitted: the two active services of OPA, an offer of the profile, open, the service's own form.
      expect(written).to.equal(2 /* FTTH: '*' or FTTH */ * 2 /* open moments */ + 2 /* FTTE: '*' or FTTE, today only */);
    });

    it('numbers references past 9,999,999 with eight digits, and keeps opening dates plain', async () => {
      await run(db.pool, { text: "SELECT setval('ticket_number', 9999999)", values: [] });
      const r = await post(2, filing(2, 'FTTH-21-0000001', 'OPA-EIGHT-DIGITS', ftth));
      expect(textOf(r.body, 'referenceSignalisation')).to.match(/^SIG-2026-10000000$/);
      for (const bad of ['infinity', '10000-01-01']) {
        const refused = await run(db.pool, { text: "UPDATE offer SET filing_opens_on = $1 WHERE code = 'FTTH'", values: [bad] }).then(() => null, (e: { code?: string }) => e.code);
        expect(refused, bad).to.equal('23514');
      }
    });

    it('keeps every read of a batch to the operator that asked it (reads of one turn share one query)', async () => {
      const ref = textOf((await post(2, filing(2, 'FTTH-21-0000001', 'OPA-BATCH', ftth))).body, 'referenceSignalisation')!;
      const ids = (await run<{ id: string; code: string }>(db.pool, { text: "SELECT id, code FROM operator WHERE code IN ('OPA', 'OPB')", values: [] }));
      const opa = ids.find((r) => r.code === 'OPA')!.id;
      const opb = ids.find((r) => r.code === 'OPB')!.id;
      const s = store();
      const before = db.pool.statementCount;
      // Asked in the same turn: OPA's own ticket, the same reference for OPB, an unknown one.
      const [mine, theirs, unknown] = await Promise.all([
        s.stateOf(opa, ref), s.stateOf(opb, ref), s.stateOf(opa, 'SIG-2026-9999999')
      ]);
      expect(mine?.reference).to.equal(ref);
      expect(mine?.state).to.equal('EN_DEPOT');
      expect(theirs).to.equal(null);
      expect(unknown).to.equal(null);
      expect(db.pool.statementCount - before, 'one query for the three reads').to.equal(1);
    });
  });
});
