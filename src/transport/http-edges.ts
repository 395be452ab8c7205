/**
 * Refusals at the HTTP level are SOAP faults of our registry too, never Node's bare status lines or Fastify's JSON:
 * a request cut by `headersTimeout`/`requestTimeout` (408), headers over Node's limit (431), an HTTP request Node
 * cannot read (400), and calls that arrive while the instance stops (503, `Connection: close`; in JSON on the
 * e-intervention routes). While it drains,
 * every answer says `Connection: close`, so that keep-alive clients reconnect elsewhere instead of failing on their
 * next call.
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EsavError } from '../errors/esav-error.js';
import { writeFault } from '../soap/fault-writer.js';
import { parseMediaType, SOAP11 } from '../soap/soap-version.js';
import type { SoapResponse } from '../soap/types.js';
import { jsonErrorBody } from './json-admission.js';

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error'
};

/** The fault for an error Node's HTTP parser raised before a request existed (Fastify's clientErrorHandler). */
export function clientErrorFault(error: NodeJS.ErrnoException, requestTimeoutMs: number): EsavError | null {
  switch (error.code) {
    case 'ECONNRESET': case 'EPIPE': return null; // the client left: nobody to answer
    case 'ERR_HTTP_REQUEST_TIMEOUT': return new EsavError('ESAV_REQUEST_TIMEOUT', { params: { seconds: Math.round(requestTimeoutMs / 1000) } });
    case 'HPE_HEADER_OVERFLOW': return new EsavError('ESAV_HEADERS_TOO_LARGE');
    default: return new EsavError('ESAV_SOAP_ENVELOPE', { params: { reason: 'requête HTTP illisible' } });
  }
}

export function clientErrorHandler(requestTimeoutMs: number) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    const fault = clientErrorFault(error, requestTimeoutMs);
    if (fault === null || !socket.writable) {
      socket.destroy();
      return;
    }
    // No request was read, so no request id and no SOAP version: a SOAP 1.1 fault, the connection closed after it.
    const r = writeFault(fault, 'aucune', SOAP11);
    const status = fault.definition.transport ? fault.definition.httpStatus : 400;
    const body = Buffer.from(r.body, 'utf8');
    socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: ${r.headers['content-type']}\r\ncontent-length: ${body.length}\r\n` +
      'connection: close\r\n\r\n' + r.body);
  };
}

/** Fastify's own refusals before routing (a URL with an invalid %-escape): a SOAP fault too (`frameworkErrors`). */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const reason = error.code === 'FST_ERR_BAD_URL' ? 'adresse illisible (séquence % invalide)' : 'requête HTTP invalide';
  const soap = parseMediaType(request.headers['content-type']).soap ?? SOAP11;
  const fault = writeFault(new EsavError('ESAV_SOAP_ENVELOPE', { params: { reason } }), request.id, soap);
  request.esavOutcome = fault;
  void reply.code(fault.status).headers({ ...fault.headers, 'x-request-id': request.id }).send(fault.body);
}

export interface DrainControl {
  /** From now on every answer closes its connection (SIGTERM received, readiness already false). */
  startDraining(): void;
}

/**
 * The answer to a call that arrives once the instance closes: 503 with Retry-After and `Connection: close`, as a
 * SOAP fault, or in the JSON shape of the routes under `jsonPrefixes` (e-intervention: `error`,
 * `error_description`, as their own refusals are written).
 */
export function closingAnswer(url: string, contentType: string | undefined, requestId: string, jsonPrefixes: readonly string[]):
  { readonly status: number; readonly headers: Record<string, string>; readonly body: string; readonly soap: SoapResponse | null } {
  const error = new EsavError('ESAV_SERVICE_UNAVAILABLE', { params: { reason: "arrêt de l'instance", retryAfter: 1 }, retryAfterSeconds: 1 });
  if (jsonPrefixes.some((p) => url === p || url.startsWith(`${p}/`))) {
    const body = JSON.stringify(jsonErrorBody(error));
    return { status: error.definition.httpStatus, headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1', connection: 'close' }, body, soap: null };
  }
  const fault = writeFault(error, requestId, parseMediaType(contentType).soap ?? SOAP11);
  return { status: fault.status, headers: { ...fault.headers, connection: 'close' }, body: String(fault.body), soap: fault };
}

/**
 * The drain and close behaviour of the SOAP listener (`return503OnClosing` must be off: this replaces it): a plugin
 * whose hooks guard the whole instance, and the control that server.ts uses on SIGTERM. The routes under
 * `jsonPrefixes` are answered in JSON.
 */
export function drainGuard(jsonPrefixes: readonly string[] = []): { readonly plugin: (app: FastifyInstance) => Promise<void>; readonly control: DrainControl } {
  let draining = false;
  let closing = false;
  const plugin = async function drain(app: FastifyInstance): Promise<void> {
    app.addHook('preClose', async () => { closing = true; draining = true; });
    app.addHook('onRequest', async (request, reply) => {
      if (!closing) return undefined;
      const answer = closingAnswer(request.url, request.headers['content-type'], request.id, jsonPrefixes);
      if (answer.soap) request.esavOutcome = answer.soap;
      return reply.code(answer.status).headers({ ...answer.headers, 'x-request-id': request.id }).send(answer.body);
    });
    app.addHook('onSend', async (_request, reply, payload) => {
      if (draining) reply.header('connection', 'close');
      return payload;
    });
  };
  // Not encapsulated: its hooks guard the routes of the whole instance (the fastify-plugin convention).
  return { plugin: Object.assign(plugin, { [Symbol.for('skip-override')]: true }), control: { startDraining: () => { draining = true; } } };
}
