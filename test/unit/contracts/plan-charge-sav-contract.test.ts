/**
 * planChargeSav v1 is Interop'Fibre's PlanChargeFtthSav: our XSD is the original's inline schema, our WSDL the
 * original but for its types (imported), and docs/fault-codes-plan-charge-sav.md lists exactly our InfoErreurType codes.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { PLAN_CHARGE_CODES } from '../../../src/services/plan-charge-sav/v1/fault-codes.js';
import { sharedPath } from '../../support/shared.js';

const ORIGINAL = readFileSync(sharedPath('interop', 'plan-charge-sav', 'planChargeSavFtth.wsdl'), 'utf8');
const OURS = readFileSync(new URL('../../../wsdl/plan-charge-sav/v1/plan-charge-sav.wsdl', import.meta.url), 'utf8');
const XSD = readFileSync(new URL('../../../xsd/plan-charge-sav/v1/plan-charge-sav.xsd', import.meta.url), 'utf8');

/** Whitespace between tags and runs of spaces do not count. */
const squeeze = (xml: string): string => xml.replace(/>\s+</g, '><').replace(/\s+/g, ' ').trim();
const inline = (wsdl: string): string => /<xs:schema attributeFormDefault[\s\S]*?<\/xs:schema>/.exec(wsdl)![0];

describe('planChargeSav v1 contract', () => {
  it('keeps the original inline schema, unchanged, in its XSD', () => {
    expect(squeeze(XSD.slice(XSD.indexOf('<xs:schema')).replace('<xs:schema xmlns:tns="http://interop-fibre.fr" ', '<xs:schema ')))
      .to.equal(squeeze(inline(ORIGINAL)));
  });

  it('keeps everything else of the original WSDL: messages, portType, binding, service', () => {
    const after = (wsdl: string): string => squeeze(wsdl.slice(wsdl.indexOf('</wsdl:types>')));
    expect(after(OURS)).to.equal(after(ORIGINAL));
    const root = (wsdl: string): string => squeeze(/<wsdl:definitions[^>]*>/.exec(wsdl)![0]);
    expect(root(OURS)).to.equal(root(ORIGINAL));
  });

  it('documents every InfoErreurType code beside the fault catalogue', () => {
    const doc = readFileSync(new URL('../../../docs/fault-codes-plan-charge-sav.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| (\d+) \| ([A-Z_]+|any other) \|/gm)].map((m) => [m[2] === 'any other' ? 'default' : m[2], Number(m[1])]);
    expect(Object.fromEntries(rows)).to.deep.equal({ ...PLAN_CHARGE_CODES });
  });
});
