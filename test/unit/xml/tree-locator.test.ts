/**
 * The request path names a refused request's schema errors from its plain tree and the streaming check's findings,
 * with no libxml2 document (src/xml/tree-locator.ts). It is held to the document path: for thousands of
 * schema-invalid mutants of the golden requests and the catalogue's forms (elements deleted, repeated, moved, given
 * a wrong value, an unknown neighbour or attribute, tags spread over several lines), both name the same fields, with
 * the same rules, values, messages and lines. It also guards xsd-validator.ts's reset of libxml2's stream locator:
 * without it, this run of documents validated after streaming checks on the same schema ends in a segfault.
 */
import { expect } from 'chai';
import { parseXmlHardened } from '../../../src/xml/hardened-parser.js';
import { libxml } from '../../../src/xml/libxml.js';
import { readRequest } from '../../../src/xml/request-reader.js';
import { readSpannedTree } from '../../../src/xml/tree-reader.js';
import { seededRandom } from '../../support/seeded-random.js';
import { mutate, xmlCases } from '../../support/xml-cases.js';

const limits = { maxDepth: 64, maxAttributes: 64 };

describe('tree locator (a refused request named with no libxml2 document, held to the document path)', () => {
  const all = xmlCases();

  it('names every error of thousands of invalid mutants as the document path does', () => {
    expect(all.length).to.be.greaterThan(60);
    const next = seededRandom(20261203);
    let refused = 0;
    let total = 0;
    for (let round = 0; round < Number(process.env.ROUNDS ?? 3000); round++) {
      const c = all[Math.floor(next() * all.length)]!;
      let text = c.text;
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
        const read = readSpannedTree(text);
        if (read === null) break;
        text = mutate(read, next);
      }
      const body = Buffer.from(text, 'utf8');
      let viaDocument;
      try { viaDocument = c.schema.validate(parseXmlHardened(body, limits)); } catch { continue; }
      total++;
      const viaTree = readRequest(body, limits).validate(c.schema);
      expect(viaTree, `${c.name}, mutant ${JSON.stringify(text)}`).to.deep.equal(viaDocument);
      if (viaTree.length > 0) refused++;
    }
    // Most mutants are refused, some stay valid (an optional element deleted or repeated).
    expect(refused, `${refused} of ${total} refused`).to.be.within(total * 0.5, total);
  });

  it('builds no libxml2 document for a refused UTF-8 request, and names its errors by their paths', () => {
    const nodes = (libxml as unknown as { nodeCount(): number }).nodeCount;
    const c = all.find((x) => x.name === 'signalisation/v2/depotSignalisation__nominal')!;
    // An unknown element in the first place of the operation's element: the payload and a large text after it.
    const body = Buffer.from(c.text.replace(/(<[a-z]+:DepotSignalisationRequete[^>]*>)/, `$1<inconnu>${'é'.repeat(50_000)}</inconnu>`), 'utf8');
    const read = readRequest(body, limits);
    const before = nodes();
    const fields = read.validate(c.schema);
    expect(nodes(), 'libxml2 nodes held after the check').to.equal(before);
    expect(fields.map((f) => f.field)).to.deep.equal(['inconnu']);
    expect(fields[0]).to.include({ rule: 'inattendu', line: 5 });
  });
});
