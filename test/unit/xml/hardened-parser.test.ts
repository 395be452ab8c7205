import { expect } from 'chai';
import { EsavError } from '../../../src/errors/esav-error.js';
import { parseXmlHardened } from '../../../src/xml/hardened-parser.js';

const limits = { maxDepth: 32, maxAttributes: 32 };

function fault(body: Buffer): EsavError {
  try {
    parseXmlHardened(body, limits);
  } catch (e) {
    if (e instanceof EsavError) return e;
    throw e;
  }
  throw new Error('expected a fault');
}

describe('hardened XML parser', () => {
  it('parses a well-formed document', () => {
    expect(parseXmlHardened(Buffer.from('<a xmlns="urn:x"><b>1</b></a>'), limits).root()!.name()).to.equal('a');
  });

  it('reports malformed XML with its line and column and without internals', () => {
    const e = fault(Buffer.from('<a>\n<b></a>'));
    expect(e.definition.wireCode).to.equal('XML_MAL_FORME');
    expect(e.message).to.match(/ligne 2, colonne \d+/);
    expect(e.message).not.to.match(/at |\.js|\.ts/);
  });

  it('refuses a DOCTYPE hidden in a UTF-16 document', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', 'utf16le')]);
    expect(fault(utf16).code).to.equal('ESAV_XML_DOCTYPE');
  });

  it('refuses encodings it cannot scan (UTF-32, EBCDIC, UTF-16 without BOM) and unknown declared encodings', () => {
    expect(fault(Buffer.from('<\0a\0/\0>\0')).code).to.equal('ESAV_XML_MALFORMED');
    expect(fault(Buffer.from('<?xml version="1.0" encoding="EBCDIC-CP-US"?><a/>')).message).to.include('EBCDIC-CP-US');
  });

  it('parses UTF-16 with a byte order mark', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a>é</a>', 'utf16le')]);
    expect(parseXmlHardened(utf16, limits).root()!.text()).to.equal('é');
  });
});
