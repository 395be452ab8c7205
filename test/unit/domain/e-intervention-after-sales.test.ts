import { expect } from 'chai';
import { linkedTicketComments } from '../../../src/domain/e-intervention-after-sales.js';
import type { CutLine, Intervention } from '../../../src/domain/e-intervention.js';
import { instant } from '../../../src/domain/e-intervention-views.js';

const at = (iso: string): Date => new Date(iso);
const line = (over: Partial<CutLine> = {}): CutLine => ({
  operator: 'OPB', refPTO: 'FI-1', refPBO: 'PBO-1', nomModulePM: 'M', positionModulePM: '1', positionCoupleurOC: 'C', fibre: '1', tube: '1',
  couleurJarretiere: null, numeroSerieONT: null, serviceId: 'FTTH-1', cutAt: at('2026-07-01T08:00:00Z'), restoredAt: null, restoredByDo: false,
  reportedInTest: 0, ...over
});
const iv = (over: Partial<Intervention> = {}): Intervention => ({
  refIntervOI: 'BFCF-EI-1', doOperator: 'OPA', refIntervDO: 'D1', refPM: 'PM-1', refPMTechnique: 'PMT-1', refPBO: 'PBO-1', refPTO: null, nature: '4',
  elementReseau: null, description: null, startedAt: at('2026-07-01T07:00:00Z'), endedAt: null, state: 'EN_COURS', test: 0,
  testOpenedAt: at('2026-07-01T07:00:00Z'), declaredAt: at('2026-07-01T07:00:00Z'), closedAt: null, recipients: [], lines: [line()], ...over
});

describe('e-intervention after-sales comments (linkedTicketComments)', () => {
  it('writes nothing for a move that restores nothing and does not end the intervention', () => {
    expect(linkedTicketComments(iv(), iv({ test: 1 }))).to.deep.equal([]);
  });

  it('comments a restoration once, on its operator’s service, in Paris summer time', () => {
    const restored = iv({ lines: [line({ restoredAt: at('2026-07-01T08:30:00Z') })] });
    expect(linkedTicketComments(iv(), restored)).to.deep.equal([{
      operator: 'OPB', serviceId: 'FTTH-1', text: 'Intervention BFCF-EI-1 au PM PM-1 : ligne FI-1 rétablie le 01/07/2026 à 10:30 (heure de Paris).'
    }]);
    expect(linkedTicketComments(restored, restored)).to.deep.equal([]);
  });

  it('comments the end on every linked ticket, and a line left cut at the report on its own', () => {
    const ended = iv({ state: 'TERMINEE', endedAt: at('2026-12-01T16:00:00Z') });
    expect(linkedTicketComments(iv(), ended)).to.deep.equal([
      { operator: null, serviceId: null, text: 'Intervention BFCF-EI-1 au PM PM-1 terminée le 01/12/2026 à 17:00 (heure de Paris).' }
    ]);
    const closed = linkedTicketComments(ended, { ...ended, state: 'CLOTUREE', closedAt: at('2026-12-01T16:10:00Z') });
    expect(closed.map((c) => [c.operator, c.serviceId])).to.deep.equal([['OPB', 'FTTH-1']]);
    expect(closed[0]!.text).to.contain('n’a pas été rétablie');
  });
});

describe('e-intervention views: a date or an instant (instant)', () => {
  it('reads a Paris date as its midnight (its end with end), an instant with its offset, and refuses anything else naming the field', () => {
    expect(instant('2026-07-01', 'from')!.toISOString()).to.equal('2026-06-30T22:00:00.000Z');
    expect(instant('2026-12-01', 'to', true)!.toISOString()).to.equal('2026-12-01T23:00:00.000Z');
    expect(instant('2026-12-01T10:00:00+01:00', 'from')!.toISOString()).to.equal('2026-12-01T09:00:00.000Z');
    expect(instant(undefined, 'from')).to.equal(null);
    expect(() => instant('2026-12-01 10:00', 'from')).to.throw('from: a date YYYY-MM-DD');
  });
});
