/**
 * The go-live validation record (DOMAIN.md A4) that crosses from the integration platform to production: which web
 * services an operator called successfully, from when to when, signed with the OI CA's key (ECDSA P-256, SHA-256)
 * so that production can check with the OI CA's certificate that the record comes from the OI and is untouched.
 */
import { createPrivateKey, sign, verify, X509Certificate } from 'node:crypto';

export const GO_LIVE_FORMAT = 'esav-golive/1';
export const GO_LIVE_ALGORITHM = 'ECDSA-P256-SHA256';

export interface GoLiveRecord {
  readonly format: typeof GO_LIVE_FORMAT;
  readonly operator: string;
  readonly platform: 'integration';
  readonly services: readonly { readonly service: string; readonly firstSuccess: string; readonly lastSuccess: string; readonly calls: number }[];
  readonly issuedAt: string;
  readonly issuedBy: string;
}

export interface SignedGoLiveRecord {
  readonly record: GoLiveRecord;
  readonly signature: { readonly algorithm: typeof GO_LIVE_ALGORITHM; readonly signer: string; readonly value: string };
}

/** The bytes signed: the record as JSON, in the key order the record was written with. */
function signedBytes(record: unknown): Buffer {
  return Buffer.from(JSON.stringify(record), 'utf8');
}

export function signGoLiveRecord(record: GoLiveRecord, caCertPem: string, caKeyPem: string): SignedGoLiveRecord {
  const ca = new X509Certificate(caCertPem);
  const value = sign('sha256', signedBytes(record), { key: createPrivateKey(caKeyPem), dsaEncoding: 'der' }).toString('base64');
  return { record, signature: { algorithm: GO_LIVE_ALGORITHM, signer: ca.subject.replace(/\n/g, ', '), value } };
}

export type Verification = { readonly ok: true; readonly record: GoLiveRecord } | { readonly ok: false; readonly reason: string };

/** Checks the shape and the signature against the OI CA's certificate; says what is wrong otherwise. */
export function verifyGoLiveRecord(input: unknown, caCertPem: string): Verification {
  const f = input as Partial<SignedGoLiveRecord> | null;
  if (typeof f !== 'object' || f === null || typeof f.record !== 'object' || f.record === null || typeof f.signature !== 'object' || f.signature === null) {
    return { ok: false, reason: 'not a go-live record: expected {"record": …, "signature": …}' };
  }
  const r = f.record as Partial<GoLiveRecord>;
  if (r.format !== GO_LIVE_FORMAT) return { ok: false, reason: `unknown record format ${JSON.stringify(r.format)} (expected ${GO_LIVE_FORMAT})` };
  if (f.signature.algorithm !== GO_LIVE_ALGORITHM || typeof f.signature.value !== 'string') return { ok: false, reason: `unsupported signature (expected ${GO_LIVE_ALGORITHM})` };
  const ca = new X509Certificate(caCertPem);
  let good = false;
  try {
    good = verify('sha256', signedBytes(f.record), { key: ca.publicKey, dsaEncoding: 'der' }, Buffer.from(f.signature.value, 'base64'));
  } catch {
    good = false;
  }
  if (!good) {
    return { ok: false, reason: `the signature does not verify with the OI CA certificate (${ca.subject.replace(/\n/g, ', ')}): the record was modified after export, or signed by another CA (signer claimed: ${String(f.signature.signer)})` };
  }
  if (typeof r.operator !== 'string' || !Array.isArray(r.services) || r.services.length === 0 || typeof r.issuedAt !== 'string') {
    return { ok: false, reason: 'the record names no operator or no successful call' };
  }
  return { ok: true, record: r as GoLiveRecord };
}
