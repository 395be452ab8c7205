import { expect } from 'chai';
import { call, consultation, PRESTATION_ACTION, textOf } from '../support/soap-client.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

describe('prestation v1 over mutual TLS', () => {
  let gw: TestGateway;
  before(async () => { gw = await startGateway(); });
  after(async () => { await gw.close(); });

  it('returns the caller’s own service with its ends and guarantees', async () => {
    const res = await call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTE-21-0000101'), soapAction: `"${PRESTATION_ACTION}"`, client: gw.pki.opa, ca: gw.pki.ca });
    expect(res.status).to.equal(200);
    expect(textOf(res.body, 'identifiantPrestation')).to.equal('FTTE-21-0000101');
    expect(textOf(res.body, 'delaiRetablissementHeures')).to.equal('4');
    expect(textOf(res.body, 'referencePTO')).to.equal('FE-2123-0101');
  });
});
