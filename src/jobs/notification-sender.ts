/**
 * Posts one notification to an operator's endpoint over mutual TLS (undici): the gateway's client certificate, the
 * endpoint's server certificate checked against the configured CAs (or the system's), TLS 1.2 at least, and one
 * deadline for the whole call (connect, handshake, answer). A dead endpoint therefore costs one worker slot for
 * timeoutMs at most, and never a SOAP call of the gateway (the worker runs off the request path).
 */
import { Agent, request } from 'undici';
import { CodedError } from '../errors/coded-error.js';
import type { SoapRequest } from './notification-message.js';

export interface OutboundTls {
  readonly cert: string;
  readonly key: string;
  /** null: Node's bundled (system) root CAs. */
  readonly ca: readonly string[] | null;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/** What the worker needs of HTTP; tests of the queue inject their own. */
export interface NotificationTransport {
  post(url: string, req: SoapRequest): Promise<HttpAnswer>;
  /** Waits for calls in flight up to the deadline, then cuts them. */
  close(): Promise<void>;
}

// An acknowledgement is tiny; a larger answer is cut rather than buffered (an endpoint must not fill our memory).
const MAX_ANSWER_BYTES = 64 * 1024;

export class TransportError extends CodedError<'ESAV_NOTIFICATION_TRANSPORT'> {
  constructor(message: string, readonly httpStatus: number | null = null, options?: { cause?: unknown }) {
    super('ESAV_NOTIFICATION_TRANSPORT', message, options);
  }
}

/** "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4431", without stack or internals, for the delivery log. */
export function describeFailure(e: unknown): string {
  const err = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof err.code === 'string' ? err.code : typeof cause?.code === 'string' ? cause.code : typeof err.name === 'string' ? err.name : 'Error';
  const message = typeof err.message === 'string' && err.message !== '' ? err.message : typeof cause?.message === 'string' ? cause.message : String(e);
  return `${code}: ${message}`.slice(0, 500);
}

export function createHttpsTransport(tls: OutboundTls, timeoutMs: number, connectionsPerEndpoint: number): NotificationTransport {
  const agent = new Agent({
    connect: {
      cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: [...tls.ca] } : {}),
      rejectUnauthorized: true, minVersion: 'TLSv1.2', timeout: timeoutMs
    },
    connections: connectionsPerEndpoint,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    // Keep-alive for bursts (a ticket's events go one after the other); idle connections go soon.
    keepAliveTimeout: 10_000
  });
  return {
    async post(url, req) {
      const res = await request(url, {
        method: 'POST', dispatcher: agent, headers: { ...req.headers }, body: req.body,
        signal: AbortSignal.timeout(timeoutMs)
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_ANSWER_BYTES) {
          res.body.destroy();
          throw new TransportError(`réponse de plus de ${MAX_ANSWER_BYTES} octets`, res.statusCode);
        }
        chunks.push(chunk as Buffer);
      }
      return { status: res.statusCode, body: Buffer.concat(chunks) };
    },
    async close() {
      await agent.close();
    }
  };
}
