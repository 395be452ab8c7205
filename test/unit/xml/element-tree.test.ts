import { expect } from 'chai';
import { attributeValue, childText, elementTree } from '../../../src/xml/element-tree.js';
import { parseXmlHardened } from '../../../src/xml/hardened-parser.js';

const limits = { maxDepth: 64, maxAttributes: 64 };
const tree = (xml: string | Buffer) => elementTree(parseXmlHardened(Buffer.isBuffer(xml) ? xml : Buffer.from(xml), limits));

describe('element tree (a parsed request as plain objects)', () => {
  it('gives namespaces, local names, element children in order and the text of descendants', () => {
    const t = tree('<?xml version="1.0" encoding="UTF-8"?><e:A xmlns:e="urn:e" xmlns="urn:d"><B>un<!-- remarque --> <C>deux</C></B><e:D><![CDATA[<trois> & ]]></e:D><?pi x?></e:A>');
    expect([t.namespace, t.name]).to.deep.equal(['urn:e', 'A']);
    expect(t.children.map((c) => `{${c.namespace}}${c.name}`)).to.deep.equal(['{urn:d}B', '{urn:e}D']);
    expect(t.children[0]!.text).to.equal('un deux');
    expect(childText(t, 'D')).to.equal('<trois> &');
    expect(t.text).to.equal('un deux<trois> & ');
  });

  it('decodes character and predefined references in text and attribute values, as the document says them', () => {
    const t = tree('<a xmlns:s="urn:s" s:mustUnderstand="&#49;" titre="a &amp; b &lt;c&gt; &#x20AC; &quot;q&quot;">x &amp; y &#233;</a>');
    expect(attributeValue(t, 'urn:s', 'mustUnderstand')).to.equal('1');
    expect(attributeValue(t, '', 'titre')).to.equal('a & b <c> € "q"');
    expect(attributeValue(t, 'urn:other', 'mustUnderstand')).to.equal(null);
    expect(t.text).to.equal('x & y é');
  });

  it('decodes an attribute value once: an escaped reference stays the text of a reference', () => {
    // libxml2 hands the value decoded; decoding it again turned "&amp;lt;" into "<" (found by the tree reader's
    // differential test).
    const t = tree('<a b="&amp;lt;" c="&#38;#65;" d="1&#10;2"/>');
    expect(attributeValue(t, '', 'b')).to.equal('&lt;');
    expect(attributeValue(t, '', 'c')).to.equal('&#65;');
    expect(attributeValue(t, '', 'd')).to.equal('1\n2');
  });

  it('reads a request declared in ISO-8859-1 and one in UTF-16 like a UTF-8 one', () => {
    const latin1 = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a xmlns="urn:x">'), Buffer.from([0xe9, 0x74, 0xe9]), Buffer.from('</a>')]);
    expect(tree(latin1).text).to.equal('été');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a xmlns="urn:x">ça</a>', 'utf16le')]);
    expect(tree(utf16)).to.deep.include({ namespace: 'urn:x', name: 'a', text: 'ça' });
  });

  it('copies each request on its own (the parser is shared, one copy at a time)', () => {
    const first = tree('<a><b>1</b></a>');
    const second = tree('<c><d>2</d><d>3</d></c>');
    expect(first.children.map((c) => c.text)).to.deep.equal(['1']);
    expect(second.children.map((c) => c.text)).to.deep.equal(['2', '3']);
  });
});
