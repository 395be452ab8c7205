/** A JSON call to the internal API over mutual TLS, as the OI's systems make it. */
import { request } from 'node:https';
import type { IssuedCertificate } from '../../src/pki/certificate-authority.js';

export interface JsonAnswer { readonly status: number; readonly headers: Record<string, unknown>; readonly body: Record<string, unknown> | null }

export function json(port: number, ca: string, client: IssuedCertificate, method: string, path: string, body?: unknown): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, ca, cert: client.certPem, key: client.keyPem, servername: 'localhost', agent: false,
      headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => { data += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data ? JSON.parse(data) as Record<string, unknown> : null }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}
