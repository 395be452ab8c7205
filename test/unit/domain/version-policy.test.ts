import { expect } from 'chai';
import { checkVersionPlan, liveVersions, versionState, type ServicePlan, type VersionDeclaration } from '../../../src/domain/version-policy.js';

const v = (version: number, announced: string, production: string, sunset: string | null, change: 'minor' | 'major' = 'major'): VersionDeclaration =>
  ({ version, change, announced, production, sunset });
const plan = (...versions: VersionDeclaration[]): ServicePlan => ({ service: 'tickets', versions });

describe('version policy (DOMAIN.md V1, V3)', () => {
  it('accepts a lawful plan: v1 kept 3 months after v2 goes live, both announced in time', () => {
    expect(checkVersionPlan(plan(v(1, '2025-01-01', '2025-07-01', '2026-10-01'), v(2, '2026-01-01', '2026-07-01', null)))).to.deep.equal([]);
  });

  it('refuses more than two versions live at once, naming rule V1 and the versions', () => {
    const problems = checkVersionPlan(plan(
      v(1, '2024-01-01', '2024-07-01', '2025-08-01'), v(2, '2024-07-01', '2025-02-01', '2025-08-01'), v(3, '2025-01-01', '2025-07-15', null)));
    expect(problems.some((p) => p.startsWith('rule V1') && p.includes('3 versions') && p.includes('v1, v2, v3'))).to.equal(true);
  });

  it('refuses an old version kept less than 1 month after its successor went live', () => {
    const [p] = checkVersionPlan(plan(v(1, '2025-01-01', '2025-07-01', '2026-07-20'), v(2, '2026-01-01', '2026-07-01', null)));
    expect(p).to.match(/^rule V1: tickets v1 is retired on 2026-07-20, less than 1 month after tickets v2 goes live \(2026-07-01\); earliest 2026-08-01$/);
  });

  it('refuses an old version kept more than 6 months after its successor went live', () => {
    const [p] = checkVersionPlan(plan(v(1, '2025-01-01', '2025-07-01', '2027-01-02'), v(2, '2026-01-01', '2026-07-01', null)));
    expect(p).to.include('rule V1').and.include('more than 6 months').and.include('latest 2027-01-01');
  });

  it('refuses an old version without a sunset once a successor is planned', () => {
    const [p] = checkVersionPlan(plan(v(1, '2025-01-01', '2025-07-01', null), v(2, '2026-01-01', '2026-07-01', null)));
    expect(p).to.include('rule V1').and.include('has no sunset date');
  });

  it('refuses a major version announced less than 6 months before production', () => {
    const [p] = checkVersionPlan(plan(v(1, '2026-01-02', '2026-07-01', null, 'major')));
    expect(p).to.equal('rule V3: tickets v1 is a major evolution announced on 2026-01-02, less than 6 months before its production date 2026-07-01');
  });

  it('refuses a minor version announced less than 2 months before production, accepts exactly 2 months', () => {
    expect(checkVersionPlan(plan(v(1, '2026-05-02', '2026-07-01', null, 'minor')))[0]).to.include('rule V3').and.include('less than 2 months');
    expect(checkVersionPlan(plan(v(1, '2026-05-01', '2026-07-01', null, 'minor')))).to.deep.equal([]);
  });

  it('refuses dates that are not calendar dates', () => {
    expect(checkVersionPlan(plan(v(1, '2026-02-30', '2026-07-01', null)))[0]).to.include('announced "2026-02-30" is not a date');
  });

  describe('state at an instant (dates begin at 00:00 Paris time)', () => {
    const p = plan(v(1, '2025-01-01', '2025-07-01', '2026-10-01'), v(2, '2026-01-01', '2026-07-01', null));
    const [v1, v2] = p.versions as [VersionDeclaration, VersionDeclaration];

    it('is announced before production, live after, deprecated once the successor is live, retired at sunset', () => {
      expect(versionState(p, v2, new Date('2026-06-30T21:59:59Z'))).to.equal('announced'); // 23:59:59 in Paris (CEST)
      expect(versionState(p, v2, new Date('2026-06-30T22:00:00Z'))).to.equal('live'); // 00:00 in Paris
      expect(versionState(p, v1, new Date('2026-06-30T21:59:59Z'))).to.equal('live');
      expect(versionState(p, v1, new Date('2026-06-30T22:00:00Z'))).to.equal('deprecated');
      expect(versionState(p, v1, new Date('2026-09-30T21:59:59Z'))).to.equal('deprecated');
      expect(versionState(p, v1, new Date('2026-09-30T22:00:00Z'))).to.equal('retired');
    });

    it('lists the live versions newest first', () => {
      expect(liveVersions(p, new Date('2026-08-01T12:00:00Z')).map((x) => x.version)).to.deep.equal([2, 1]);
      expect(liveVersions(p, new Date('2026-12-01T12:00:00Z')).map((x) => x.version)).to.deep.equal([2]);
    });
  });
});
