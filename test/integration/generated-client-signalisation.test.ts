/**
 * Clients that the `soap` package generates from our published WSDLs of signalisation v1 and v2 (fetched over mutual
 * TLS, their XSDs included) drive both versions on the same tickets, as an operator's system does while it moves
 * from v1 to v2: filing through v2 (the form, an xs:any of the contract, passed as raw XML with the package's `$xml`
 * key), state and detail through both, paged search and cancellation through v2, a closure answered through v1 after
 * the OI's moves, and a fault surfaced as the typed DetailErreur.
 */
import { Agent } from 'node:https';
import { expect } from 'chai';
import * as soap from 'soap';
import { fixedClock } from '../../src/domain/clock.js';
import { oiEvent } from '../../src/domain/ticket-service.js';
import { createTicketStore } from '../../src/store/ticket-store.js';
import type { IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { formExample } from '../support/tickets.js';
import { run } from '../../src/store/database.js';

/** What a generated method resolves to: the parsed body, the raw answer, the parsed SOAP header, the raw request. */
type Answer<R> = Promise<[R, string, Record<string, unknown> | undefined, string]>;

interface EtatCourt { referenceSignalisation: string; etat: string }
interface Depot extends EtatCourt { dateAcceptation: string; dejaDeposee: boolean | string }
interface Etat extends EtatCourt { etatTMF621?: string; dateEtat: string; finDelaiReponseCloture?: string }
interface Champ { chemin: string; libelle: string; valeur: string }
interface Detail {
  signalisation: EtatCourt & {
    referenceOperateur: string;
    prestation: { identifiantPrestation: string; extremiteZ: string | { libelle: string; adresse: string; referencePTO?: string } };
    defautDeclare: { formulaire: string; versionFormulaire: number | string; champ: Champ | Champ[] };
    transition: Array<{ vers: string }> | { vers: string };
  };
}
interface Resume { referenceSignalisation: string; etat: string }
interface Recherche { signalisation?: Resume | Resume[]; page?: number | string; nombreTotal?: number | string; resultatTronque?: boolean | string }
interface AvisVersion { versionAppelee: string; dateRetrait: string; versionRecommandee: { version: string; url: string } }

interface SignalisationClient {
  depotSignalisationAsync(a: { identifiantPrestation: string; referenceOperateur: string; formulaire: { $xml: string } }): Answer<Depot>;
  consultationEtatAsync(a: { referenceSignalisation: string }): Answer<Etat>;
  consultationDetailAsync(a: { referenceSignalisation: string }): Answer<Detail>;
  rechercheSignalisationsAsync(a: { etat?: string[]; identifiantPrestation?: string; page?: number; taillePage?: number }): Answer<Recherche>;
  reponseClotureAsync(a: { referenceSignalisation: string; decision: 'ACCEPTEE' | 'REFUSEE'; motif?: string }): Answer<EtatCourt>;
  annulationSignalisationAsync(a: { referenceSignalisation: string; motif: string }): Answer<EtatCourt>;
}

interface SoapFault { root?: { Envelope?: { Body?: { Fault?: { faultcode?: string; detail?: { DetailErreur?: { code?: string; message?: string; idRequete?: string } } } } } } }

const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

describe('clients generated from the published WSDLs of signalisation v1 and v2 (soap package)', () => {
  // v1 is live (and deprecated) until 2027-01-04, the FTTH form v1 until 2026-12-02: the test runs at a fixed instant.
  const clock = fixedClock('2026-11-24T10:00:00Z');
  const ftth = formExample('ftth', 2, 'valid-minimal.xml');
  const agents: Agent[] = [];
  let gw: TestGateway;
  let v1: SignalisationClient & soap.Client;
  let v2: SignalisationClient & soap.Client;
  let first: string;
  let second: string;

  async function client(version: 1 | 2, cert: IssuedCertificate): Promise<SignalisationClient & soap.Client> {
    const agent = new Agent({ ca: gw.pki.ca, cert: cert.certPem, key: cert.keyPem, keepAlive: true });
    agents.push(agent);
    const c = await soap.createClientAsync(`${gw.url}/esav/signalisation/v${version}?wsdl`, { wsdl_options: { httpsAgent: agent } });
    c.setSecurity(new soap.ClientSSLSecurity(Buffer.from(cert.keyPem), Buffer.from(cert.certPem), Buffer.from(gw.pki.ca)));
    return c as SignalisationClient & soap.Client;
  }

  async function fault(call: () => Promise<unknown>): Promise<SoapFault> {
    try {
      await call();
    } catch (e) {
      return e as SoapFault;
    }
    throw new Error('the call succeeded: a SOAP Fault was expected');
  }

  before(async () => {
    gw = await startGateway({ clock });
    // The test PKI's certificates are valid from the day before the run (real time, which TLS checks); the registry
    // must also know them as valid at the test's fixed instant, which may be earlier.
    await run(gw.pool, { text: 'UPDATE client_certificate SET not_before = LEAST(not_before, $1)', values: [clock.now()] });
    v1 = await client(1, gw.pki.opa);
    v2 = await client(2, gw.pki.opa);
  });
  after(async () => {
    for (const a of agents) a.destroy();
    await gw?.close();
  });

  it('describes the operations of each version from its WSDL and imported XSDs', () => {
    const operations = (c: soap.Client): string[] => {
      const d = c.describe() as Record<string, Record<string, Record<string, unknown>>>;
      return Object.keys(d.SignalisationService!.SignalisationSoap11Port!).sort();
    };
    const common = ['ajoutComplement', 'consultationDetail', 'consultationEtat', 'depotSignalisation', 'rechercheSignalisations', 'reponseCloture'];
    expect(operations(v1)).to.deep.equal(common);
    expect(operations(v2)).to.deep.equal([...common, 'annulationSignalisation'].sort());
  });

  it('files a ticket through v2, the form element given as raw XML ($xml)', async () => {
    const [result, , header, request] = await v2.depotSignalisationAsync({
      identifiantPrestation: 'FTTH-21-0000001', referenceOperateur: 'OPA-GEN-0001', formulaire: { $xml: ftth }
    });
    expect(request).to.include('<FormulaireFTTH xmlns="http://esav.bfc-fibre.fr/formulaires/ftth/v2">');
    expect(result.referenceSignalisation).to.match(/^SIG-2026-\d{7}$/);
    expect(result.etat).to.equal('EN_DEPOT');
    expect(String(result.dejaDeposee)).to.equal('false');
    expect(new Date(result.dateAcceptation).toISOString()).to.equal('2026-11-24T10:00:00.000Z');
    expect(header?.AvisVersion, 'v2 is the current version: no notice').to.equal(undefined);
    first = result.referenceSignalisation;
  });

  it('reads the same ticket’s state through v1 (with the AvisVersion header) and v2 (with the TMF621 state)', async () => {
    const [old, , header] = await v1.consultationEtatAsync({ referenceSignalisation: first });
    expect(old.referenceSignalisation).to.equal(first);
    expect(old.etat).to.equal('EN_DEPOT');
    expect(old).not.to.have.property('etatTMF621');
    const avis = header?.AvisVersion as AvisVersion | undefined;
    expect(avis?.versionAppelee).to.equal('v1');
    expect(avis?.dateRetrait).to.equal('2027-01-04');
    expect(avis?.versionRecommandee.version).to.equal('v2');
    expect(avis?.versionRecommandee.url).to.equal(`${gw.url}/esav/signalisation/v2`);
    const [current] = await v2.consultationEtatAsync({ referenceSignalisation: first });
    expect(current.etat).to.equal('EN_DEPOT');
    expect(current.etatTMF621).to.equal('acknowledged');
  });

  it('reads the same ticket’s detail through both: service ends as text in v1, structured in v2', async () => {
    const [old] = await v1.consultationDetailAsync({ referenceSignalisation: first });
    const [current] = await v2.consultationDetailAsync({ referenceSignalisation: first });
    for (const d of [old, current]) {
      expect(d.signalisation.referenceSignalisation).to.equal(first);
      expect(d.signalisation.referenceOperateur).to.equal('OPA-GEN-0001');
      expect(d.signalisation.prestation.identifiantPrestation).to.equal('FTTH-21-0000001');
      expect(d.signalisation.defautDeclare.formulaire).to.equal('ftth');
      expect(Number(d.signalisation.defautDeclare.versionFormulaire)).to.equal(2);
      expect(list(d.signalisation.defautDeclare.champ).find((c) => c.chemin === 'numeroSerieONT')?.valeur).to.equal('ALCL1A2B3C4D');
      expect(list(d.signalisation.transition).map((t) => t.vers)).to.deep.equal(['EN_DEPOT']);
    }
    expect(old.signalisation.prestation.extremiteZ).to.equal('PTO du client final, 8 rue Chabot-Charny, 21000 Dijon, PBO 21231-PBO-0042-117, PTO FI-2123-1000-0001');
    expect(current.signalisation.prestation.extremiteZ).to.deep.include({ libelle: 'PTO du client final', adresse: '8 rue Chabot-Charny', referencePTO: 'FI-2123-1000-0001' });
  });

  it('searches by pages through v2 (and in one truncatable list through v1)', async () => {
    clock.set('2026-11-24T10:05:00Z');
    const [filed] = await v2.depotSignalisationAsync({
      identifiantPrestation: 'FTTH-21-0000001', referenceOperateur: 'OPA-GEN-0002', formulaire: { $xml: ftth.replace('PERTE_SIGNAL', 'COUPURE_TOTALE') }
    });
    clock.set('2026-11-24T10:00:00Z');
    second = filed.referenceSignalisation;
    expect(second).not.to.equal(first);
    const [page1] = await v2.rechercheSignalisationsAsync({ identifiantPrestation: 'FTTH-21-0000001', page: 1, taillePage: 1 });
    const [page2] = await v2.rechercheSignalisationsAsync({ identifiantPrestation: 'FTTH-21-0000001', page: 2, taillePage: 1 });
    expect(Number(page1.nombreTotal)).to.equal(2);
    expect(list(page1.signalisation).map((s) => s.referenceSignalisation), 'newest first').to.deep.equal([second]);
    expect(list(page2.signalisation).map((s) => s.referenceSignalisation)).to.deep.equal([first]);
    const [all] = await v1.rechercheSignalisationsAsync({ etat: ['EN_DEPOT'] });
    expect(list(all.signalisation).map((s) => s.referenceSignalisation)).to.deep.equal([second, first]);
    expect(String(all.resultatTronque)).to.equal('false');
  });

  it('cancels a ticket not yet handled through v2', async () => {
    const [cancelled] = await v2.annulationSignalisationAsync({ referenceSignalisation: second, motif: 'Doublon de OPA-GEN-0001' });
    expect(cancelled).to.deep.include({ referenceSignalisation: second, etat: 'ANNULE' });
    const [state] = await v2.consultationEtatAsync({ referenceSignalisation: second });
    expect(state.etatTMF621).to.equal('cancelled');
  });

  it('answers a closure through v1 once the OI has handled and closed the ticket', async () => {
    const store = createTicketStore(gw.pool);
    await oiEvent(store, first, 'accept', 'agent.sav', new Date('2026-11-24T10:10:00Z'));
    await oiEvent(store, first, 'start', 'agent.sav', new Date('2026-11-24T10:20:00Z'));
    await oiEvent(store, first, 'close', 'agent.sav', new Date('2026-11-24T14:00:00Z'), { reason: 'Fibre ré-épissurée au PBO' });
    await oiEvent(store, first, 'notify-closure', 'agent.sav', new Date('2026-11-24T14:00:00Z'));
    clock.set('2026-11-24T15:00:00Z');
    const [closed] = await v2.consultationEtatAsync({ referenceSignalisation: first });
    expect(closed.etat).to.equal('VALIDE');
    expect(new Date(closed.finDelaiReponseCloture!).toISOString()).to.equal('2026-12-01T14:00:00.000Z');
    const [answer, , header] = await v1.reponseClotureAsync({ referenceSignalisation: first, decision: 'ACCEPTEE' });
    expect(answer).to.deep.include({ referenceSignalisation: first, etat: 'CLOS_TABLEAU_DE_BORD' });
    expect((header?.AvisVersion as AvisVersion | undefined)?.versionAppelee).to.equal('v1');
    const [detail] = await v2.consultationDetailAsync({ referenceSignalisation: first });
    expect(list(detail.signalisation.transition).map((t) => t.vers)).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD']);
    clock.set('2026-11-24T10:00:00Z');
  });

  it('surfaces another operator’s ticket as the typed DetailErreur RESSOURCE_INCONNUE, in both versions', async () => {
    const theirs2 = await client(2, gw.pki.opb);
    const theirs1 = await client(1, gw.pki.opb);
    for (const f of [
      await fault(() => theirs2.consultationEtatAsync({ referenceSignalisation: first })),
      await fault(() => theirs1.consultationDetailAsync({ referenceSignalisation: first }))
    ]) {
      const detail = f.root?.Envelope?.Body?.Fault?.detail?.DetailErreur;
      expect(f.root?.Envelope?.Body?.Fault?.faultcode).to.equal('soap:Client');
      expect(detail?.code).to.equal('RESSOURCE_INCONNUE');
      expect(detail?.message).to.equal(`Aucune ressource signalisation « ${first} » accessible à votre opérateur.`);
      expect(detail?.idRequete).to.be.a('string').and.not.equal('');
    }
  });
});
