/**
 * Every well-formed XML document the repository holds with the schema it is checked against: the golden requests of
 * every served contract version (test/samples/<service>/v<N>/<case>/request.xml, against the envelope schema of
 * their SOAP version) and the catalogue's example forms (against their form's schema). The differential tests of
 * the request path read them (tree-locator, off-loop reader).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadCatalog } from '../../src/catalog/catalog-loader.js';
import { findRootDir } from '../../src/config/config.js';
import { loadContracts } from '../../src/contracts/contract-loader.js';
import type { XmlTreeElement } from '../../src/xml/element-tree.js';
import type { SpannedTree } from '../../src/xml/tree-reader.js';
import type { CompiledSchema } from '../../src/xml/xsd-validator.js';

const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

export interface XmlCase { readonly name: string; readonly text: string; readonly schema: CompiledSchema }

export function xmlCases(): XmlCase[] {
  const root = findRootDir();
  const contracts = loadContracts(root);
  const out: XmlCase[] = [];
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
export function mutate(read: SpannedTree, next: () => number): string {
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
