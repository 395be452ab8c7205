import { expect } from 'chai';
import { compileSchema, toFieldError } from '../../../src/xml/xsd-validator.js';
import { parseXmlHardened } from '../../../src/xml/hardened-parser.js';

const XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns:t="urn:t" elementFormDefault="qualified">
  <xs:element name="R"><xs:complexType><xs:sequence>
    <xs:element name="code"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="[A-Z]{3}"/></xs:restriction></xs:simpleType></xs:element>
    <xs:element name="n" type="xs:int"/>
    <xs:element name="plage"><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="HO"/><xs:enumeration value="HNO"/></xs:restriction></xs:simpleType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>`;

const limits = { maxDepth: 16, maxAttributes: 8 };

describe('XSD validator', () => {
  const schema = compileSchema(XSD, '/tmp/t.xsd');

  it('accepts a valid document', () => {
    expect(schema.validate(parseXmlHardened(Buffer.from('<R xmlns="urn:t"><code>ABC</code><n>1</n><plage>HO</plage></R>'), limits))).to.deep.equal([]);
  });

  it('reports every error of a document, in French, with field, rule, value and line', () => {
    const errors = schema.validate(parseXmlHardened(Buffer.from('<R xmlns="urn:t">\n<code>ab1</code>\n<n>x</n>\n<plage>24/7</plage></R>'), limits));
    expect(errors).to.deep.equal([
      { field: '{urn:t}code', rule: 'pattern', value: 'ab1', message: 'la valeur ne respecte pas le motif « [A-Z]{3} »', line: 2 },
      { field: '{urn:t}n', rule: 'type', value: 'x', message: 'valeur invalide pour le type xs:int', line: 3 },
      { field: '{urn:t}plage', rule: 'enumeration', value: '24/7', message: "la valeur n'est pas dans la liste autorisée : HO, HNO", line: 4 }
    ]);
  });

  it('names a missing mandatory element and an unexpected one', () => {
    expect(schema.validate(parseXmlHardened(Buffer.from('<R xmlns="urn:t"><code>ABC</code></R>'), limits))[0]).to.deep.include({ rule: 'obligatoire', field: '{urn:t}R/{urn:t}n' });
    expect(schema.validate(parseXmlHardened(Buffer.from('<R xmlns="urn:t"><code>ABC</code><x/></R>'), limits))[0]).to.deep.include({ rule: 'inattendu', field: '{urn:t}x' });
  });

  it('translates length limits', () => {
    const e = toFieldError({ message: "Element '{u}a': [facet 'maxLength'] The value has a length of '25'; this exceeds the allowed maximum length of '20'.", line: 1, str1: 'v' });
    expect(e.message).to.equal('la valeur dépasse la longueur maximale (20 caractère(s))');
  });

  it('names the bound of a value out of range, which libxml2 writes in parentheses', () => {
    const over = toFieldError({ message: "Element '{u}h': [facet 'maxInclusive'] The value '61' is greater than the maximum value allowed ('60').", line: 1, str1: '61' });
    expect(over.message).to.equal('la valeur dépasse le maximum autorisé (60)');
    const under = toFieldError({ message: "Element '{u}h': [facet 'minInclusive'] The value '0' is less than the minimum value allowed ('1').", line: 1, str1: '0' });
    expect(under.message).to.equal('la valeur est inférieure au minimum autorisé (1)');
  });
});
