/**
 * e-SAV en ligne on its own HTTPS listener (issue 21; DOMAIN.md A1, A5, A6, M1/M2, L1/L2): server-rendered French
 * pages, security headers with a strict CSP (no script at all), CSRF on every form, sessions in PostgreSQL (through
 * the directory port). What every page shares is here, once; the pages themselves are in pages/.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { sessionRefusal } from '../domain/portal-access.js';
import { allowsOperation } from '../domain/profile.js';
import { isEsavError } from '../errors/esav-error.js';
import { html } from './html.js';
import { frame, frenchDateTime, notice } from './layout.js';
import type { PageRequest, PageResult, PortalDeps, PortalPage, Visitor } from './page.js';
import { PORTAL_CSS } from './style.js';

export const SESSION_COOKIE = '__Host-esav-session';
const CSRF_COOKIE = '__Host-esav-csrf';

export interface PortalServerOptions {
  readonly tls: { readonly cert: string; readonly key: string };
  readonly cookieSecret: string;
  readonly logger: Logger;
  readonly pages: readonly PortalPage[];
}

type Query = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? v[0] ?? '' : v ?? '');
const flat = (o: unknown): Record<string, string> => Object.fromEntries(Object.entries((o ?? {}) as Query).map(([k, v]) => [k, first(v)]));

/** The person behind a session cookie, if the session is live and the person may still sign in (A6: their operator's caller). */
async function visitorOf(deps: PortalDeps, token: string | null, now: Date): Promise<{ visitor: Visitor | null; stage: 'password' | 'complete' | null }> {
  if (!token) return { visitor: null, stage: null };
  const session = await deps.directory.findSession(token, now);
  if (!session) return { visitor: null, stage: null };
  const person = await deps.directory.personById(session.personId, now);
  if (!person || person.operator.id !== session.operatorId || sessionRefusal(person, person.operatorActive, person.onlineAccess) !== null) {
    await deps.directory.endSession(token, 'refused', now);
    return { visitor: null, stage: null };
  }
  const caller = { operator: person.operator, certificateId: '', profile: person.profile, actor: `${person.operator.code}/portail ${person.login}` };
  return { visitor: { person, caller }, stage: session.stage };
}

