/** The pack's only network client: HTTPS with the operator's client certificate (mutual TLS). */
import { Agent, request } from 'node:https';

export interface Tls {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

export interface Exchange {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly durationMs: number;
}

export class Http {
  private readonly agent: Agent;
  constructor(readonly endpoint: string, private readonly tls: Tls, private readonly timeoutMs = 30_000) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, cert: tls.cert, key: tls.key, ca: tls.ca });
  }

  send(method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}): Promise<Exchange> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.endpoint), {
        method, agent: this.agent, cert: this.tls.cert, key: this.tls.key, ca: this.tls.ca,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        timeout: this.timeoutMs
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), durationMs: performance.now() - started }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`pas de réponse en ${this.timeoutMs / 1000} s`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  close(): void { this.agent.destroy(); }
}
