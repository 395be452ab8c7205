import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadCatalog } from '../../../src/catalog/catalog-loader.js';
import { findRootDir } from '../../../src/config/config.js';
import { EsavError } from '../../../src/errors/esav-error.js';
import { elementTree } from '../../../src/xml/element-tree.js';
import { parseXmlHardened } from '../../../src/xml/hardened-parser.js';
import { readRequest } from '../../../src/xml/request-reader.js';

const limits = { maxDepth: 64, maxAttributes: 64 };
const root = findRootDir();

function fault(fn: () => unknown): EsavError {
  try { fn(); } catch (e) { if (e instanceof EsavError) return e; throw e; }
  throw new Error('expected a fault');
}

/** Every request of the golden samples (test/samples/<service>/<version>/<case>/request.xml). */
function sampleRequests(): Array<[string, Buffer]> {
  const dir = path.join(root, 'test', 'samples');
  const out: Array<[string, Buffer]> = [];
  for (const service of readdirSync(dir)) for (const version of readdirSync(path.join(dir, service))) {
    for (const c of readdirSync(path.join(dir, service, version))) {
      for (const f of readdirSync(path.join(dir, service, version, c)).filter((n) => /^(request|setup-\d+)\.xml$/.test(n))) {
        out.push([`${service}/${version}/${c}/${f}`, readFileSync(path.join(dir, service, version, c, f))]);
      }
    }
  }
  return out;
}

describe('request reader (tree and schema check of one request)', () => {
  const catalog = loadCatalog(root);
  const ftth = catalog.forms.get('ftth')!.versions.find((v) => v.version === 2)!;
  const example = (name: string) => readFileSync(path.join(ftth.dir, 'examples', name));

  it('reads every golden sample request into the same tree as the document path', () => {
    const samples = sampleRequests();
    expect(samples.length).to.be.greaterThan(50);
    for (const [name, body] of samples) {
      expect(readRequest(body, limits).tree, name).to.deep.equal(elementTree(parseXmlHardened(body, limits)));
    }
  });

  it('finds the same schema errors in the bytes as in the document, for valid and invalid forms', () => {
    for (const name of ftth.examples) {
      const body = example(name);
      const doc = parseXmlHardened(body, limits);
      expect(readRequest(body, limits).validate(ftth.schema), name).to.deep.equal(ftth.schema.validate(doc));
    }
    expect(readRequest(example('invalid-schema.xml'), limits).validate(ftth.schema)).to.have.length.greaterThan(2);
  });

  it('reads a request in another encoding through the document path, with the same answers', () => {
    // The example with its characters outside Latin-1 replaced, once in UTF-8 and once in ISO-8859-1.
    const text = example('valid-complet.xml').toString('utf8').replace(/[^\u0000-\u00ff]/g, "'");
    const latin1 = Buffer.from(text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'latin1');
    const read = readRequest(latin1, limits);
    expect(read.tree).to.deep.equal(readRequest(Buffer.from(text, 'utf8'), limits).tree);
    expect(read.tree.text).to.include('é');
    expect(read.validate(ftth.schema)).to.deep.equal([]);
  });

  it('reports bytes that are not XML with the line and column the document path gives', () => {
    const broken = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<a xmlns="urn:x">\n  <b>texte</c>\n</a>');
    const viaReader = fault(() => readRequest(broken, limits));
    const viaDocument = fault(() => parseXmlHardened(broken, limits));
    expect(viaReader.definition.wireCode).to.equal('XML_MAL_FORME');
    expect(viaReader.message).to.equal(viaDocument.message);
    // Bytes that are not UTF-8 in a document that says it is.
    const notUtf8 = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?><a>'), Buffer.from([0xc3, 0x28]), Buffer.from('</a>')]);
    expect(fault(() => readRequest(notUtf8, limits)).definition.wireCode).to.equal('XML_MAL_FORME');
    expect(fault(() => readRequest(Buffer.from('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), limits)).definition.wireCode).to.equal(fault(() => parseXmlHardened(Buffer.from('<!DOCTYPE a []><a/>'), limits)).definition.wireCode);
  });
});
