/**
 * Handshake reference (h1): a bare Node https server with the gateway's own TLS options (httpsOptions of
 * src/transport/tls.ts: mutual TLS, TLS ≥ 1.2, cipher order, session timeout) and the same certificates. The
 * handshake measurement sends no request; any request that comes is answered with a fixed 'ok'.
 */
import { createServer } from 'node:https';
import { httpsOptions } from '../../src/transport/tls.js';
import { serveChild } from './protocol.js';

serveChild(async ({ pki }) => {
  const server = createServer(httpsOptions({ cert: pki.serverCert, key: pki.serverKey, ca: [pki.ca] }), (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })
  };
});
