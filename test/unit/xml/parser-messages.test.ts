/**
 * Issue 19 item 4: the XML_MAL_FORME fault says in French what is wrong, whichever way the request is read (the
 * streaming check of UTF-8 requests, the document parse of the others): never libxml2's English.
 */
import { expect } from 'chai';
import { EsavError } from '../../../src/errors/esav-error.js';
import { parseXmlHardened } from '../../../src/xml/hardened-parser.js';
import { parserReason } from '../../../src/xml/parser-messages.js';
import { readRequest } from '../../../src/xml/request-reader.js';
import { compileSchema } from '../../../src/xml/xsd-validator.js';

const limits = { maxDepth: 16, maxAttributes: 8 };
const schema = compileSchema('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a"/></xs:schema>', '/tmp/a.xsd');

const MALFORMED: ReadonlyArray<readonly [string, RegExp]> = [
  // libxml2 reports the last error of a parse it gives up on, the stream its first: either is said in French.
  ['<a><b></a>', /ne ferme pas <b>|s'arrête avant la fermeture de <a>/],
  ['<a><b>', /s'arrête avant|balise fermante manque/],
  ['<a/><b/>', /suit l'élément racine/],
  ['<a>&nbsp;</a>', /entité « &nbsp; »/],
  ['<a>R&D</a>', /« & » n’est pas échappé/],
  ['<a b="1" b="2"/>', /attribut « b » est répété/],
  ['<a b=1/>', /guillemets|suit l'élément racine/],
  ['<a><!-- x -- y --></a>', /commentaire/],
  ['<a><![CDATA[x</a>', /CDATA|s'arrête avant/],
  ['<a b="<"/>', /« < »|suit l'élément racine/],
  ['<a>\u0001</a>', /caractère interdit/],
  ['<a></a><?xml version="1.0"?>', /./],
  ['<a', /./]
];

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(EsavError);
    expect((e as EsavError).code).to.equal('ESAV_XML_MALFORMED');
    return String((e as EsavError).detail.params?.reason ?? "");
  }
  throw new Error('accepted');
}

describe('XML parser messages', () => {
  for (const [xml, expected] of MALFORMED) {
    it(`explains ${JSON.stringify(xml)} in French, read as a document and as a stream`, () => {
      const asDocument = reasonOf(() => parseXmlHardened(Buffer.from(xml), limits));
      const asStream = reasonOf(() => readRequest(Buffer.from(xml), limits).validate(schema));
      for (const reason of [asDocument, asStream]) {
        expect(reason).to.match(expected);
        expect(reason).to.not.match(/\b(?:tag|line|expected|not|found|Premature|Extra|Entity|defined|Opening|allowed)\b/);
      }
    });
  }

  it('names an error it has no translation for by its libxml2 code, without quoting it', () => {
    expect(parserReason('Some new English message', 1234)).to.equal('erreur de syntaxe XML (code libxml2 1234)');
  });
});
