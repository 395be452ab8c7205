import { expect } from 'chai';
import { checkInventory, importScope, type KnownElement, type RawInventoryRow } from '../../../src/domain/network-inventory.js';

const row = (line: number, type: string, reference: string, parent = '', extra: Partial<RawInventoryRow['fields']> = {}): RawInventoryRow =>
  ({ line, fields: { type, reference, parent, ...extra } });

describe('network inventory rows', () => {
  it('places every element under its PM, its PMT and its PBO, parents before children', () => {
    const { elements, problems } = checkInventory([
      row(2, 'PTO', 'T1', 'B1', { immeuble: 'I1' }), row(3, 'pbo', 'B1', 'P1', { pmt: 'M1' }), row(4, 'PMT', 'M1', 'P1'), row(5, 'PM', 'P1')], new Map());
    expect(problems).to.deep.equal([]);
    expect(elements.map((e) => [e.kind, e.ref, e.pmRef, e.pmtRef, e.pboRef])).to.deep.equal([
      ['PM', 'P1', null, null, null], ['PMT', 'M1', 'P1', null, null], ['PBO', 'B1', 'P1', 'M1', null], ['PTO', 'T1', 'P1', 'M1', 'B1']]);
    expect(importScope(elements)).to.deep.equal(['P1']);
  });

  it('finds parents in the database when the file does not hold them, and takes their PM into the scope', () => {
    const known = new Map<string, KnownElement>([['B9', { kind: 'PBO', ref: 'B9', pmRef: 'P9', pmtRef: 'M9' }]]);
    const { elements } = checkInventory([row(2, 'PTO', 'T9', 'B9', { immeuble: 'I' })], known);
    expect(elements[0]).to.deep.include({ pmRef: 'P9', pmtRef: 'M9', pboRef: 'B9' });
    expect(importScope(elements)).to.deep.equal(['P9']);
  });

  it('refuses a PBO on a technical PM of another PM, and fields that do not belong to the kind', () => {
    const { problems } = checkInventory([row(2, 'PM', 'P1'), row(3, 'PM', 'P2'), row(4, 'PMT', 'M2', 'P2'), row(5, 'PBO', 'B1', 'P1', { pmt: 'M2' })], new Map());
    expect(problems).to.deep.equal([{ line: 5, field: 'pmt', message: 'M2 est un PM technique de P2, pas de P1' }]);
    const wrong = checkInventory([row(2, 'PM', 'P1', 'X', { immeuble: 'I' }), row(3, 'PMT', 'M1', 'P1', { pmt: 'M1' })], new Map()).problems;
    expect(wrong.map((p) => `${p.line} ${p.field}`)).to.deep.equal(['2 parent', '2 immeuble', '3 pmt']);
  });
});
