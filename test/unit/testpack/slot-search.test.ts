import { expect } from 'chai';
import { closedByClock, closedByGateway, slotSearchVariables } from '../../../src/testpack/slot-search.js';

describe('test pack: scenarios that search slots (closed 01:00–04:00 Paris)', () => {
  const closed = (iso: string): boolean => closedByClock(new Date(iso)) !== null;

  it('skips them from 01:00 to 04:00 Paris time, on an ordinary day and on both daylight-saving days', () => {
    // An ordinary winter day (UTC+1).
    expect([closed('2026-12-01T23:59:00Z'), closed('2026-12-02T00:00:00Z'), closed('2026-12-02T02:59:00Z'), closed('2026-12-02T03:00:00Z')])
      .to.deep.equal([false, true, true, false]);
    // Spring forward, 2026-03-29: 02:00 CET becomes 03:00 CEST; the window lasts two real hours.
    expect([closed('2026-03-28T23:59:00Z'), closed('2026-03-29T00:00:00Z'), closed('2026-03-29T01:00:00Z'), closed('2026-03-29T01:59:00Z'),
      closed('2026-03-29T02:00:00Z')]).to.deep.equal([false, true, true, true, false]);
    // Fall back, 2026-10-25: 03:00 CEST becomes 02:00 CET; the window lasts four real hours.
    expect([closed('2026-10-24T22:59:00Z'), closed('2026-10-24T23:00:00Z'), closed('2026-10-25T00:30:00Z'), closed('2026-10-25T01:30:00Z'),
      closed('2026-10-25T02:59:00Z'), closed('2026-10-25T03:00:00Z')]).to.deep.equal([false, true, true, true, true, false]);
    expect(closedByClock(new Date('2026-12-02T01:30:00Z'))).to.match(/^la recherche de créneaux est fermée de 01:00 à 04:00, heure de Paris .* \(il est 02 h à Paris\)$/);
  });

  it('reads the gateway\'s closed answer (ours and the InfoErreurType code 20) as a skip, unless the step expected it', () => {
    const fault = (code: string) => ({ code, message: 'Réessayez à 04:00', fields: [] });
    expect(closedByGateway(fault('RECHERCHE_CRENEAUX_FERMEE'), 'OK')).to.include('la passerelle a répondu RECHERCHE_CRENEAUX_FERMEE (Réessayez à 04:00)');
    expect(closedByGateway(fault('20'), 'OK')).to.include('la passerelle a répondu 20');
    expect(closedByGateway(fault('RECHERCHE_CRENEAUX_FERMEE'), 'RECHERCHE_CRENEAUX_FERMEE')).to.equal(null);
    expect(closedByGateway(fault('CRENEAU_INCONNU'), 'OK')).to.equal(null);
    expect(closedByGateway(undefined, 'OK')).to.equal(null);
  });

  it('gives the search periods in Paris wall-clock time, from two days ahead', () => {
    // 00:30 Paris on 1 December is still 30 November in UTC: the Paris date counts.
    expect(slotSearchVariables(new Date('2026-11-30T23:30:00Z'))).to.deep.equal({
      searchFrom: '2026-12-03T00:00:00', searchTo: '2026-12-09T23:59:59', laterFrom: '2026-12-10T00:00:00', laterTo: '2026-12-16T23:59:59'
    });
  });
});
