import { expect } from 'chai';
import { fixedClock } from '../../../src/domain/clock.js';
import type { Authentication, Authenticator, Caller } from '../../../src/domain/identity.js';
import { createFairShare } from '../../../src/transport/fair-share.js';
import { admitJson } from '../../../src/transport/json-admission.js';

const peer = { fingerprint256: 'ab'.repeat(32), notAfter: new Date('2030-01-01T00:00:00Z') };
const caller = (id: string): Authentication => ({ kind: 'caller', caller: { operator: { id, code: `OP${id}` }, certificateId: id, profile: { name: 'complet' } } as unknown as Caller });

function authenticator(answer: Authentication, cached?: Authentication): Authenticator & { asked: number } {
  const a = { asked: 0, async authenticate() { a.asked++; return answer; }, cached: () => cached };
  return a;
}

describe('transport/json-admission', () => {
  const clock = fixedClock('2026-12-03T09:00:00Z');
  const signal = new AbortController().signal;
  const head = { peer, contentLength: '100', pressure: null, signal };

  it('refuses an unknown certificate with 401 invalid_client, taking no place', async () => {
    const shares = createFairShare({ maxInFlight: 1, maxBufferedBytes: 1000, queueMs: 0, maxQueued: 0 });
    const r = await admitJson({ authenticator: authenticator({ kind: 'unknown' }), clock, shares, bodyLimit: 1000 }, head);
    expect(r).to.deep.include({ status: 401, body: { error: 'invalid_client', error_description: 'certificat client non reconnu' } });
    expect(shares.state().size).to.equal(0);
  });

  it('under pressure refuses an uncached certificate at once, asking the registry nothing', async () => {
    const a = authenticator(caller('1'));
    const r = await admitJson({ authenticator: a, clock, shares: null, bodyLimit: 1000 }, { ...head, pressure: 'base de données saturée' });
    expect(r).to.deep.include({ status: 503, retryAfterSeconds: 5 });
    expect(a.asked).to.equal(0);
  });

  it('refuses the operator over its cap with 429 and a retry-after, and admits another operator', async () => {
    const shares = createFairShare({ maxInFlight: 1, maxBufferedBytes: 1000, queueMs: 0, maxQueued: 0 });
    const first = await admitJson({ authenticator: authenticator(caller('1')), clock, shares, bodyLimit: 1000 }, head);
    expect('slot' in first).to.equal(true);
    const second = await admitJson({ authenticator: authenticator(caller('1')), clock, shares, bodyLimit: 1000 }, head);
    expect(second).to.deep.include({ status: 429, retryAfterSeconds: 1 });
    expect((second as { body: { error: string } }).body.error).to.equal('CAPACITE_OPERATEUR_ATTEINTE');
    const other = await admitJson({ authenticator: authenticator(caller('2')), clock, shares, bodyLimit: 1000 }, head);
    expect('slot' in other).to.equal(true);
  });
});
