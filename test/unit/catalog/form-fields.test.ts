import { expect } from 'chai';
import type { FormVersion } from '../../../src/catalog/catalog-types.js';
import { readFormFields } from '../../../src/catalog/form-validator.js';
import { elementTree } from '../../../src/xml/element-tree.js';
import { libxml } from '../../../src/xml/libxml.js';

const NS = 'urn:test:form';
const fv = { definition: { namespace: NS } } as unknown as FormVersion;

function fields(xml: string) {
  return readFormFields(elementTree(libxml.parseXml(xml)), fv);
}

describe('form fields of a form element', () => {
  it('reads nested paths, trims, and says null for an absent or empty field', () => {
    const f = fields(`<F xmlns="${NS}"><a> un </a><b><c>deux</c><d/></b><e>   </e></F>`);
    expect(f('a')).to.equal('un');
    expect(f('b/c')).to.equal('deux');
    expect(f('b/d')).to.equal(null);
    expect(f('e')).to.equal(null);
    expect(f('z')).to.equal(null);
    expect(f('a/c')).to.equal(null);
    expect(f('b')).to.equal('deux');
  });

  it('takes the first element of a path, and ignores elements of other namespaces', () => {
    const f = fields(`<F xmlns="${NS}" xmlns:x="urn:other"><x:a>autre</x:a><a>premier</a><a>second<c>enfant</c></a><b><x:c>non</x:c></b></F>`);
    expect(f('a')).to.equal('premier');
    // The first <a> has no <c>: the field is absent, as a walk of first children would say.
    expect(f('a/c')).to.equal(null);
    expect(f('b/c')).to.equal(null);
  });
});
