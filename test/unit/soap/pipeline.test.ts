/**
 * The pipeline's order (issue 14, "authenticate first"): the caller is decided on the request's head, so a
 * certificate the registry refuses never gets its body read, let alone parsed.
 */
import { expect } from 'chai';
import { findRootDir } from '../../../src/config/config.js';
import { loadContracts } from '../../../src/contracts/contract-loader.js';
import { fixedClock } from '../../../src/domain/clock.js';
import type { Authentication, Authenticator } from '../../../src/domain/identity.js';
import { createSoapPipeline } from '../../../src/soap/pipeline.js';
import type { ServiceAdapter, SoapRequestHead } from '../../../src/soap/types.js';

const head: SoapRequestHead = {
  method: 'POST', path: '/esav/prestation/v1', query: {}, contentType: 'text/xml; charset=utf-8', soapAction: undefined,
  peer: { fingerprint256: 'ab'.repeat(32), notAfter: new Date('2030-01-01T00:00:00Z') }, requestId: 'r1', baseUrl: 'https://localhost:8443'
};

describe('SOAP pipeline', () => {
  const contracts = loadContracts(findRootDir());
  const noop = async () => ({ body: '' });
  const adapters: ServiceAdapter[] = [...contracts.services.values()].filter((c) => c.implementedBy === 'gateway')
    .flatMap((c) => [...c.versions.values()].map((d) => ({
      service: d.service, version: d.version, operations: Object.fromEntries([...d.operations.values()].map((o) => [o.name, noop]))
    })));
  const pipelineWith = (answer: Authentication) => {
    const asked: string[] = [];
    const authenticator: Authenticator = { async authenticate(peer) { asked.push(peer.fingerprint256); return answer; } };
    return { asked, pipeline: createSoapPipeline({ contracts, adapters, authenticator, clock: fixedClock('2026-11-24T10:00:00Z'), xmlLimits: { maxDepth: 32, maxAttributes: 32 } }) };
  };

  it('refuses an unregistered certificate on the request’s head, before any body exists', async () => {
    const { asked, pipeline } = pipelineWith({ kind: 'unknown' });
    const pending = await pipeline.begin(head);
    expect(asked).to.deep.equal(['ab'.repeat(32)]);
    expect(pending.answer?.outcome).to.equal('AUTHENTIFICATION_REFUSEE');
  });

  it('answers an unregistered certificate’s malformed body with the authentication fault: the body is never parsed', async () => {
    const { pipeline } = pipelineWith({ kind: 'unknown' });
    const r = await pipeline.handle({ ...head, body: Buffer.from('<not xml') });
    expect(r.outcome).to.equal('AUTHENTIFICATION_REFUSEE');
  });

  it('refuses an inactive operator on the head too', async () => {
    const { pipeline } = pipelineWith({ kind: 'inactive', operatorCode: 'OPZ', status: { state: 'terminated', endDate: '2026-01-01' } });
    expect((await pipeline.begin(head)).answer?.outcome).to.equal('OPERATEUR_INACTIF');
  });

  it('lets a contract be read by a certificate it does not know, without asking the registry', async () => {
    const { asked, pipeline } = pipelineWith({ kind: 'unknown' });
    const pending = await pipeline.begin({ ...head, method: 'GET', query: { wsdl: '' } });
    expect(pending.answer?.status).to.equal(200);
    expect(pending.answer?.operation).to.equal('wsdl');
    expect(asked).to.deep.equal([]);
  });
});
