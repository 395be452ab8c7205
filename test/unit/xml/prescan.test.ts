import { expect } from 'chai';
import { EsavError } from '../../../src/errors/esav-error.js';
import { prescanXml } from '../../../src/xml/prescan.js';

const limits = { maxDepth: 4, maxAttributes: 3 };

function refusal(xml: string): EsavError {
  try {
    prescanXml(xml, limits);
  } catch (e) {
    if (e instanceof EsavError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('xml prescan', () => {
  it('refuses a DOCTYPE before any parser sees it', () => {
    expect(refusal('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>').definition.wireCode).to.equal('XML_DTD_INTERDITE');
  });

  it('refuses any markup declaration, whatever its case or position', () => {
    expect(refusal('<a><!ENTITY x "y"></a>').code).to.equal('ESAV_XML_DOCTYPE');
    expect(refusal('<!doctype a><a/>').code).to.equal('ESAV_XML_DOCTYPE');
  });

  it('refuses a document of more elements than its budget, wherever they are, and counts no end tag', () => {
    const flat = (n: number): string => `<a>${'<b/>'.repeat(n - 1)}</a>`;
    expect(() => prescanXml(flat(10), { ...limits, maxElements: 10 })).not.to.throw();
    let error: unknown;
    try { prescanXml(flat(11), { ...limits, maxElements: 10 }); } catch (e) { error = e; }
    expect((error as EsavError).code).to.equal('ESAV_XML_LIMIT');
    expect((error as EsavError).message).to.include("nombre d'éléments du message");
    expect(() => prescanXml(`<a>${'<b></b>'.repeat(9)}</a>`, { ...limits, maxElements: 10 })).not.to.throw();
  });

  it('lets comments, CDATA and processing instructions that merely mention a DOCTYPE through', () => {
    expect(() => prescanXml('<?xml version="1.0"?><!-- <!DOCTYPE x> --><a><![CDATA[<!DOCTYPE y>]]><?pi <!DOCTYPE z>?></a>', limits)).not.to.throw();
  });

  it('refuses nesting deeper than the limit and names the line', () => {
    const e = refusal('<a>\n<b>\n<c>\n<d>\n<e></e></d></c></b></a>');
    expect(e.code).to.equal('ESAV_XML_LIMIT');
    expect(e.message).to.include('profondeur').and.include('(4)').and.include('ligne 5');
  });

  it('accepts exactly the depth limit, self-closing elements adding no depth', () => {
    expect(() => prescanXml('<a><b><c><d/><d></d></c></b></a>', limits)).not.to.throw();
  });

  it('refuses more attributes than the limit on one element, not counting = inside values', () => {
    expect(refusal('<a x="1" y="2" z="3" w="4"/>').message).to.include("nombre d'attributs");
    expect(() => prescanXml('<a x="a=b=c" y=\'d=e\' z="3"/>', limits)).not.to.throw();
  });
});
