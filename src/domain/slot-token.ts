/**
 * The idCreneau a slot search hands out (issue 16: "opaque and cannot be forged to book a slot that was not
 * offered"): the slot, the operator it was offered to and the end of the offer, signed with HMAC-SHA-256 under a
 * secret that lives in PostgreSQL (shared by every gateway instance, never in the code or the configuration).
 * Changing one character, giving it to another operator or keeping it past the offer's end makes it refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EsavError } from '../errors/esav-error.js';

/** How long an offered slot may be booked after the search that offered it. */
export const SLOT_OFFER_MINUTES = 30;
const PREFIX = 'C1';
const TOKEN = /^C1-([0-9a-z]{1,13})-([0-9a-z]{1,13})-([0-9a-z]{1,9})-([A-Za-z0-9_-]{22})$/;

export interface SlotOffer {
  readonly slotId: string;
  readonly operatorId: string;
  readonly expiresAt: Date;
}

function mac(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(body).digest().subarray(0, 16).toString('base64url');
}

export function encodeSlotToken(offer: SlotOffer, secret: Buffer): string {
  const expires = Math.floor(offer.expiresAt.getTime() / 1000).toString(36);
  const body = `${PREFIX}-${BigInt(offer.slotId).toString(36)}-${BigInt(offer.operatorId).toString(36)}-${expires}`;
  return `${body}-${mac(secret, body)}`;
}

/** The offer an operator's token carries, or a fault: unknown (forged, altered, another operator's) or stale (expired). */
export function decodeSlotToken(token: string, operatorId: string, secret: Buffer, now: Date): SlotOffer {
  const shown = token.length > 80 ? `${token.slice(0, 80)}…` : token;
  const unknown = (why: string): EsavError =>
    new EsavError('ESAV_SLOT_UNKNOWN', { params: { slot: shown } }, { logReason: `idCreneau ${why}` });
  const m = TOKEN.exec(token);
  if (!m) throw unknown('malformed');
  const body = `${PREFIX}-${m[1]}-${m[2]}-${m[3]}`;
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(m[4]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw unknown('signature mismatch');
  const offer = { slotId: parseInt36(m[1]!).toString(), operatorId: parseInt36(m[2]!).toString(), expiresAt: new Date(parseInt(m[3]!, 36) * 1000) };
  if (offer.operatorId !== operatorId) throw unknown(`offered to operator ${offer.operatorId}`);
  if (now.getTime() > offer.expiresAt.getTime()) {
    throw new EsavError('ESAV_SLOT_STALE', { params: { slot: shown, why: `l'offre a expiré ${SLOT_OFFER_MINUTES} minutes après la recherche` } });
  }
  return offer;
}

function parseInt36(s: string): bigint {
  let n = 0n;
  for (const c of s) n = n * 36n + BigInt(parseInt(c, 36));
  return n;
}
