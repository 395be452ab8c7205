/**
 * Concurrent booking (issue 16): the free SAV slots of a month of the DIJON zone are searched once (rendezvous v1),
 * then every place of every slot is booked, plus one attempt too many per slot, all at once over `concurrency`
 * keep-alive mTLS connections, in random order. Measures each booking's latency (p50, p99) and checks PostgreSQL's
 * capacity held: exactly as many appointments as places, every other attempt CRENEAU_COMPLET.
 */
import { Agent, request } from 'node:https';
import { createHistogram } from 'node:perf_hooks';
import { monthOfSlots, rendezvous } from './targets.js';
import type { ClientTls } from './load.js';

export interface BookingReport {
  readonly slots: number;
  /** Places offered by the search: the bookings that must succeed. */
  readonly places: number;
  readonly attempts: number;
  readonly booked: number;
  /** Refused CRENEAU_COMPLET: the attempts beyond the capacity. */
  readonly full: number;
  /** Any other answer. */
  readonly errors: number;
  readonly firstError: string | null;
  readonly concurrency: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** booked === places and no other answer than booked or full. */
  readonly capacityHeld: boolean;
}

const RDV = 'http://esav.bfc-fibre.fr/rendezvous/v1';

function post(agent: Agent, origin: string, path: string, headers: Readonly<Record<string, string>>, body: string): Promise<{ status: number; body: string }> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, servername: 'localhost', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const all = (xml: string, local: string): string[] => [...xml.matchAll(new RegExp(`<${local}>([^<]*)</${local}>`, 'g'))].map((m) => m[1]!);

export async function benchBooking(origin: string, tls: ClientTls, concurrency: number, days = 30): Promise<BookingReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: tls.ca, cert: tls.cert, key: tls.key });
  try {
    // Days 60 to 90 ahead: slots no other load books.
    const search = rendezvous(origin, 'rechercheCreneaux');
    const found = await post(agent, origin, search.path, search.headers, monthOfSlots('SAV', 60, days));
    if (found.status !== 200) throw new Error(`slot search answered ${found.status}: ${found.body.slice(0, 300)}`);
    const tokens = all(found.body, 'idCreneau');
    const free = all(found.body, 'placesLibres').map(Number);
    const attempts = tokens.flatMap((t, i) => Array.from({ length: free[i]! + 1 }, () => t));
    for (let i = attempts.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [attempts[i], attempts[j]] = [attempts[j]!, attempts[i]!];
    }
    const book = rendezvous(origin, 'priseRendezVous');
    const histogram = createHistogram();
    let booked = 0;
    let full = 0;
    let errors = 0;
    let firstError: string | null = null;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < attempts.length) {
        const token = attempts[next++]!;
        const body = `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>`
          + `<r:PriseRendezVousRequete xmlns:r="${RDV}"><r:idCreneau>${token}</r:idCreneau><r:typeRendezVous>SAV</r:typeRendezVous>`
          + '<r:codeInsee>21231</r:codeInsee></r:PriseRendezVousRequete></env:Body></env:Envelope>';
        const started = process.hrtime.bigint();
        const answer = await post(agent, origin, book.path, book.headers, body).catch((e: unknown) => ({ status: 0, body: String(e) }));
        histogram.record(Math.max(1, Number(process.hrtime.bigint() - started)));
        if (answer.status === 200 && answer.body.includes('<etat>CREE</etat>')) booked++;
        else if (answer.body.includes('<code>CRENEAU_COMPLET</code>')) full++;
        else {
          errors++;
          firstError ??= `HTTP ${answer.status}: ${answer.body.slice(0, 300)}`;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, attempts.length) }, worker));
    const places = free.reduce((a, b) => a + b, 0);
    const ms = (ns: number): number => Math.round(ns / 10_000) / 100;
    return {
      slots: tokens.length, places, attempts: attempts.length, booked, full, errors, firstError, concurrency,
      p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max),
      capacityHeld: booked === places && full === tokens.length && errors === 0
    };
  } finally {
    agent.destroy();
  }
}
