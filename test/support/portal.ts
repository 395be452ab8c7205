/**
 * A real portal for the tests: the gateway (startGateway: demo data, fresh schema) and e-SAV en ligne on its own
 * HTTPS listener, bound to the gateway's load accounting and maintenance schedule, as server.ts binds them; the
 * administration commands on the same schema; an HTTP client with a cookie jar that trusts the test CA.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Agent, request } from 'undici';
import { loadCatalog } from '../../src/catalog/catalog-loader.js';
import { findRootDir } from '../../src/config/config.js';
import type { Clock } from '../../src/domain/clock.js';
import { totpCode } from '../../src/portal/credentials.js';
import { buildPortalApp } from '../../src/portal-app.js';
import type { MaintenanceSchedule } from '../../src/store/maintenance-store.js';
import { adminRunner, type AdminRunner } from './admin.js';
import { freshDatabase, type TestDatabase } from './database.js';
import { startGateway, type TestGateway } from './gateway.js';

export interface TestPortal {
  readonly url: string;
  readonly gateway: TestGateway;
  readonly portal: FastifyInstance;
  readonly admin: AdminRunner;
  readonly db: TestDatabase;
  readonly ca: string;
  close(): Promise<void>;
}

export async function startPortal(options: { clock: Clock; maintenance?: MaintenanceSchedule }): Promise<TestPortal> {
  const db = await freshDatabase();
  const gateway = await startGateway({ clock: options.clock, database: db });
  const portal = await buildPortalApp({
    pool: db.pool, clock: options.clock, catalog: loadCatalog(findRootDir()), logger: pino({ level: 'silent' }),
    load: gateway.app.load, maintenance: options.maintenance ?? gateway.app.maintenance,
    tls: { cert: gateway.pki.server.certPem, key: gateway.pki.server.keyPem }, cookieSecret: 'a test secret of at least thirty-two characters'
  });
  await portal.listen({ host: '127.0.0.1', port: 0 });
  const port = (portal.server.address() as { port: number }).port;
  const admin = adminRunner(db.schema, gateway.pki);
  return {
    url: `https://localhost:${port}`, gateway, portal, admin, db, ca: gateway.pki.ca,
    async close() {
      await portal.close();
      await gateway.close();
      await db.drop();
    }
  };
}

export interface PortalAnswer { readonly status: number; readonly location: string | null; readonly body: string; readonly headers: Record<string, string | string[] | undefined> }

/** A person's browser without the browser: a cookie jar, forms sent as a browser sends them. */
export class PortalClient {
  readonly #agent: Agent;
  readonly #cookies = new Map<string, string>();
  constructor(readonly base: string, ca: string) {
    this.#agent = new Agent({ connect: { ca } });
  }
  async get(path: string): Promise<PortalAnswer> {
    return this.#send('GET', path, null);
  }
  async post(path: string, form: Record<string, string | string[]>): Promise<PortalAnswer> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.#send('POST', path, body.toString());
  }
  /** The CSRF token of the first form of a page. */
  static csrf(body: string): string {
    return /name="_csrf" value="([^"]+)"/.exec(body)![1]!;
  }
  async #send(method: 'GET' | 'POST', path: string, body: string | null): Promise<PortalAnswer> {
    const cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await request(`${this.base}${path}`, {
      method, dispatcher: this.#agent, body,
      headers: { ...(cookie ? { cookie } : {}), ...(body !== null ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }
    });
    const set = r.headers['set-cookie'];
    for (const c of set === undefined ? [] : Array.isArray(set) ? set : [set]) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    const location = r.headers.location;
    return { status: r.statusCode, location: typeof location === 'string' ? location : null, body: await r.body.text(), headers: r.headers };
  }
  async close(): Promise<void> { await this.#agent.close(); }
}

/** The TOTP secret shown on the activation page. */
export const secretOn = (body: string): string => /id="cle-totp">([A-Z2-7 ]+)</.exec(body)![1]!.replace(/ /g, '');

/** Activates a person through their one-time link; returns their TOTP secret. */
export async function activate(client: PortalClient, link: string, password: string, clock: Clock): Promise<string> {
  const path = new URL(link).pathname;
  const form = await client.get(path);
  const secret = secretOn(form.body);
  const r = await client.post(path, { _csrf: PortalClient.csrf(form.body), secret, password, confirmation: password, code: totpCode(secret, clock.now()) });
  if (r.status !== 303) throw new Error(`activation refused (${r.status}): ${r.body.slice(0, 2000)}`);
  return secret;
}

/** Signs in with password and TOTP; the clock must have moved to a new 30 s step since the last code used. */
export async function signIn(client: PortalClient, login: string, password: string, secret: string, clock: Clock): Promise<PortalAnswer> {
  const page = await client.get('/connexion');
  const first = await client.post('/connexion', { _csrf: PortalClient.csrf(page.body), login, password });
  if (first.status !== 303) return first;
  const code = await client.get('/connexion/code');
  return client.post('/connexion/code', { _csrf: PortalClient.csrf(code.body), code: totpCode(secret, clock.now()) });
}

export const linkIn = (out: string): string => /(https:\/\/\S+\/activation\/\S+)/.exec(out)![1]!;
