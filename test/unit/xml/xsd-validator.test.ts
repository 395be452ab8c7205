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
      { field: 'code', rule: 'pattern', value: 'ab1', message: 'la valeur ne respecte pas le motif « [A-Z]{3} »', line: 2 },
      { field: 'n', rule: 'type', value: 'x', message: "la valeur n'est pas un nombre entier valide", line: 3 },
      { field: 'plage', rule: 'enumeration', value: '24/7', message: "la valeur n'est pas dans la liste autorisée : HO, HNO", line: 4 }
    ]);
  });

  it('names a missing mandatory element and an unexpected one', () => {
    expect(schema.validate(parseXmlHardened(Buffer.from('<R xmlns="urn:t"><code>ABC</code></R>'), limits))[0]).to.deep.include({ rule: 'obligatoire', field: 'n' });
    expect(schema.validate(parseXmlHardened(Buffer.from('<R xmlns="urn:t"><code>ABC</code><n>1</n><plage>HO</plage><x/></R>'), limits))[0]).to.deep.include({ rule: 'inattendu', field: 'x' });
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

  // Issue 19 item 4: a missing element is named as missing, not the next one as unexpected.
  it('names an element missing in the middle of a sequence as missing, not the next one as unexpected', () => {
    const [e, ...others] = schema.validate(parseXmlHardened(Buffer.from('<R xmlns="urn:t"><code>ABC</code><plage>HO</plage></R>'), limits));
    expect(others).to.deep.equal([]);
    expect(e).to.deep.include({ field: 'n', rule: 'obligatoire' });
    expect(e!.message).to.equal('élément obligatoire absent : n (trouvé plage à sa place)');
  });

  it('still names a misplaced element as unexpected when what was expected follows it', () => {
    const [e] = schema.validate(parseXmlHardened(Buffer.from('<R xmlns="urn:t"><code>ABC</code><plage>HO</plage><n>1</n></R>'), limits));
    expect(e).to.deep.include({ field: 'plage', rule: 'inattendu' });
  });

  const NESTED = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:f" xmlns:f="urn:f" elementFormDefault="qualified">
    <xs:simpleType name="DateHeureType"><xs:restriction base="xs:dateTime"/></xs:simpleType>
    <xs:element name="F"><xs:complexType><xs:sequence>
      <xs:element name="dateConstat" type="f:DateHeureType"/>
      <xs:element name="contactClient"><xs:complexType><xs:sequence>
        <xs:element name="nom" type="xs:string"/><xs:element name="telephone" type="xs:string"/>
      </xs:sequence><xs:attribute name="role" type="xs:string" use="required"/></xs:complexType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
  </xs:schema>`;

  it('names fields by their path from the root, in words: no namespace, no schema type name, no English', () => {
    const nested = compileSchema(NESTED, '/tmp/f.xsd');
    const errors = nested.validate(parseXmlHardened(Buffer.from('<F xmlns="urn:f"><dateConstat>2026-11-31T08:30:00Z</dateConstat><contactClient><nom>D</nom></contactClient></F>'), limits));
    expect(errors.map((e) => [e.field, e.rule])).to.deep.equal([['dateConstat', 'type'], ['contactClient/@role', 'obligatoire'], ['contactClient/telephone', 'obligatoire']]);
    for (const e of errors) {
      expect(e.message, e.field).to.not.match(/[{}]|DateHeureType|Element|expected|not /);
    }
    expect(errors[0]!.message).to.contain('date et heure');
  });

  it('translates every kind of schema error into French of its own, never quoting libxml2', () => {
    const english = [
      "Element '{u}a': Character content other than whitespace is not allowed because the content type is 'element-only'.",
      "Element '{u}a': Element content is not allowed, because the content type is a simple type definition.",
      "Element '{u}a': The attribute '{u}b' is required but missing.",
      "Element '{u}a', attribute 'b': The attribute 'b' is not allowed.",
      "Element '{u}a': 'x' is not a valid value of the local atomic type.",
      "Element '{u}a': [facet 'totalDigits'] The value '123' has more digits than are allowed ('2').",
      "Element '{u}a': [facet 'whiteSpace'] something new.",
      "Element '{u}a': Duplicate key-sequence ['1'] in unique identity-constraint '{u}k'.",
      "Element '{u}a': Something libxml2 may say one day."
    ];
    for (const message of english) {
      const e = toFieldError({ message, line: 1 });
      expect(e.message, message).to.match(/[àâçéèêëîïôûùüÿ]|^(la|le|un|cet|attribut|valeur)/);
      expect(e.message, message).to.not.match(/[{}]|Element|allowed| value|type definition/);
    }
  });
});
