/** idCreneau (src/domain/slot-token.ts): opaque, signed, bound to its operator, stale after its offer. */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { decodeSlotToken, encodeSlotToken } from '../../../src/domain/slot-token.js';
import { EsavError } from '../../../src/errors/esav-error.js';

const secret = randomBytes(32);
const now = new Date('2026-12-02T10:00:00Z');
const offer = { slotId: '123456', operatorId: '7', expiresAt: new Date('2026-12-02T10:30:00Z') };
const code = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as EsavError).code; }
  return 'accepted';
};

describe('idCreneau', () => {
  it('round-trips the offer for its operator', () => {
    const t = encodeSlotToken(offer, secret);
    expect(decodeSlotToken(t, '7', secret, now)).to.deep.equal(offer);
  });

  it('refuses every one-character change as an unknown slot', () => {
    const t = encodeSlotToken(offer, secret);
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-';
    for (let i = 0; i < t.length; i++) {
      const c = alphabet[(alphabet.indexOf(t[i]!) + 1) % alphabet.length]!;
      const forged = t.slice(0, i) + c + t.slice(i + 1);
      expect(code(() => decodeSlotToken(forged, '7', secret, now)), forged).to.equal('ESAV_SLOT_UNKNOWN');
    }
  });

  it('refuses a token made for another slot with another key, and another operator’s token', () => {
    const forged = encodeSlotToken({ ...offer, slotId: '123457' }, randomBytes(32));
    expect(code(() => decodeSlotToken(forged, '7', secret, now))).to.equal('ESAV_SLOT_UNKNOWN');
    expect(code(() => decodeSlotToken(encodeSlotToken(offer, secret), '8', secret, now))).to.equal('ESAV_SLOT_UNKNOWN');
    expect(code(() => decodeSlotToken('', '7', secret, now))).to.equal('ESAV_SLOT_UNKNOWN');
    expect(code(() => decodeSlotToken('x'.repeat(5000), '7', secret, now))).to.equal('ESAV_SLOT_UNKNOWN');
  });

  it('refuses a token past its offer as stale', () => {
    const t = encodeSlotToken(offer, secret);
    expect(code(() => decodeSlotToken(t, '7', secret, new Date('2026-12-02T10:30:00Z')))).to.equal('accepted');
    expect(code(() => decodeSlotToken(t, '7', secret, new Date('2026-12-02T10:30:01Z')))).to.equal('ESAV_SLOT_STALE');
  });
});
