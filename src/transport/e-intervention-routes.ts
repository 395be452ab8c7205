/**
 * The E-Intervention API v2.5 routes the OI serves (issue 18), JSON over the gateway's mutual-TLS listener under
 * /e-intervention/v2 (the files' server root …/v2): M1, M3, M3TX and the DO's report from the DO file, M5TX from the
 * OI file. One route per operation the files give the OI, read from the contract (never listed here).
 *
 *   authenticate (onRequest, before the body is read) → authorise (profile right "e-intervention.<operationId>")
 *   → validate the body against the file's schema → the adapter's move → validate our answer → send
 *
 * The files declare OAuth2; the gateway authenticates every party by its client certificate in the operator
 * registry instead, as for SOAP (README). Refusals before the adapter use OAuth2's own error shape (RFC 6749 §5.2:
 * invalid_client, access_denied), which is also the files' 400 shape. No stack trace ever leaves.
 */
import type { TLSSocket } from 'node:tls';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EInterventionContract } from '../contracts/e-intervention-contract.js';
import type { Clock } from '../domain/clock.js';
import type { Authenticator, Caller } from '../domain/identity.js';
import type { FairShare } from './fair-share.js';
import { admitJson } from './json-admission.js';
import { allowsOperation } from '../domain/profile.js';
import { schemaAnswer, type Answer, type Handler } from '../services/e-intervention/v2/e-intervention-v2.js';
import type { InterventionViews } from '../domain/e-intervention-views.js';
import { alertingRoute } from './e-intervention-alerting.js';
import { peerCertificate } from './tls.js';

export const E_INTERVENTION_PREFIX = '/e-intervention/v2';
/** The profile's service name for the e-intervention rights: "e-intervention.*" or "e-intervention.<operationId>". */
export const E_INTERVENTION_SERVICE = 'e-intervention';

declare module 'fastify' {
  interface FastifyRequest { eiCaller: Caller | null; eiOperation: string | null }
}

export interface EInterventionRoutesOptions {
  readonly contract: EInterventionContract;
  readonly handlers: ReadonlyMap<string, Handler>;
  readonly authenticator: Authenticator;
  readonly clock: Clock;
  readonly bodyLimit: number;
  /** E3's reads (e-intervention-alerting.ts); no such route without them. */
  readonly alerting?: Pick<InterventionViews, 'impacts'>;
  /** The operators' fair shares of the instance (fair-share.ts), shared with the SOAP routes; null: none. */
  readonly shares?: FairShare | null;
}

const oauthError = (reply: FastifyReply, status: number, error: string, description: string): FastifyReply =>
  reply.code(status).header('x-request-id', reply.request.id).send({ error, error_description: description });

export function eInterventionRoutes(o: EInterventionRoutesOptions) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.decorateRequest('eiCaller', null);
    app.decorateRequest('eiOperation', null);

    const send = (request: FastifyRequest, reply: FastifyReply, operation: string, answer: Answer): FastifyReply => {
      const op = o.contract.operation(operation);
      // Our answers are checked against the files as the callers' are: a defect shows here, not at the operator's.
      const problems = answer.status === 200 ? op.answerProblems(answer.body) : op.errorProblems(answer.body);
      if (problems.length > 0) {
        request.log.error({ operation, problems }, 'e-intervention answer does not match its schema');
        return oauthError(reply, 500, 'server_error', 'erreur interne de la passerelle');
      }
      return reply.code(answer.status).header('x-request-id', request.id).send(answer.body);
    };

    /**
     * Authenticate first, then the operator's fair share, on the head alone (json-admission.ts), then authorise the
     * operation: a refused caller's body is never read nor parsed, and its connection is closed (the body may still
     * be coming). The place in the share is given back when the answer ends or the client leaves.
     */
    const guard = (operationId: string) => async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      request.eiOperation = operationId;
      const left = new AbortController();
      let released = false;
      let slot: { release(): void } | null = null;
      reply.raw.once('close', () => { left.abort(); released = true; slot?.release(); });
      const admitted = await admitJson({ authenticator: o.authenticator, clock: o.clock, shares: o.shares ?? null, bodyLimit: o.bodyLimit }, {
        peer: peerCertificate(request.raw.socket as TLSSocket), contentLength: request.headers['content-length'],
        pressure: request.esavPressure ?? null, signal: left.signal
      });
      if ('status' in admitted) {
        request.log.info({ operation: operationId, refused: admitted.why }, 'e-intervention refused');
        if (admitted.retryAfterSeconds !== null) reply.header('retry-after', String(admitted.retryAfterSeconds));
        return reply.code(admitted.status).header('connection', 'close').header('x-request-id', request.id).send(admitted.body);
      }
      slot = admitted.slot;
      if (released) slot?.release();
      const { caller } = admitted.auth;
      if (!allowsOperation(caller.profile, E_INTERVENTION_SERVICE, operationId)) {
        request.log.info({ operator: caller.operator.code, operation: operationId, refused: `profile ${caller.profile.name}` }, 'e-intervention refused');
        return oauthError(reply.header('connection', 'close'), 403, 'access_denied', `opération ${operationId} non autorisée pour ce certificat`);
      }
      request.eiCaller = caller;
      return undefined;
    };

    for (const op of o.contract.operations.values()) {
      if (op.servedBy !== 'OI') continue;
      const handler = o.handlers.get(op.id)!;
      app.route({
        method: op.method,
        url: op.path,
        bodyLimit: o.bodyLimit,
        onRequest: guard(op.id),
        handler: async (request, reply) => {
          const problems = op.requestProblems(request.body);
          if (problems.length > 0) return send(request, reply, op.id, schemaAnswer(o.contract, op.id, problems));
          const caller = request.eiCaller!;
          const answer = await handler(caller.operator.code, request.body as Record<string, unknown>, o.clock.now());
          request.log.info({ operator: caller.operator.code, operation: op.id, status: answer.status, error: answer.body.error }, 'e-intervention');
          return send(request, reply, op.id, answer);
        }
      });
    }

    // E3 (the "Lot 1" alerting): the gateway's own read beside the files' flows, behind the same guard.
    if (o.alerting) alertingRoute(app, { views: o.alerting, clock: o.clock, guard, callerOf: (request) => request.eiCaller!.operator.code });

    app.setNotFoundHandler((request, reply) =>
      oauthError(reply, 404, 'not_found', `aucune opération e-intervention en ${request.method} ${request.url.split('?')[0]}`));

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const operation = request.eiOperation;
      if (operation && o.contract.operations.has(operation) && error.statusCode !== undefined && error.statusCode < 500) {
        // A body that is not JSON, too large, or of another media type: MAUVAIS_FORMAT in the operation's shape.
        const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
        // A body refused before it was read whole: the connection cannot carry another request.
        if (tooLarge) reply.header('connection', 'close');
        const reason = tooLarge ? `corps de plus de ${o.bodyLimit} octets`
          : error.statusCode === 415 ? 'application/json attendu' : 'JSON illisible';
        return send(request, reply, operation, schemaAnswer(o.contract, operation, [{ kind: 'format', field: '(corps)', message: reason }]));
      }
      request.log.error({ err: error, operation }, 'e-intervention internal error');
      return oauthError(reply, 500, 'server_error', 'erreur interne de la passerelle');
    });
  };
}
