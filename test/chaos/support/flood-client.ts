/**
 * The flooding operator, as a process of its own (so that its work does not delay the measuring client's event
 * loop): `FLOOD_URL`, `FLOOD_PKI` (the dev PKI directory), `FLOOD_CONNECTIONS` keep-alive connections in a closed
 * loop over the costly documents, as the operator OPA. On SIGTERM it prints its figures as one JSON line and exits.
 */
import { agentFor, post } from './mtls-clients.js';
import { costlyDocuments } from './costly-documents.js';

const url = process.env.FLOOD_URL!;
const connections = Number(process.env.FLOOD_CONNECTIONS ?? '12');
const agent = agentFor(process.env.FLOOD_PKI!, 'opa', connections);
const documents = costlyDocuments();
const codes: Record<string, number> = {};
let sent = 0;
let bytes = 0;
let running = true;
const t0 = performance.now();

const loops = Array.from({ length: connections }, async (_, w) => {
  for (let i = w; running; i++) {
    const d = documents[i % documents.length]!;
    const o = await post(url, agent, '/esav/prestation/v1', d.body, d.contentType);
    sent++;
    bytes += d.body.length;
    codes[o.code ?? 'OK'] = (codes[o.code ?? 'OK'] ?? 0) + 1;
  }
});
process.stdout.write('flooding\n');
process.on('SIGTERM', () => {
  running = false;
  void Promise.all(loops).then(() => {
    const s = (performance.now() - t0) / 1000;
    process.stdout.write(`${JSON.stringify({ sent, perSecond: sent / s, megabytesPerSecond: bytes / s / 1e6, codes })}\n`);
    agent.destroy();
    process.exit(0);
  });
});
