import { expect } from 'chai';
import {
  bindingLimits, categoryOf, limitDeclarationProblem, limitExceeded, minuteOf, volumetryDay, type LoadLimit
} from '../../../src/domain/load-rules.js';

describe('load rules (L1, L2)', () => {
  describe('categories of calls (L1)', () => {
    it('maps the signalisation operations to filing, state and history', () => {
      expect(categoryOf('signalisation', 'depotSignalisation')).to.equal('FILING');
      expect(categoryOf('signalisation', 'consultationEtat')).to.equal('STATE');
      expect(categoryOf('signalisation', 'consultationDetail')).to.equal('STATE');
      expect(categoryOf('signalisation', 'rechercheSignalisations')).to.equal('HISTORY');
    });

    it('maps the line-test and planned-works services by name, before they exist', () => {
      expect(categoryOf('test', 'lancementTest')).to.equal('LINE_TEST');
      expect(categoryOf('travaux', 'consultationTravaux')).to.equal('WORKS_INFO');
      expect(categoryOf('info-travaux-ftth', 'recherche')).to.equal('WORKS_INFO');
      expect(categoryOf('travaux-ftth', 'infoTravauxFTTH')).to.equal('WORKS_INFO');
    });

    it('counts every other operation as OTHER, outside the five', () => {
      for (const [service, op] of [['prestation', 'consultationPrestation'], ['catalogue', 'listeFormulaires'], ['signalisation', 'ajoutComplement'],
        ['signalisation', 'reponseCloture'], ['signalisation', 'annulationSignalisation'], ['exploitation', 'fenetresMaintenance'], ['testeur', 'x']] as const) {
        expect(categoryOf(service, op), `${service}.${op}`).to.equal('OTHER');
      }
    });

    it('counts a call on its Paris day, daylight saving included', () => {
      expect(volumetryDay(new Date('2026-11-24T22:59:59Z'))).to.equal('2026-11-24');
      expect(volumetryDay(new Date('2026-11-24T23:00:00Z'))).to.equal('2026-11-25');
      expect(volumetryDay(new Date('2026-07-01T21:59:59Z'))).to.equal('2026-07-01');
      expect(volumetryDay(new Date('2026-07-01T22:00:00Z'))).to.equal('2026-07-02');
    });
  });

  describe('declaring a limit (L2: announced the day before)', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    const at = (ms: number): Date => new Date(now.getTime() + ms);
    const DAY = 86_400_000;

    it('refuses a start less than 24 hours ahead, naming the earliest start', () => {
      const problem = limitDeclarationProblem(10, at(DAY - 60_000), null, now);
      expect(problem).to.include('the day before').and.include('2026-11-25T10:00:00.000Z');
      expect(limitDeclarationProblem(10, at(-60_000), null, now)).to.include('the day before');
    });

    it('accepts a start a day ahead or later', () => {
      expect(limitDeclarationProblem(10, at(DAY), null, now)).to.equal(null);
      expect(limitDeclarationProblem(10, at(DAY + 60_000), at(2 * DAY), now)).to.equal(null);
    });

    it('refuses a rate that is not a positive integer, and an end before the start', () => {
      expect(limitDeclarationProblem(0, at(2 * DAY), null, now)).to.include('--per-minute');
      expect(limitDeclarationProblem(2.5, at(2 * DAY), null, now)).to.include('--per-minute');
      expect(limitDeclarationProblem(Number.NaN, at(2 * DAY), null, now)).to.include('--per-minute');
      expect(limitDeclarationProblem(5, at(2 * DAY), at(2 * DAY), now)).to.include('--until');
    });
  });

  describe('limits in force', () => {
    const limit = (scope: LoadLimit['scope'], perMinute: number, start: string, end: string | null = null): LoadLimit =>
      ({ id: `${scope}-${perMinute}`, operatorId: '1', operatorCode: 'OPA', scope, perMinute, start: new Date(start), end: end === null ? null : new Date(end) });
    const limits = [limit('FILING', 5, '2026-11-25T10:00:00Z'), limit('ALL', 100, '2026-11-25T10:00:00Z', '2026-11-26T10:00:00Z'), limit('STATE', 1, '2026-12-01T00:00:00Z')];

    it("binds a call by its category's limit and by ALL, from the start and before the end", () => {
      expect(bindingLimits(limits, 'FILING', new Date('2026-11-25T09:59:59Z'))).to.deep.equal([]);
      expect(bindingLimits(limits, 'FILING', new Date('2026-11-25T10:00:00Z')).map((l) => l.id)).to.deep.equal(['FILING-5', 'ALL-100']);
      expect(bindingLimits(limits, 'HISTORY', new Date('2026-11-25T12:00:00Z')).map((l) => l.id)).to.deep.equal(['ALL-100']);
      expect(bindingLimits(limits, 'HISTORY', new Date('2026-11-26T10:00:00Z'))).to.deep.equal([]);
    });

    it('never binds OTHER calls: they are not requests of article 6', () => {
      expect(bindingLimits(limits, 'OTHER', new Date('2026-11-25T12:00:00Z'))).to.deep.equal([]);
    });

    it('answers LIMITE_DEPASSEE with the limit, the Paris minute and the seconds to the next minute', () => {
      const now = new Date('2026-11-25T10:07:42.300Z');
      expect(minuteOf(now).toISOString()).to.equal('2026-11-25T10:07:00.000Z');
      const e = limitExceeded(limits[0]!, now);
      expect(e.definition.wireCode).to.equal('LIMITE_DEPASSEE');
      expect(e.definition.httpStatus).to.equal(429);
      expect(e.detail.retryAfterSeconds).to.equal(18);
      expect(e.detail.nextWindow?.toISOString()).to.equal('2026-11-25T10:08:00.000Z');
      expect(e.message).to.include('5 requêtes par minute').and.include('catégorie FILING').and.include('11:07 à 11:08');
    });
  });
});
