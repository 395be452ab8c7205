/**
 * A person's credentials: the password as an argon2id hash (PHC string, the library's defaults: Argon2id, 19 MiB,
 * 2 passes — OWASP's recommendation), and the second factor as TOTP (RFC 6238: SHA-1, 6 digits, 30 s), the kind
 * French operators' extranets use with any authenticator application. A code is accepted once: its time step must
 * be later than the last one accepted.
 */
import { hash, verify } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_S = 30;
const ISSUER = 'e-SAV en ligne';

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** False also for a hash that is not one (never throws on a person's input). */
export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator application reads (typed in, or as a QR code by a phone). */
export function totpUri(secret: string, login: string): string {
  return new TOTP({ issuer: ISSUER, label: login, secret: Secret.fromBase32(secret), period: TOTP_PERIOD_S }).toString();
}

/** The secret in groups of four, easier to type. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** The time step of a valid code at `now` (one step of clock drift either way), or null. */
export function totpStep(secret: string, code: string, now: Date): number | null {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(secret), period: TOTP_PERIOD_S, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / TOTP_PERIOD_S) + delta;
}

/** The code of a secret at an instant (the browser tests play the person's authenticator application). */
export function totpCode(secret: string, at: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), period: TOTP_PERIOD_S, timestamp: at.getTime() });
}
