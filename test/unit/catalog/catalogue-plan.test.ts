import { expect } from 'chai';
import { catalogueVersionState, checkCataloguePlan } from '../../../src/domain/form-version-policy.js';

describe('form and code-list version plans (DOMAIN.md V2, V3)', () => {
  it('accepts a plan with two versions and a one-month window', () => {
    expect(checkCataloguePlan('form f', [{ version: 1, announced: '2025-11-03', production: '2026-01-05' }, { version: 2, announced: '2026-09-01', production: '2026-11-02' }])).to.deep.equal([]);
  });

  it('refuses a version announced less than two months before production', () => {
    expect(checkCataloguePlan('form f', [{ version: 1, announced: '2026-09-03', production: '2026-11-02' }])[0])
      .to.equal('rule V3: form f v1 is announced on 2026-09-03, less than 2 months before its production date 2026-11-02');
  });

  it('refuses three versions accepted at once', () => {
    const p = checkCataloguePlan('form f', [
      { version: 1, announced: '2025-01-01', production: '2025-06-02' },
      { version: 2, announced: '2025-09-01', production: '2026-01-05' },
      { version: 3, announced: '2025-11-01', production: '2026-01-20' }]);
    expect(p.some((x) => x.startsWith('rule V2') && x.includes('v1, v2, v3'))).to.equal(true);
  });

  it('gives the retirement date and the version to use', () => {
    const versions = [{ version: 1, announced: '2025-11-03', production: '2026-01-05' }, { version: 2, announced: '2026-09-01', production: '2026-11-02' }];
    expect(catalogueVersionState(versions, versions[0]!, new Date('2026-11-10T12:00:00Z'))).to.deep.equal({ state: 'live', acceptedUntil: '2026-12-02' });
    expect(catalogueVersionState(versions, versions[0]!, new Date('2026-12-02T12:00:00Z'))).to.deep.equal({ state: 'retired', since: '2026-12-02', use: 2 });
    expect(catalogueVersionState(versions, versions[1]!, new Date('2026-11-01T12:00:00Z'))).to.deep.equal({ state: 'announced' });
  });
});
