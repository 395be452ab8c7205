/**
 * No overbooking, ever (issue 16 part 4), end to end: two gateway instances, each with its own connection pool, on
 * one PostgreSQL; 50 concurrent rendezvous v1 bookings over mutual TLS of one slot of capacity 3, half through each
 * instance and from two operators, make exactly 3 appointments; the 47 others are refused CRENEAU_COMPLET.
 */
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { createPool, type Pool } from '../../src/store/database.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf } from '../support/soap-client.js';

const NS = 'http://esav.bfc-fibre.fr/rendezvous/v1';
const envelope = (body: string): string =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:r="${NS}"><s:Body>${body}</s:Body></s:Envelope>`;

describe('appointments: no overbooking across two gateway instances', function () {
  this.timeout(120_000);
  const clock = fixedClock('2026-12-02T10:00:00Z');
  let db: TestDatabase;
  let secondPool: Pool;
  let a: TestGateway;
  let b: TestGateway;

  before(async () => {
    db = await freshDatabase(10);
    secondPool = createPool({ connectionString: db.url, poolSize: 10, schema: db.schema, statementTimeoutMs: db.statementTimeoutMs });
    a = await startGateway({ database: db, clock });
    b = await startGateway({ database: { ...db, pool: secondPool }, clock });
    await sql(db.pool, 'UPDATE client_certificate SET not_before = LEAST(not_before, $1)', [new Date('2026-11-01T00:00:00Z')]);
  });
  after(async () => { await b?.close(); await a?.close(); await secondPool?.end(); await db?.drop(); });

  it('books exactly 3 of 50 concurrent bookings of a slot of capacity 3, half through each instance, from two operators', async () => {
    const post = (gw: TestGateway, client: typeof gw.pki.opa, op: string, body: string) =>
      call(gw.url, { path: '/esav/rendezvous/v1', soapAction: `${NS}/${op}`, client, ca: gw.pki.ca, body: envelope(body) });
    const offered = async (gw: TestGateway, client: typeof gw.pki.opa): Promise<Map<string, string>> => {
      const r = await post(gw, client, 'rechercheCreneaux', '<r:RechercheCreneauxRequete><r:typeRendezVous>SAV</r:typeRendezVous><r:codeInsee>21231</r:codeInsee>'
        + '<r:debut>2026-12-10T00:00:00</r:debut><r:fin>2026-12-10T23:59:59</r:fin></r:RechercheCreneauxRequete>');
      expect(r.status, r.body).to.equal(200);
      // start → idCreneau: each operator has its own idCreneau for the same slot.
      return new Map([...r.body.matchAll(/<idCreneau>([^<]+)<\/idCreneau>.*?<debut>([^<]+)<\/debut>.*?<placesLibres>3<\/placesLibres>/g)].map((m) => [m[2]!, m[1]!]));
    };
    const ofA = await offered(a, a.pki.opa);
    const ofB = await offered(b, b.pki.opb);
    const start = [...ofA.keys()].find((s) => ofB.has(s))!;
    expect(start, 'a slot offered to both').to.be.a('string');
    const attempts = Array.from({ length: 50 }, (_, i) => {
      const [gw, client, token] = i % 2 === 0 ? [a, a.pki.opa, ofA.get(start)!] : [b, b.pki.opb, ofB.get(start)!];
      return post(gw, client, 'priseRendezVous',
        `<r:PriseRendezVousRequete><r:idCreneau>${token}</r:idCreneau><r:typeRendezVous>SAV</r:typeRendezVous><r:codeInsee>21231</r:codeInsee></r:PriseRendezVousRequete>`)
        .then((r) => (r.status === 200 ? 'booked' : textOf(r.body, 'code') ?? `HTTP ${r.status}`));
    });
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === 'booked')).to.have.length(3);
    expect(outcomes.filter((o) => o !== 'booked').every((o) => o === 'CRENEAU_COMPLET'), outcomes.join(',')).to.equal(true);
    const { rows } = await sql<{ n: number; booked: number; capacity: number }>(db.pool,
      `SELECT (SELECT count(*)::int FROM appointment x WHERE x.slot_id = s.id) AS n, s.booked, s.capacity FROM appointment_slot s
        WHERE s.starts_at = $1 AND s.kind = 'SAV'`, [new Date(start)]);
    expect(rows).to.deep.equal([{ n: 3, booked: 3, capacity: 3 }]);
  });
});
