import { expect } from 'chai';
import { closingAnswer } from '../../../src/transport/http-edges.js';

describe('HTTP edges: the answer to a call that arrives while the instance closes', () => {
  const json = ['/e-intervention/v2'];

  it('answers an e-intervention route in its own JSON shape: 503, Retry-After, Connection: close', () => {
    const a = closingAnswer('/e-intervention/v2/esav/interventions', 'application/json', 'r-1', json);
    expect(a.status).to.equal(503);
    expect(a.headers).to.include({ 'content-type': 'application/json; charset=utf-8', 'retry-after': '1', connection: 'close' });
    const body = JSON.parse(a.body) as { error: string; error_description: string };
    expect(body.error).to.equal('SERVICE_INDISPONIBLE');
    expect(body.error_description).to.include("arrêt de l'instance");
    expect(a.soap).to.equal(null);
  });

  it('answers every other path with a SOAP fault in the caller’s SOAP version', () => {
    // SOAP 1.1 faults go out with 500 (WS-I BP R1126), SOAP 1.2's unavailability with 503; Retry-After in both.
    const soap11 = closingAnswer('/esav/signalisation/v2', 'text/xml; charset=utf-8', 'r-2', json);
    expect(soap11.status).to.equal(500);
    expect(soap11.headers).to.include({ 'retry-after': '1', connection: 'close' });
    expect(soap11.body).to.include('http://schemas.xmlsoap.org/soap/envelope/').and.include('SERVICE_INDISPONIBLE');
    const soap12 = closingAnswer('/esav/signalisation/v2', 'application/soap+xml; charset=utf-8', 'r-3', json);
    expect(soap12.status).to.equal(503);
    expect(soap12.body).to.include('http://www.w3.org/2003/05/soap-envelope');
    // A path that only starts with the prefix's letters is not under it.
    expect(closingAnswer('/e-intervention/v2x', undefined, 'r-4', json).soap).to.not.equal(null);
  });
});
