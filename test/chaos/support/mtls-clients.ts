/**
 * Real mutual-TLS clients with the dev PKI a gateway process wrote: keep-alive agents per operator, and one call
 * that never throws (a transport error is an outcome the chaos scenarios count, not an exception).
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import path from 'node:path';
import { call, textOf } from '../../support/soap-client.js';

export type OperatorCode = 'opa' | 'opb';

export interface Outcome {
  /** HTTP status, 0 for a transport error. */
  readonly status: number;
  /** The fault code of a fault, the transport error's code, or null for a 200 answer. */
  readonly code: string | null;
  readonly body: string;
  readonly ms: number;
  readonly connectionClose: boolean;
  readonly retryAfter: string | null;
}

export function agentFor(pkiDir: string, operator: OperatorCode, maxSockets = 16): Agent {
  const f = (name: string): string => readFileSync(path.join(pkiDir, name), 'utf8');
  return new Agent({ keepAlive: true, maxSockets, ca: f('ca.crt'), cert: f(`${operator}.crt`), key: f(`${operator}.key`) });
}

export async function post(url: string, agent: Agent, urlPath: string, body: string | Buffer, contentType = 'text/xml; charset=utf-8'): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const r = await call(url, { path: urlPath, body, contentType, ca: agent.options.ca as string, agent });
    const retryAfter = r.headers['retry-after'];
    return {
      status: r.status, code: r.status === 200 ? null : textOf(r.body, 'code') ?? `HTTP ${r.status}`, body: r.body, ms: performance.now() - t0,
      connectionClose: String(r.headers.connection ?? '').toLowerCase() === 'close', retryAfter: typeof retryAfter === 'string' ? retryAfter : null
    };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { status: 0, code, body: '', ms: performance.now() - t0, connectionClose: false, retryAfter: null };
  }
}
