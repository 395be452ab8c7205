/**
 * The nightly window (M1) and planned maintenance (M2) through the gateway, with a test clock: an ordinary day, both
 * daylight-saving days, a planned window refused at short notice then applied when due, and the exploitation
 * service that lists the windows and stays open during them.
 */
import { once } from 'node:events';
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, consultation, SOAP11_ENV, SOAP12_ENV, textOf } from '../support/soap-client.js';

const EXPLOITATION = 'http://esav.bfc-fibre.fr/exploitation/v1';

describe('maintenance windows (M1, M2)', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let admin: AdminRunner;
  const clock = fixedClock('2026-11-24T10:00:00Z');

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ database: db, clock, env: { ESAV_NIGHTLY_WINDOW_MINUTES: '15' } });
    admin = adminRunner(db.schema, gw.pki);
  });
  after(async () => { await gw.close(); await db.drop(); });

  const read = () => call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: gw.pki.opa, ca: gw.pki.ca });
  const windows = () => call(gw.url, { path: '/esav/exploitation/v1', body: `<e:Envelope xmlns:e="${SOAP11_ENV}"><e:Body><x:FenetresMaintenanceRequete xmlns:x="${EXPLOITATION}"><x:horizonJours>10</x:horizonJours></x:FenetresMaintenanceRequete></e:Body></e:Envelope>`, client: gw.pki.opa, ca: gw.pki.ca });

  it('answers a Server fault with Retry-After during the nightly window of an ordinary day, and normally after it', async () => {
    clock.set('2026-11-24T03:05:00Z'); // 04:05 Paris
    const r = await read();
    expect(textOf(r.body, 'faultcode')).to.equal('soap:Server');
    expect(textOf(r.body, 'code')).to.equal('SERVICE_EN_MAINTENANCE');
    expect(r.headers['retry-after']).to.equal('600');
    expect(textOf(r.body, 'reessayerApres')).to.equal('600');
    expect(textOf(r.body, 'prochaineFenetre')).to.equal('2026-11-24T03:15:00.000Z');
    expect(textOf(r.body, 'faultstring')).to.include("jusqu'à 24/11/2026 04:15");
    clock.set('2026-11-24T03:15:00Z');
    expect((await read()).status).to.equal(200);
  });

  it('answers 500 in SOAP 1.1 (WS-I BP) and 503 in SOAP 1.2 during the window, with Retry-After in both', async () => {
    clock.set('2026-11-24T03:05:00Z');
    const soap12 = consultation('FTTH-21-0000001', SOAP12_ENV);
    const r12 = await call(gw.url, { path: '/esav/prestation/v1', body: soap12, contentType: 'application/soap+xml; charset=utf-8', client: gw.pki.opa, ca: gw.pki.ca });
    expect(r12.status).to.equal(503);
    expect(r12.headers['retry-after']).to.equal('600');
    expect(textOf(r12.body, 'Value')).to.equal('soap:Receiver');
    expect(textOf(r12.body, 'code')).to.equal('SERVICE_EN_MAINTENANCE');
    const r11 = await read();
    expect(r11.status).to.equal(500);
    expect(r11.headers['retry-after']).to.equal('600');
    clock.set('2026-11-24T10:00:00Z');
  });

  it('keeps the window at 04:00 Paris on both daylight-saving days', async () => {
    clock.set('2027-03-28T02:05:00Z'); // 04:05 CEST, the day clocks go forward (prestation v1 is live then)
    expect(textOf((await read()).body, 'code')).to.equal('SERVICE_EN_MAINTENANCE');
    clock.set('2027-03-28T03:05:00Z'); // 05:05 CEST
    const after = await read();
    expect(after.status, after.body).to.equal(200);
    clock.set('2026-10-25T02:05:00Z'); // 03:05 CET, the day clocks go back
    expect((await read()).status).to.equal(200);
    clock.set('2026-10-25T03:05:00Z'); // 04:05 CET
    expect(textOf((await read()).body, 'code')).to.equal('SERVICE_EN_MAINTENANCE');
  });

  it('keeps the exploitation service open during the window', async () => {
    clock.set('2026-11-24T03:05:00Z');
    const r = await windows();
    expect(r.status).to.equal(200);
    expect(r.body).to.include('<type>NOCTURNE</type><debut>2026-11-24T03:00:00.000Z</debut><fin>2026-11-24T03:15:00.000Z</fin>');
  });

  it('refuses a planned window at short notice, then applies one announced in time when it is due', async () => {
    clock.set('2026-11-27T15:00:00Z'); // Friday
    const early = await admin(['maintenance', 'plan', '--from', '2026-11-30T22:00:00+01:00', '--to', '2026-11-30T23:30:00+01:00', '--reason', 'montée de version'], clock);
    expect(early.code).to.equal(1);
    expect(early.err).to.include('préavis de 2 jours ouvrés').and.include('2026-12-01');
    const applied = once(gw.app.registry.events, 'applied');
    const ok = await admin(['maintenance', 'plan', '--from', '2026-12-01T22:00:00+01:00', '--to', '2026-12-01T23:30:00+01:00', '--reason', 'montée de version'], clock);
    expect(ok.code, ok.err).to.equal(0);
    await applied;
    expect(await windows().then((r) => r.body)).to.include('<type>PLANIFIEE</type><debut>2026-12-01T21:00:00.000Z</debut><fin>2026-12-01T22:30:00.000Z</fin><motif>montée de version</motif>');
    clock.set('2026-12-01T21:30:00Z');
    const during = await read();
    expect(textOf(during.body, 'code')).to.equal('SERVICE_EN_MAINTENANCE');
    expect(textOf(during.body, 'faultstring')).to.include('montée de version');
    expect(during.headers['retry-after']).to.equal('3600');
    clock.set('2026-12-01T22:30:00Z');
    expect((await read()).status).to.equal(200);
  });
});