export async function buildPortalServer(deps: PortalDeps, o: PortalServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    https: { cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' },
    loggerInstance: o.logger.child({ listener: 'portal' }),
    bodyLimit: 64 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"], styleSrc: ["'self'"], imgSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"]
      }
    },
    // One-time links carry their token in the path: never sent to another site.
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true }
  });
  await app.register(fastifyFormbody);
  await app.register(fastifyCookie, { secret: o.cookieSecret });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { signed: true, httpOnly: true, secure: true, sameSite: 'strict', path: '/' },
    getToken: (req: FastifyRequest) => first((req.body as Query | undefined)?._csrf)
  });

  app.get('/static/portail.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PORTAL_CSS));

  const nav = o.pages.filter((p) => p.nav && p.method === 'GET').sort((a, b) => a.nav!.order - b.nav!.order);

  const send = (reply: FastifyReply, req: FastifyRequest, visitor: Visitor | null, csrf: () => string, r: PageResult): FastifyReply => {
    reply.header('cache-control', 'no-store');
    if (r.kind === 'redirect') {
      if (r.session === null) reply.clearCookie(SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
      else if (r.session !== undefined) reply.setCookie(SESSION_COOKIE, r.session, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
      return reply.redirect(r.to, 303);
    }
    for (const [name, value] of Object.entries(r.headers ?? {})) reply.header(name, value);
    const may = (p: PortalPage): boolean => !p.function || (visitor !== null && allowsOperation(visitor.caller.profile, ...split(p.function)));
    return reply.code(r.status ?? 200).type('text/html; charset=utf-8')
      .send(frame({ title: r.title, body: r.body, visitor, csrf, nav: visitor ? nav.filter(may) : [], currentPath: req.url.split('?')[0]! }));
  };

  const errorPage = (status: number, title: string, text: string): PageResult => ({ kind: 'page', status, title, body: html`${notice(text, 'alerte')}<p><a href="/">Retour à l'accueil</a></p>` });

  for (const p of o.pages) {
    const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const now = deps.clock.now();
      let token: string | null = null;
      const raw = req.cookies[SESSION_COOKIE];
      if (raw) token = raw;
      let csrfToken: string | undefined;
      const csrf = (): string => (csrfToken ??= reply.generateCsrf());
      // M1/M2: during a window nothing is served but the page saying when the portal is back.
      const window = deps.maintenance.current(now);
      if (window) {
        reply.header('retry-after', String(Math.max(1, Math.ceil((window.end.getTime() - now.getTime()) / 1000))));
        const coming = deps.maintenance.coming(window.end, 7).slice(0, 5);
        return send(reply, req, null, csrf, {
          kind: 'page', status: 503, title: 'Service en maintenance',
          body: html`${notice(html`e-SAV en ligne est interrompu (${window.reason}). Retour prévu le <strong>${frenchDateTime(window.end)}</strong>.`, 'alerte')}
            ${coming.length ? html`<h2>Prochaines interruptions</h2><ul>${coming.map((w) => html`<li>${frenchDateTime(w.start)} – ${frenchDateTime(w.end)} : ${w.reason}</li>`)}</ul>` : null}`
        });
      }
      const { visitor, stage } = await visitorOf(deps, token, now);
      if (p.access === 'signed-in' && (visitor === null || stage !== 'complete')) return reply.redirect('/connexion', 303);
      if (p.access === 'second-factor' && (visitor === null || stage !== 'password')) return reply.redirect('/connexion', 303);
      const complete = stage === 'complete' ? visitor : null;
      // A5: a function outside the person's profile does not exist for them (the same page as a missing resource).
      if (p.function && (complete === null || !allowsOperation(complete.caller.profile, ...split(p.function)))) {
        return send(reply, req, complete, csrf, errorPage(404, 'Page introuvable', "Cette page n'existe pas ou ne vous est pas accessible."));
      }
      const query = req.query as Query;
      const request: PageRequest = {
        now, params: flat(req.params), query: flat(query),
        queryAll: (name) => { const v = query[name]; return v === undefined ? [] : Array.isArray(v) ? v : [v]; },
        form: flat(req.body), visitor: complete ?? visitor, sessionToken: token, csrf, deps,
        may: (fn) => complete !== null && allowsOperation(complete.caller.profile, ...split(fn))
      };
      const counted = p.function !== undefined && complete !== null && (typeof p.counted === 'function' ? p.counted(request) : (p.counted ?? true));
      const [service, operation] = p.function ? split(p.function) : ['', ''];
      let result: PageResult;
      let admitted = false;
      try {
        // L2: the same per-minute limits as the web services, on the same shared counters; a refused call is
        // counted as limited by the admission itself, as on the web services, and not again below.
        if (counted) await deps.load.admit(complete!.person.operator.id, service, operation, now);
        admitted = true;
        result = await p.handle(request);
      } catch (e) {
        result = failure(e, req);
      }
      if (counted && admitted) deps.load.count(complete!.person.operator.id, complete!.person.operator.code, service, operation, result.kind === 'page' && (result.status ?? 200) >= 400 ? 'fault' : 'ok', now);
      return send(reply, req, complete, csrf, result);
    };
    const failure = (e: unknown, req: FastifyRequest): PageResult => {
      if (isEsavError(e)) {
        if (e.code === 'ESAV_RESOURCE_NOT_FOUND') return errorPage(404, 'Introuvable', "Ce que vous cherchez n'existe pas ou ne vous est pas accessible.");
        if (e.code === 'ESAV_LOAD_LIMIT_EXCEEDED') return errorPage(429, 'Trop de requêtes', e.message);
        if (e.code === 'ESAV_SERVICE_UNAVAILABLE' || e.code === 'ESAV_MAINTENANCE') return errorPage(503, 'Service momentanément indisponible', e.message);
        return errorPage(409, 'Demande refusée', e.message);
      }
      req.log.error({ err: e instanceof Error ? e.message : String(e) }, 'portal page failed');
      return errorPage(500, 'Erreur', 'Une erreur est survenue. Réessayez dans un instant ; si elle persiste, contactez le SAV de BFC Fibre.');
    };
    app.route({
      method: p.method, url: p.path, handler,
      ...(p.method === 'POST' ? { preHandler: app.csrfProtection } : {})
    });
  }

  app.setNotFoundHandler(async (req, reply) => send(reply, req, null, () => '', errorPage(404, 'Page introuvable', "Cette page n'existe pas.")));
  app.setErrorHandler(async (e: { statusCode?: number; code?: string; message: string }, req, reply) => {
    if (e.code?.startsWith('FST_CSRF')) {
      req.log.warn({ code: e.code }, 'portal form refused: CSRF token missing or invalid');
      return send(reply, req, null, () => '', errorPage(403, 'Formulaire refusé',
        "Ce formulaire a expiré ou ne provient pas d'e-SAV en ligne. Rechargez la page et recommencez."));
    }
    const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    if (status === 500) req.log.error({ err: e.message }, 'portal request failed');
    return send(reply, req, null, () => '', errorPage(status, 'Demande refusée', status === 500 ? 'Une erreur est survenue.' : 'Cette demande ne peut pas être traitée.'));
  });
  return app as unknown as FastifyInstance;
}

function split(fn: string): [string, string] {
  const i = fn.indexOf('.');
  return [fn.slice(0, i), fn.slice(i + 1)];
}
