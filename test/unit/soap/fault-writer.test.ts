import { expect } from 'chai';
import { EsavError } from '../../../src/errors/esav-error.js';
import { writeFault } from '../../../src/soap/fault-writer.js';
import { SOAP11, SOAP12 } from '../../../src/soap/soap-version.js';
import type { FaultDialect } from '../../../src/soap/types.js';

describe('fault writer', () => {
  it('writes a SOAP 1.1 Client fault with HTTP 500, text/xml and the detail type of xsd/common', () => {
    const r = writeFault(new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'prestation', id: 'X-1' } }), 'req-1', SOAP11);
    expect(r.status).to.equal(500);
    expect(r.headers['content-type']).to.equal('text/xml; charset=utf-8');
    expect(r.body).to.include('<faultcode>soap:Client</faultcode>');
    expect(r.body).to.include('<DetailErreur xmlns="http://esav.bfc-fibre.fr/commun/v1"><code>RESSOURCE_INCONNUE</code>');
    expect(r.body).to.include('<idRequete>req-1</idRequete>');
  });

  it('writes a SOAP 1.2 Sender fault with HTTP 400 and application/soap+xml', () => {
    const r = writeFault(new EsavError('ESAV_SCHEMA_INVALID', { params: { service: 's', version: 1, count: 1 } }), 'r', SOAP12);
    expect(r.status).to.equal(400);
    expect(r.headers['content-type']).to.equal('application/soap+xml; charset=utf-8');
    expect(r.body).to.include('<soap:Value>soap:Sender</soap:Value>');
  });

  it('lists every field in error with its rule, value and line', () => {
    const r = writeFault(new EsavError('ESAV_SCHEMA_INVALID', {
      params: { service: 's', version: 1, count: 2 },
      fields: [{ field: '{urn:x}a', rule: 'pattern', value: 'a<b', message: 'm1', line: 3 }, { field: '{urn:x}b', rule: 'obligatoire', message: 'm2' }]
    }), 'r', SOAP11);
    expect(r.body).to.include('<champEnErreur><champ>{urn:x}a</champ><regle>pattern</regle><valeur>a&lt;b</valeur><message>m1</message><ligne>3</ligne></champEnErreur>');
    expect(r.body).to.include('<champEnErreur><champ>{urn:x}b</champ><regle>obligatoire</regle><message>m2</message></champEnErreur>');
  });

  it('turns an unknown error into ERREUR_INTERNE without its message or stack', () => {
    const r = writeFault(new TypeError('secret internals at /srv/app.js:12'), 'req-9', SOAP11);
    expect(r.body).to.include('<faultcode>soap:Server</faultcode>').and.include('ERREUR_INTERNE').and.include('req-9');
    expect(r.body).not.to.include('secret').and.not.include('app.js');
  });

  it('keeps the HTTP status of transport refusals and adds Retry-After when the detail has one', () => {
    expect(writeFault(new EsavError('ESAV_BODY_TOO_LARGE', { params: { limit: 10 } }), 'r').status).to.equal(413);
    const r = writeFault(new EsavError('ESAV_SERVICE_UNAVAILABLE', { params: { reason: 'maintenance', retryAfter: 60 }, retryAfterSeconds: 60 }), 'r');
    expect(r.headers['retry-after']).to.equal('60');
    expect(r.body).to.include('<reessayerApres>60</reessayerApres>');
  });

  it('writes MustUnderstand and VersionMismatch with their own SOAP fault codes', () => {
    expect(writeFault(new EsavError('ESAV_SOAP_MUST_UNDERSTAND', { params: { header: '{urn:x}h' } }), 'r').body).to.include('<faultcode>soap:MustUnderstand</faultcode>');
    expect(writeFault(new EsavError('ESAV_SOAP_VERSION_MISMATCH', { params: { element: 'x', contentType: 'y' } }), 'r').body).to.include('<faultcode>soap:VersionMismatch</faultcode>');
  });

  describe('in a contract’s own fault element (FaultDialect)', () => {
    const dialect: FaultDialect = {
      element: { namespace: 'http://interop.test/v1', name: 'infoFtthError' }, unqualifiedChildren: false,
      codeElement: 'codeRetour', messageElement: 'messageRetour', codes: { SERVICE_EN_MAINTENANCE: 14, default: 1 },
      faultHeaders: (ctx) => [`<h:Entete xmlns:h="urn:h">${ctx.now.toISOString()}</h:Entete>`]
    };
    const context = { requestId: 'r', now: new Date('2026-11-24T03:00:00Z'), requestHeaders: [] };

    it('maps our wire code to the contract’s code, keeps the retry-after, and adds the contract’s fault headers', () => {
      const maintenance = new EsavError('ESAV_MAINTENANCE', { params: { reason: 'maintenance', until: '24/11/2026 04:15' }, retryAfterSeconds: 900 });
      const r = writeFault(maintenance, 'r', SOAP11, { dialect, context });
      expect(r.body).to.include('<d:infoFtthError xmlns:d="http://interop.test/v1"><d:codeRetour>14</d:codeRetour><d:messageRetour>');
      expect(r.body).to.include('<soap:Header><h:Entete xmlns:h="urn:h">2026-11-24T03:00:00.000Z</h:Entete></soap:Header>');
      expect(r.body).not.to.include('DetailErreur');
      expect(r.headers['retry-after']).to.equal('900');
    });

    it('answers the contract’s default code for a code it does not list, and names the fields in error in the message', () => {
      const invalid = new EsavError('ESAV_SCHEMA_INVALID', {
        params: { service: 's', version: 1, count: 1 }, fields: [{ field: 'reference', rule: 'motif', message: 'ne respecte pas le motif' }]
      });
      const r = writeFault(invalid, 'r', SOAP12, { dialect });
      expect(r.body).to.include('<d:codeRetour>1</d:codeRetour>');
      expect(r.body).to.match(/<d:messageRetour>[^<]*reference : ne respecte pas le motif<\/d:messageRetour>/);
      expect(r.body).not.to.include('<soap:Header>');
    });
  });
});
