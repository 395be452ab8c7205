/**
 * Target (a), the ceiling: a bare Fastify HTTPS server with the same mutual TLS as the gateway, answering every
 * POST with a fixed small SOAP reply. No XML is parsed, no database is read: what is left is Node's TLS and HTTP
 * stack plus Fastify's routing, the most any Fastify-based SOAP service can do on this machine.
 */
import Fastify from 'fastify';
import { mtlsOptions, serveChild } from './protocol.js';

/** The size and shape of the gateway's answer to (c): a ticket state. */
export const CEILING_REPLY = '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
  + '<soap:Body><ConsultationEtatReponse xmlns="http://esav.bfc-fibre.fr/signalisation/v2"><referenceSignalisation>SIG-2026-5000003</referenceSignalisation>'
  + '<etat>EN_COURS</etat><etatTMF621>inProgress</etatTMF621><dateEtat>2026-11-24T09:12:00.000Z</dateEtat></ConsultationEtatReponse></soap:Body></soap:Envelope>';

serveChild(async ({ pki }) => {
  const app = Fastify({ https: mtlsOptions(pki), logger: false, keepAliveTimeout: 65_000 });
  // The body is buffered (as the gateway does) but not looked at: any content type, so text/xml is not a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/soap', async (_request, reply) => reply.type('text/xml; charset=utf-8').send(CEILING_REPLY));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  return { port, close: () => app.close() };
});
