/**
 * The SOAP endpoints as a Fastify plugin: buffers the body (size limit enforced by Fastify before and while
 * buffering), hands bytes and facts to the SOAP pipeline, writes its answer, logs one line per request.
 * No envelope is parsed here (ARCHITECTURE.md §2).
 */
import type { TLSSocket } from 'node:tls';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EsavError } from '../errors/esav-error.js';
import { writeFault } from '../soap/fault-writer.js';
import type { SoapPipeline } from '../soap/pipeline.js';
import { parseMediaType, SOAP11 } from '../soap/soap-version.js';
import type { SoapResponse } from '../soap/types.js';
import type { RequestMetrics } from './request-metrics.js';
import { peerCertificate } from './tls.js';

declare module 'fastify' {
  interface FastifyRequest { esavOutcome: SoapResponse | null }
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function baseUrl(request: FastifyRequest, port: number): string {
  const host = request.headers.host;
  return `https://${host && HOST.test(host) ? host : `localhost:${port}`}`;
}

function send(reply: FastifyReply, request: FastifyRequest, response: SoapResponse): FastifyReply {
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

export function soapRoutes(pipeline: SoapPipeline, port: number, bodyLimit: number, logRequests: boolean, metrics?: RequestMetrics) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.decorateRequest('esavOutcome', null);
    app.removeAllContentTypeParsers();
    // Every media type is buffered (within bodyLimit) so that the pipeline answers 415 with a proper fault.
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.route({
      method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: '/esav/*',
      handler: async (request, reply) => {
        const url = request.url;
        const q = url.indexOf('?');
        const query: Record<string, string> = {};
        if (q !== -1) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) query[k] = v;
        const response = await pipeline.handle({
          method: request.method,
          path: q === -1 ? url : url.slice(0, q),
          query,
          contentType: request.headers['content-type'],
          soapAction: typeof request.headers.soapaction === 'string' ? request.headers.soapaction : undefined,
          body: Buffer.isBuffer(request.body) ? request.body : undefined,
          peer: peerCertificate(request.raw.socket as TLSSocket),
          requestId: request.id,
          baseUrl: baseUrl(request, port)
        });
        if (response.error?.code === 'ESAV_INTERNAL') request.log.error({ err: response.error.cause }, 'internal error');
        return send(reply, request, response);
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
      return send(reply, request, faultFor(request, mapped));
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
