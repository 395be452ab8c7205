/**
 * An operator's E-Intervention endpoint for tests (issue 18): a real HTTPS server on loopback requiring a client
 * certificate of the test CA (mutual TLS), that records every JSON message the OI sends and answers the operation's
 * 200 body (code 0). Each message is checked against the OpenAPI files by a validator of its own — an ajv instance
 * compiled here from the raw YAML, sharing nothing with the gateway's contract loader (its own schema resolution,
 * its own formats) — and the problems are recorded with the message. `mode` makes it refuse connections or answer 503.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { sharedPath } from './shared.js';
import type { TestPki } from './pki.js';

export interface ReceivedMessage {
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly caller: string;
  /** The second validator's findings (empty: the message matches its schema in the files). */
  readonly problems: readonly string[];
  readonly at: number;
}

export interface EInterventionReceiver {
  readonly url: string;
  mode: 'up' | 'unavailable';
  readonly received: ReceivedMessage[];
  /** Called as each message arrives (the bench's clock). */
  onMessage: ((m: ReceivedMessage) => void) | null;
  /** A 400 body in the file's error shape to answer a message with (e.g. M4TX refused TEST_NON_REALISE); null: 200. */
  refusal: ((m: ReceivedMessage) => Json | null) | null;
  shut(): Promise<void>;
}

type Json = Record<string, unknown>;

interface Route { operation: string; validate: (b: unknown) => string[]; validateError: (b: unknown) => string[]; answer: (b: Json) => Json }

/** Every operation of both files, from the original files in ../shared (not the gateway's copies). */
export function independentValidators(): Map<string, Route> {
  const routes = new Map<string, Route>();
  for (const file of ['E-Intervention-DO-v2.5.0.OAS3.yaml', 'E-Intervention-OI-v2.5.0.OAS3.yaml']) {
    const doc = parse(readFileSync(path.join(sharedPath('interop', 'e-intervention'), file), 'utf8')) as Json;
    const schemas = (doc.components as Json).schemas as Json;
    // JSON Schema 2019-09 dialect, defs under $defs, refs rewritten: a resolution path of its own.
    const defs = JSON.parse(JSON.stringify(schemas).replaceAll('#/components/schemas/', '#/$defs/')) as Json;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
    for (const [p, item] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        const o = op as Json;
        const ref = (((o.requestBody as Json).content as Json)['application/json'] as Json).schema as Json;
        const compile = (r: string) => ajv.compile({ $defs: defs, $ref: r.replace('#/components/schemas/', '#/$defs/') });
        const v = compile(String(ref.$ref));
        const errRef = ((((o.responses as Json)['400'] as Json).content as Json)['application/json'] as Json).schema as Json;
        const ve = compile(String(errRef.$ref));
        const id = String(o.operationId);
        routes.set(`${method.toUpperCase()} ${p}`, {
          operation: id,
          validate: (b) => (v(b) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)),
          validateError: (b) => (ve(b) ? [] : (ve.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)),
          answer: (b) => ({
            code: 0, refIntervOI: b.refIntervOI,
            ...(id === 'notifierImpacteClientsOIDO' || id === 'demanderTestIntermediaireInterventionOI' ? { numeroTest: b.numeroTest ?? 0 } : {})
          })
        });
      }
    }
  }
  return routes;
}

export async function eInterventionReceiver(pki: TestPki, base = '/operateur/e-intervention/v2'): Promise<EInterventionReceiver> {
  const routes = independentValidators();
  let server: Server | null = null;
  const receiver: EInterventionReceiver = {
    url: '', mode: 'up', received: [], onMessage: null, refusal: null,
    async shut() {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  };
  const s = createServer({ cert: pki.server.certPem, key: pki.server.keyPem, ca: [pki.ca], requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (receiver.mode === 'unavailable') { res.writeHead(503).end(); return; }
      const p = (req.url ?? '').startsWith(base) ? (req.url ?? '').slice(base.length) : req.url ?? '';
      const route = routes.get(`${req.method ?? ''} ${p}`);
      if (!route) { res.writeHead(404).end(); return; }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
      const m: ReceivedMessage = {
        method: req.method ?? '', path: p, operation: route.operation, body, caller: String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''),
        problems: route.validate(body), at: performance.now()
      };
      receiver.received.push(m);
      receiver.onMessage?.(m);
      const refused = receiver.refusal?.(m) ?? null;
      if (refused !== null) { res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(refused)); return; }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route.answer(body)));
    });
  });
  await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(0, '127.0.0.1', () => resolve()); });
  (receiver as { url: string }).url = `https://localhost:${(s.address() as { port: number }).port}${base}`;
  server = s;
  return receiver;
}
