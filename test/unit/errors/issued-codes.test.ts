import { expect } from 'chai';
import { internalCodes } from '../../../src/errors/internal-codes.js';
import { errorRegistry } from '../../../src/errors/registry.js';
import issued from './issued-codes.json' with { type: 'json' };
import { issuedCodeProblems, type FaultEntry, type IssuedCodes } from './issued-codes.js';

describe('issued error codes', () => {
  const faults: Readonly<Record<string, FaultEntry>> = errorRegistry;
  const ledger: IssuedCodes = { faults: issued.faults, internal: issued.internal };

  it('holds every code of the registries, and the registries every code ever issued', () => {
    expect(issuedCodeProblems(ledger, faults, internalCodes)).to.deep.equal([]);
  });

  it('gives every internal code a one-line description', () => {
    for (const [code, d] of Object.entries(internalCodes)) {
      expect(code).to.match(/^(ESAV|ADMIN)_[A-Z0-9_]+$/);
      expect(d.description, code).to.match(/^[^\n]{10,140}$/);
    }
  });

  it('refuses a code that disappears from the registry instead of being retired', () => {
    const { ESAV_XML_DOCTYPE: _gone, ...rest } = errorRegistry;
    expect(issuedCodeProblems(ledger, rest, internalCodes)).to.deep.equal(['ESAV_XML_DOCTYPE was issued and is gone from the fault registry: mark it retired instead']);
    const { ESAV_INVARIANT: _also, ...internalRest } = internalCodes;
    expect(issuedCodeProblems(ledger, faults, internalRest)).to.deep.equal(['ESAV_INVARIANT was issued and is gone from internal-codes.ts: mark it retired instead']);
  });

  it('accepts a retired code that stays in the registry', () => {
    const retired = { ...errorRegistry, ESAV_XML_DOCTYPE: { ...errorRegistry.ESAV_XML_DOCTYPE, retired: { on: '2026-12-02', reason: 'test' } } };
    expect(issuedCodeProblems(ledger, retired, internalCodes)).to.deep.equal([]);
  });

  it("refuses a retired code's wire code given to another entry", () => {
    const reused = {
      ...errorRegistry,
      ESAV_XML_DOCTYPE: { ...errorRegistry.ESAV_XML_DOCTYPE, retired: { on: '2026-12-02', reason: 'test' } },
      ESAV_XML_DTD: { wireCode: 'XML_DTD_INTERDITE' }
    };
    const withNew: IssuedCodes = { ...ledger, faults: [...ledger.faults, { code: 'ESAV_XML_DTD', wireCode: 'XML_DTD_INTERDITE' }] };
    expect(issuedCodeProblems(withNew, reused, internalCodes)).to.deep.equal([
      'wire code XML_DTD_INTERDITE belongs to ESAV_XML_DOCTYPE and is given again to ESAV_XML_DTD',
      'wire code XML_DTD_INTERDITE belongs to ESAV_XML_DOCTYPE (retired) and is given again to ESAV_XML_DTD'
    ]);
  });

  it('refuses a new code that is not added to the list', () => {
    const grown = { ...errorRegistry, ESAV_NEW_THING: { wireCode: 'NOUVELLE_CHOSE' } };
    expect(issuedCodeProblems(ledger, grown, internalCodes)).to.deep.equal(['ESAV_NEW_THING is new: add it to issued-codes.json']);
    const grownInternal = { ...internalCodes, ESAV_NEW_INTERNAL: {} };
    expect(issuedCodeProblems(ledger, faults, grownInternal)).to.deep.equal(['ESAV_NEW_INTERNAL is new: add it to issued-codes.json']);
  });

  it('refuses a wire code that changes, and one code in both registries', () => {
    const changed = { ...errorRegistry, ESAV_XML_LIMIT: { wireCode: 'XML_TROP_GRAND' } };
    expect(issuedCodeProblems(ledger, changed, internalCodes)).to.deep.equal(['ESAV_XML_LIMIT went out as XML_LIMITE_DEPASSEE and now says XML_TROP_GRAND: a wire code never changes']);
    const both = { ...internalCodes, ESAV_INTERNAL: {} };
    const withBoth: IssuedCodes = { ...ledger, internal: [...ledger.internal, 'ESAV_INTERNAL'] };
    expect(issuedCodeProblems(withBoth, faults, both)).to.deep.equal(['ESAV_INTERNAL is both a fault code and an internal code']);
  });
});
