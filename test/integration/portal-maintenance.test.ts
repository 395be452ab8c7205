/**
 * e-SAV en ligne during maintenance (issue 21, M1/M2): in a planned window, as in the nightly one, every page is the
 * one saying when the portal is back (503, Retry-After) with the coming windows; once the window is over the portal
 * serves again. The clock is injected: the windows are planned, entered and left without waiting.
 */
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { createMaintenanceSchedule, planMaintenance } from '../../src/store/maintenance-store.js';
import { PortalClient, startPortal, type TestPortal } from '../support/portal.js';

describe('e-SAV en ligne during a planned maintenance (M2)', () => {
  let p: TestPortal;
  let q: TestPortal;
  const clock = fixedClock('2026-12-01T09:00:00Z');
  before(async () => {
    p = await startPortal({ clock });
    await planMaintenance(p.db.pool, new Date('2026-12-05T13:00:00Z'), new Date('2026-12-05T15:00:00Z'), 'montée de version', 'test', clock.now());
    await planMaintenance(p.db.pool, new Date('2026-12-08T19:00:00Z'), new Date('2026-12-08T20:00:00Z'), 'changement de matériel', 'test', clock.now());
    clock.set('2026-12-05T13:30:00Z');
    const maintenance = await createMaintenanceSchedule(p.db.pool, { startMinute: 240, durationMinutes: 15 }, clock.now());
    q = await startPortal({ clock, maintenance });
  });
  after(async () => { await q?.close(); await p?.close(); });

  it('shows when the portal is back and the coming windows, on every page, then serves again once the window is over', async () => {
    const visitor = new PortalClient(q.url, q.ca);
    try {
      for (const path of ['/connexion', '/', '/signalisations']) {
        const r = await visitor.get(path);
        expect(r.status, path).to.equal(503);
        expect(r.headers['retry-after'], path).to.equal(String(90 * 60));
        // 15:00 UTC is 16:00 in Paris; the coming windows: the nightly ones (04:00–04:15 Paris) and the other planned one.
        expect(r.body, path).to.include('Service en maintenance').and.include('montée de version').and.include('Retour prévu le').and.include('16:00');
        expect(r.body, path).to.include('Prochaines interruptions').and.include('6 décembre 2026 à 04:00 – 6 décembre 2026 à 04:15')
          .and.include('8 décembre 2026 à 20:00 – 8 décembre 2026 à 21:00 : changement de matériel');
      }
      clock.set('2026-12-05T15:00:01Z');
      const back = await visitor.get('/connexion');
      expect(back.status).to.equal(200);
      expect(back.body).to.not.include('Service en maintenance');
    } finally {
      await visitor.close();
    }
  });
});
