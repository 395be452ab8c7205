/**
 * A client that the `soap` package generates from our published WSDL (fetched over mutual TLS, its XSDs
 * included) calls the read operation: what an operator's developer does on day one.
 */
import { Agent } from 'node:https';
import { expect } from 'chai';
import * as soap from 'soap';
import { startGateway, type TestGateway } from '../support/gateway.js';

interface Prestation {
  identifiantPrestation: string;
  offre: { code: string };
  etat: string;
  garantie?: Array<{ type: string; delaiRetablissementHeures: number | string }> | { type: string; delaiRetablissementHeures: number | string };
}

type ConsultationAsync = (args: { identifiantPrestation: string }) => Promise<[{ prestation: Prestation }, string]>;

describe('a client generated from the published WSDL (soap package)', () => {
  let gw: TestGateway;
  let agent: Agent;
  before(async () => { gw = await startGateway(); });
  after(async () => { agent?.destroy(); await gw.close(); });

  async function client(cert = gw.pki.opa): Promise<soap.Client> {
    agent = new Agent({ ca: gw.pki.ca, cert: cert.certPem, key: cert.keyPem, keepAlive: true });
    const c = await soap.createClientAsync(`${gw.url}/esav/prestation/v1?wsdl`, { wsdl_options: { httpsAgent: agent } });
    c.setSecurity(new soap.ClientSSLSecurity(Buffer.from(cert.keyPem), Buffer.from(cert.certPem), Buffer.from(gw.pki.ca)));
    return c;
  }

  it('describes the operation from the WSDL and its imported XSDs', async () => {
    const c = await client();
    const description = c.describe() as Record<string, Record<string, Record<string, unknown>>>;
    expect(description.PrestationService!.PrestationSoap11Port).to.have.property('consultationPrestation');
  });

  it('reads the caller’s own service', async () => {
    const c = await client();
    const consult = (c as unknown as { consultationPrestationAsync: ConsultationAsync }).consultationPrestationAsync;
    const [result] = await consult({ identifiantPrestation: 'LFO-21-0000201' });
    expect(result.prestation.identifiantPrestation).to.equal('LFO-21-0000201');
    expect(result.prestation.offre.code).to.equal('LFO');
    const g = Array.isArray(result.prestation.garantie) ? result.prestation.garantie[0]! : result.prestation.garantie!;
    expect(g.type).to.equal('GTR');
    expect(Number(g.delaiRetablissementHeures)).to.equal(8);
  });

  it('surfaces the typed fault of another operator’s service', async () => {
    const c = await client(gw.pki.opb);
    const consult = (c as unknown as { consultationPrestationAsync: ConsultationAsync }).consultationPrestationAsync;
    let fault: { root?: { Envelope?: { Body?: { Fault?: { detail?: { DetailErreur?: { code?: string } } } } } } } | undefined;
    try {
      await consult({ identifiantPrestation: 'LFO-21-0000201' });
    } catch (e) {
      fault = e as typeof fault;
    }
    expect(fault?.root?.Envelope?.Body?.Fault?.detail?.DetailErreur?.code).to.equal('RESSOURCE_INCONNUE');
  });
});
