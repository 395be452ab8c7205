/**
 * The request path names a refused request's schema errors from its plain tree and the streaming check's findings,
 * with no libxml2 document (src/xml/tree-locator.ts). It is held to the document path: for thousands of
 * schema-invalid mutants of the golden requests and the catalogue's forms (elements deleted, repeated, moved, given
 * a wrong value, an unknown neighbour or attribute, tags spread over several lines), both name the same fields, with
 * the same rules, values, messages and lines. It also guards xsd-validator.ts's reset of libxml2's stream locator:
 * without it, this run of documents validated after streaming checks on the same schema ends in a segfault.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadCatalog } from '../../../src/catalog/catalog-loader.js';
import { findRootDir } from '../../../src/config/config.js';
import { loadContracts } from '../../../src/contracts/contract-loader.js';
import { parseXmlHardened } from '../../../src/xml/hardened-parser.js';
import { libxml } from '../../../src/xml/libxml.js';
import { readRequest } from '../../../src/xml/request-reader.js';
import { readSpannedTree, type SpannedTree } from '../../../src/xml/tree-reader.js';
import type { CompiledSchema } from '../../../src/xml/xsd-validator.js';
import type { XmlTreeElement } from '../../../src/xml/element-tree.js';
import { seededRandom } from '../../support/seeded-random.js';

const root = findRootDir();
const limits = { maxDepth: 64, maxAttributes: 64 };
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

interface Case { readonly name: string; readonly text: string; readonly schema: CompiledSchema }

function cases(): Case[] {
  const contracts = loadContracts(root);
  const out: Case[] = [];
  const samples = path.join(root, 'test', 'samples');
  for (const service of readdirSync(samples)) {
    const contract = contracts.services.get(service);
    if (!contract) continue;
    for (const v of readdirSync(path.join(samples, service))) {
      const d = contract.versions.get(Number(v.slice(1)));
      if (!d) continue;
      for (const c of readdirSync(path.join(samples, service, v))) {
        const file = path.join(samples, service, v, c, 'request.xml');
        if (!statSync(path.join(samples, service, v, c)).isDirectory()) continue;
        let text: string;
        try { text = readFileSync(file, 'utf8'); } catch { continue; }
        out.push({ name: `${service}/${v}/${c}`, text, schema: d.envelopeSchemas[text.includes(SOAP12) ? 'soap12' : 'soap11'] });
      }
    }
  }
  for (const form of loadCatalog(root).forms.values()) for (const version of form.versions) {
    for (const ex of version.examples) out.push({ name: `${form.id}/${ex}`, text: readFileSync(path.join(version.dir, 'examples', ex), 'utf8'), schema: version.schema });
  }
  return out;
}

function elements(tree: XmlTreeElement): XmlTreeElement[] {
  return [tree, ...tree.children.flatMap(elements)];
}

/** One structural edit of a well-formed text, keeping it well-formed (its root element is never deleted or repeated). */
function mutate(read: SpannedTree, next: () => number): string {
  const t = read.text;
  const all = elements(read.tree);
  const el = all[1 + Math.floor(next() * (all.length - 1))] ?? all[0]!;
  const s = read.spans.get(el)!;
  const pick = next();
  if (pick < 0.15) return t.slice(0, s.start) + t.slice(s.end);
  if (pick < 0.3) return t.slice(0, s.end) + t.slice(s.start, s.end) + t.slice(s.end);
  if (pick < 0.4) {
    const at = Math.floor(next() * t.length);
    const before = all.map((e) => read.spans.get(e)!).find((x) => x.start >= at && x.start > s.end) ?? read.spans.get(read.tree)!;
    if (before.start <= s.end) return t;
    return t.slice(0, s.start) + t.slice(s.end, before.start) + t.slice(s.start, s.end) + t.slice(before.start);
  }
  if (pick < 0.6 && el.children.length === 0 && s.contentEnd !== -1) {
    const values = ['', 'x', '-1', '99999999999999999999', 'é'.repeat(300), '2027-02-30', ' texte \n sur deux lignes '];
    return t.slice(0, s.startEnd + 1) + values[Math.floor(next() * values.length)]! + t.slice(s.contentEnd);
  }
  if (pick < 0.7) return t.slice(0, s.end) + '\n<inconnu>1</inconnu>' + t.slice(s.end);
  if (pick < 0.8) return t.slice(0, s.startEnd) + (t[s.startEnd - 1] === '/' ? '' : '') + t.slice(s.startEnd).replace(/^\/?>/, (m) => ` bogus="1"${m}`);
  // Tags over several lines: a line break before the start tag's end, and inside the content.
  const at = t[s.startEnd - 1] === '/' ? s.startEnd - 1 : s.startEnd;
  return t.slice(0, at) + '\n  ' + t.slice(at, s.startEnd + 1) + (s.contentEnd === -1 ? '' : '\n') + t.slice(s.startEnd + 1);
}

describe('tree locator (a refused request named with no libxml2 document, held to the document path)', () => {
  const all = cases();

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
