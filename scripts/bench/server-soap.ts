/**
 * Target (b), the peer: the `soap` package's own server (what a Node team would pick off the shelf), on a Node
 * https server with the same mutual TLS, answering the echo operation of echo.wsdl.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import { listen } from 'soap';
import { mtlsOptions, serveChild } from './protocol.js';

const WSDL = readFileSync(fileURLToPath(new URL('./echo.wsdl', import.meta.url)), 'utf8');

interface EchoMessage { texte: string }

const services = {
  EchoService: {
    EchoPort: {
      echo: (args: EchoMessage): EchoMessage => ({ texte: args.texte })
    }
  }
};

serveChild(async ({ pki }) => {
  const server = createServer({ ...mtlsOptions(pki), keepAliveTimeout: 65_000 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // soap.listen parses the WSDL asynchronously; its callback says when the endpoint answers.
  await new Promise<void>((resolve, reject) => {
    listen(server, { path: '/echo', services, xml: WSDL, callback: (err: unknown) => (err ? reject(err) : resolve()) });
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })
  };
});
