/**
 * Same-work peer (p1), issue 20: what a competent Node team would write instead of the gateway with the usual tools,
 * the `soap` package's server on our published signalisation v2 WSDL and a `pg` pool, on a Node https server with
 * the same mutual TLS, against the gateway child's PostgreSQL (same schema, same seeded tickets).
 *
 * Per request it does what the gateway does for the same two operations, minus what the brief leaves out:
 * - consultationEtat: one parameterised query that reads the ticket's state, scoped to the operator whose client
 *   certificate (SHA-256 fingerprint) is registered (the registry is read in the same query, every request);
 * - depotSignalisation: one transaction (BEGIN, the ticket, its first transition, its event, COMMIT) per request,
 *   committed before the answer (durable, synchronous_commit as the server has it). No form validation: the peer
 *   trusts its input (the soap package parses the envelope and the form into an object; nothing checks the form
 *   against the catalogue's XSD nor the service's conditions). No batching: one transaction per filing.
 * Nothing else is tuned: the soap package's defaults, a pg Pool of the gateway's default size (20, so that both sides
 * have the same number of PostgreSQL connections), the deployed Node flags.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { listen } from 'soap';
import { mtlsOptions, serveChild } from './protocol.js';

/** The published WSDL, resolved as a file so that its schema imports (../../../xsd/…) are found. */
function wsdlPath(): string {
  // From scripts/bench (tsx) or <build>/scripts/bench (compiled): the repository's wsdl/ is found upwards.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'wsdl', 'signalisation', 'v2', 'signalisation.wsdl');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('wsdl/signalisation/v2/signalisation.wsdl not found above the peer');
}

const TMF621: Readonly<Record<string, string>> = {
  EN_DEPOT: 'acknowledged', EN_QUALIFICATION: 'acknowledged', EN_REJET: 'rejected', EN_COURS: 'inProgress',
  GELE: 'pending', CLOS: 'resolved', VALIDE: 'resolved', CLOS_TABLEAU_DE_BORD: 'closed', ANNULE: 'cancelled'
};

interface SoapRequest { socket: TLSSocket }
interface SoapFault { Fault: { faultcode: string; faultstring: string } }

/** The client certificate's fingerprint as the registry stores it (lowercase hex, no colons). */
function fingerprintOf(req: SoapRequest): string {
  const cert = req.socket.getPeerCertificate();
  return createHash('sha256').update(cert.raw).digest('hex');
}

const fault = (code: string, text: string): { Fault: SoapFault['Fault'] } => ({ Fault: { faultcode: `soap:${code}`, faultstring: text } });

const READ_STATE = `SELECT t.reference, t.state, t.state_changed_at
  FROM ticket t JOIN client_certificate c ON c.operator_id = t.operator_id AND c.state = 'active'
 WHERE c.fingerprint_sha256 = $1 AND t.reference = $2`;

const INSERT_TICKET = `INSERT INTO ticket (reference, operator_id, service_pk, service_id, offer_code, operator_reference, content_hash,
                    form_id, form_version, form_fields, state, accepted_at, state_changed_at)
  SELECT 'SIG-' || to_char(now() AT TIME ZONE 'Europe/Paris', 'YYYY') || '-' || ticket_number_text(nextval('ticket_number')),
         s.operator_id, s.id, s.service_id, s.offer_code, $3, $4, 'FTTH', 2, $5::jsonb, 'EN_DEPOT', now(), now()
    FROM client_certificate c JOIN service s ON s.operator_id = c.operator_id AND s.service_id = $2
   WHERE c.fingerprint_sha256 = $1 AND c.state = 'active'
  RETURNING id, operator_id, reference, accepted_at`;
const INSERT_TRANSITION = `INSERT INTO ticket_transition (ticket_id, operator_id, from_state, to_state, at, actor_kind, actor)
  VALUES ($1, $2, NULL, 'EN_DEPOT', $3, 'operator', 'peer')`;
const INSERT_EVENT = `INSERT INTO ticket_event (ticket_id, operator_id, kind, payload, at)
  VALUES ($1, $2, 'state', jsonb_build_object('reference', $3::text, 'from', NULL, 'to', 'EN_DEPOT', 'reason', NULL), $4)`;

function services(pool: pg.Pool) {
  const port = {
    async consultationEtat(args: { referenceSignalisation?: string }, _cb: unknown, _headers: unknown, req: SoapRequest) {
      const { rows } = await pool.query<{ reference: string; state: string; state_changed_at: Date }>(READ_STATE, [fingerprintOf(req), args.referenceSignalisation ?? '']);
      const t = rows[0];
      if (!t) throw fault('Client', 'Signalisation inconnue');
      return { referenceSignalisation: t.reference, etat: t.state, etatTMF621: TMF621[t.state] ?? t.state, dateEtat: t.state_changed_at.toISOString() };
    },
    async depotSignalisation(args: { identifiantPrestation?: string; referenceOperateur?: string; formulaire?: unknown }, _cb: unknown, _headers: unknown, req: SoapRequest) {
      const form = JSON.stringify(args.formulaire ?? null);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ id: string; operator_id: string; reference: string; accepted_at: Date }>(INSERT_TICKET,
          [fingerprintOf(req), args.identifiantPrestation ?? '', args.referenceOperateur ?? '', createHash('sha256').update(form).digest('hex'), form]);
        const t = rows[0];
        if (!t) throw fault('Client', 'Prestation inconnue');
        await client.query(INSERT_TRANSITION, [t.id, t.operator_id, t.accepted_at]);
        await client.query(INSERT_EVENT, [t.id, t.operator_id, t.reference, t.accepted_at]);
        await client.query('COMMIT');
        return { referenceSignalisation: t.reference, dateAcceptation: t.accepted_at.toISOString(), etat: 'EN_DEPOT', dejaDeposee: false };
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    }
  };
  return { SignalisationService: { SignalisationSoap11Port: port, SignalisationSoap12Port: port } };
}

serveChild(async ({ pki, connectionString }) => {
  if (!connectionString) throw new Error('the soap + pg peer needs the gateway child\'s PostgreSQL (connectionString)');
  const pool = new pg.Pool({ connectionString, max: 20 });
  pool.on('error', () => undefined);
  const server: Server = createServer({ ...mtlsOptions(pki), keepAliveTimeout: 65_000 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const wsdl = wsdlPath();
  await new Promise<void>((resolve, reject) => {
    listen(server, {
      path: '/esav/signalisation/v2', services: services(pool), xml: readFileSync(wsdl, 'utf8'), uri: wsdl,
      callback: (err: unknown) => (err ? reject(err) : resolve())
    });
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.end().catch(() => undefined);
    }
  };
});
