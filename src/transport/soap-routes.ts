/**
 * The SOAP endpoints as a Fastify plugin: hands the request's head to the SOAP pipeline before the body is read
 * (onRequest: a refused caller's body is never buffered nor parsed, and its connection is closed), then buffers the
 * body (size limit enforced by Fastify before and while buffering) and hands it over, writes the answer, logs one
 * line per request. No envelope is parsed here (ARCHITECTURE.md §2).
 */
import type { TLSSocket } from 'node:tls';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EsavError } from '../errors/esav-error.js';
import { writeFault } from '../soap/fault-writer.js';
import type { PendingCall, SoapPipeline } from '../soap/pipeline.js';
import { parseMediaType, SOAP11 } from '../soap/soap-version.js';
import type { SoapResponse } from '../soap/types.js';
import type { FairShare, ShareRefusal, ShareSlot } from './fair-share.js';
import type { RequestMetrics } from './request-metrics.js';
import { peerCertificate } from './tls.js';

declare module 'fastify' {
  interface FastifyRequest { esavOutcome: SoapResponse | null; esavCall: PendingCall | null }
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function baseUrl(request: FastifyRequest, port: number): string {
  const host = request.headers.host;
  return `https://${host && HOST.test(host) ? host : `localhost:${port}`}`;
}

function send(reply: FastifyReply, request: FastifyRequest, response: SoapResponse): FastifyReply {
  if (response.error?.code === 'ESAV_INTERNAL') request.log.error({ err: response.error.cause }, 'internal error');
  request.esavOutcome = response;
  // A fault rendered without one of its parameters went out with a neutral text (never `{name}`): a defect to see.
  const missing = response.error?.missingParams ?? [];
  if (missing.length > 0) {
    request.log.error({ code: 'ESAV_FAULT_PARAM_MISSING', fault: response.error?.code, missing }, 'fault message without all its parameters');
  }
  return reply.code(response.status).headers({ ...response.headers, 'x-request-id': request.id }).send(response.body);
}

function faultFor(request: FastifyRequest, error: EsavError | unknown): SoapResponse {
  return writeFault(error, request.id, parseMediaType(request.headers['content-type']).soap ?? SOAP11);
}

/** What a caller over its fair share is told (fair-share.ts): retry soon, its own calls are finishing. */
function shareFault(refusal: ShareRefusal, pressure: string | null): EsavError {
  if (refusal.refused === 'pressure') {
    return new EsavError('ESAV_SERVICE_UNAVAILABLE', { params: { reason: pressure ?? 'surcharge de la passerelle', retryAfter: 5 }, retryAfterSeconds: 5 },
      { logReason: `overload: shed, ${refusal.inFlight} calls of this operator in flight` });
  }
  if (refusal.refused === 'rate') {
    const retryAfter = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
    const rate = `débit partagé ${(refusal.bytesPerSecond / 1e6).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo/s`;
    return new EsavError('ESAV_OPERATOR_SHARE_EXCEEDED', { params: { inFlight: refusal.inFlight, limit: rate, retryAfter }, retryAfterSeconds: retryAfter },
      { logReason: `fair share: over its part of the contended rate (${refusal.bytesPerSecond} B/s)` });
  }
  const params = { inFlight: refusal.inFlight, limit: `limite ${refusal.limit}`, retryAfter: 1 };
  return new EsavError('ESAV_OPERATOR_SHARE_EXCEEDED', { params, retryAfterSeconds: 1 },
    { logReason: `fair share: ${refusal.inFlight} calls in flight, cap ${refusal.limit}` });
}

const bodyAnnounced = (request: FastifyRequest): boolean =>
  (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0') || request.headers['transfer-encoding'] !== undefined;

export function soapRoutes(pipeline: SoapPipeline, port: number, bodyLimit: number, logRequests: boolean, metrics?: RequestMetrics, shares?: FairShare) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.decorateRequest('esavOutcome', null);
    app.decorateRequest('esavCall', null);
    app.removeAllContentTypeParsers();
    // Every media type is buffered (within bodyLimit) so that the pipeline answers 415 with a proper fault.
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.route({
      method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: '/esav/*',
      onRequest: async (request, reply) => {
        // Known from the start: a client that leaves while its call waits (authentication, its operator's queue)
        // gives its place back, and a place taken after it left is given back at once (fair-share.ts).
        const left = new AbortController();
        let slot: ShareSlot | null = null;
        reply.raw.once('close', () => { left.abort(); slot?.release(); });
        const url = request.url;
        const q = url.indexOf('?');
        const query: Record<string, string> = {};
        if (q !== -1) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) query[k.toLowerCase()] = v; // ?WSDL like ?wsdl (SoapUI, some .NET tools)
        const pending = await pipeline.begin({
          method: request.method,
          path: q === -1 ? url : url.slice(0, q),
          query,
          contentType: request.headers['content-type'],
          soapAction: typeof request.headers.soapaction === 'string' ? request.headers.soapaction : undefined,
          peer: peerCertificate(request.raw.socket as TLSSocket),
          requestId: request.id,
          baseUrl: baseUrl(request, port)
        }, Boolean(request.esavPressure));
        let answer = pending.answer;
        if (answer === null && shares && pending.operatorId !== undefined) {
          // A body without Content-Length (chunked) may be as large as the body limit: it counts as such.
          const length = request.headers['content-length'];
          const announced = length === undefined ? bodyLimit : Number(length);
          const known = length !== undefined && Number.isFinite(announced);
          const got = await shares.acquire(pending.operatorId, known ? announced : bodyLimit, Boolean(request.esavPressure), left.signal, known);
          if ('refused' in got) answer = pending.refuse(shareFault(got, request.esavPressure));
          else if (left.signal.aborted) got.release();
          else slot = got;
        }
        if (answer === null) {
          request.esavCall = pending;
          return undefined;
        }
        // Answered on the head alone: a body still on its way is not read, so the connection cannot be reused.
        if (bodyAnnounced(request)) reply.header('connection', 'close');
        return send(reply, request, answer);
      },
      handler: async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : undefined;
        // A chunked body's bytes count against its operator's part of the contended rate once they are known.
        if (shares && body && request.headers['content-length'] === undefined && request.esavCall!.operatorId !== undefined) {
          shares.charge(request.esavCall!.operatorId, body.length);
        }
        return send(reply, request, await request.esavCall!.complete(body));
      }
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!;
      return send(reply, request, faultFor(request, new EsavError('ESAV_NOT_FOUND_ENDPOINT', { params: { path, services: pipeline.paths.join(', ') } })));
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      let mapped: unknown = error;
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') mapped = new EsavError('ESAV_BODY_TOO_LARGE', { params: { limit: bodyLimit } });
      else if (error.statusCode === 415) mapped = new EsavError('ESAV_UNSUPPORTED_MEDIA_TYPE', { params: { contentType: request.headers['content-type'] ?? '(aucun)' } });
      else if (error.statusCode !== undefined && error.statusCode < 500) mapped = new EsavError('ESAV_SOAP_ENVELOPE', { params: { reason: 'requête HTTP invalide' } });
      else request.log.error({ err: error }, 'internal error');
      // Once the head named a call, its fault is written in that call's shape (contract fault element, V1 headers).
      return send(reply, request, request.esavCall?.refuse(mapped) ?? faultFor(request, mapped));
    });

    if (metrics) {
      app.addHook('onResponse', async (request, reply) => {
        const o = request.esavOutcome;
        metrics.observe({ service: o?.service, version: o?.version, operation: o?.operation, outcome: o?.outcome ?? String(reply.statusCode) }, reply.elapsedTime);
      });
    }

    // One line per request (no payload, no key material): who, what, outcome, how long. Not even built below info.
    if (logRequests) app.addHook('onResponse', async (request, reply) => {
      const o = request.esavOutcome;
      request.log.info({
        operator: o?.operator, service: o?.service, version: o?.version, operation: o?.operation,
        outcome: o?.outcome ?? String(reply.statusCode), refused: o?.error?.logReason, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 100) / 100
      }, 'request');
    });
  };
}
