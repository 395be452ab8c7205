import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../../src/config/config.js';
import { treeFromText, type XmlTreeElement } from '../../../src/xml/element-tree.js';
import { readTree } from '../../../src/xml/tree-reader.js';
import { seededRandom } from '../../support/seeded-random.js';

const root = findRootDir();

/** Every XML file under a directory (golden samples, catalogue forms and their examples). */
function xmlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...xmlFiles(full));
    else if (name.endsWith('.xml')) out.push(full);
  }
  return out;
}

/**
 * The property the request path relies on: whatever this reader reads, libxml2 reads too, into the same tree.
 * (When it answers null, libxml2 reads the text instead: nothing to compare.)
 */
function agreesWithLibxml2(text: string): { read: boolean; tree: XmlTreeElement | null } {
  const ours = readTree(text);
  if (ours === null) return { read: false, tree: null };
  const theirs = treeFromText(text);
  expect(theirs, `libxml2 refuses what the reader read: ${JSON.stringify(text.slice(0, 300))}`).to.not.equal(null);
  expect(ours, `trees differ for ${JSON.stringify(text.slice(0, 300))}`).to.deep.equal(theirs);
  return { read: true, tree: ours };
}

describe('tree reader (the request path\'s own XML reader, held to libxml2)', () => {
  const files = [...xmlFiles(path.join(root, 'test', 'samples')), ...xmlFiles(path.join(root, 'catalog'))];
  const texts = files.map((f) => readFileSync(f, 'utf8'));

  it('reads every golden sample and catalogue document, into the tree libxml2 reads', () => {
    expect(files.length).to.be.greaterThan(100);
    for (const [i, t] of texts.entries()) {
      expect(agreesWithLibxml2(t).read, files[i]).to.equal(true);
    }
  });

  it('reads what requests contain, as XML 1.0 and Namespaces say', () => {
    const tree = agreesWithLibxml2('\uFEFF<?xml version="1.0" encoding="utf-8" standalone=\'no\'?>\r\n<!-- c --><?pi data?>'
      + '<a:r xmlns:a="urn:a" xmlns="urn:d" xmlns:b="urn:b" b:x="1&amp;2&#x41;&#66;" y="l1\r\nl2\tt&#10;&#13;" xml:lang="fr">'
      + '<c>t &lt; &gt; &quot; &apos;</c><![CDATA[<raw>&amp;\r\n]]><d xmlns="" z=\'"q"\'/><b:e>\u00e9\u{1F600}</b:e>tail\r</a:r>\n<!-- end -->').tree!;
    expect(tree).to.deep.equal({
      namespace: 'urn:a', name: 'r', text: 't < > " \'<raw>&amp;\n\u00e9\u{1F600}tail\n',
      attributes: [
        { namespace: 'urn:b', name: 'x', value: '1&2AB' },
        { namespace: '', name: 'y', value: 'l1 l2 t\n\r' },
        { namespace: 'http://www.w3.org/XML/1998/namespace', name: 'lang', value: 'fr' }
      ],
      children: [
        { namespace: 'urn:d', name: 'c', text: 't < > " \'', attributes: [], children: [] },
        { namespace: '', name: 'd', text: '', attributes: [{ namespace: '', name: 'z', value: '"q"' }], children: [] },
        { namespace: 'urn:b', name: 'e', text: '\u00e9\u{1F600}', attributes: [], children: [] }
      ]
    });
  });

  it('leaves to libxml2 what is not well-formed, and what it does not read with certainty', () => {
    const notRead = [
      '', '   ', 'text', '<a>', '<a></b>', '<a/><b/>', '<a/>x', 'x<a/>', '<a><!-- -- --></a>', '<a><!-- x ---></a>',
      '<a>]]></a>', '<a>&bogus;</a>', '<a>&#0;</a>', '<a>&#xD800;</a>', '<a>& b</a>', '<a>\u0001</a>', '<a>\uFFFE</a>',
      '<a b="1" b="2"/>', '<a xmlns:p="urn:1" xmlns:q="urn:1" p:b="1" q:b="2"/>', '<a b="<"/>', '<a b=1/>',
      '<a b="1"c="2"/>', '<p:a/>', '<a p:b="1"/>', '<a xmlns:p=""/>', '<a xmlns="relative"/>', '<a xmlns:xml="urn:x"/>',
      '<a xmlns:xmlns="urn:x"/>', '<a xmlns="http://www.w3.org/XML/1998/namespace"/>', '<xmlns:a/>', '<\u00e9/>',
      '<a \u00e9="1"/>', '<a:b:c xmlns:a="urn:a"/>', ' <?xml version="1.0"?><a/>', '<?xml version="1.1"?><a/>',
      '<?xml version="1.0" encoding="utf 8"?><a/>', '<?XML version="1.0"?><a/>', '<a><?xml x?></a>', '<?pi?x?><a/>',
      '<a/ >', '< a/>', '<a b="1"', '<a><![CDATA[x</a>', '<![CDATA[x]]><a/>', '<!DOCTYPE a><a/>', '<a>&#x110000;</a>',
      '<a xmlns="urn:a b"/>', '<a></a\u00e9>', '<a></ a>', '<a>\uD800</a>', '<a>x\uDC00</a>', '<a b="\uDBFF"/>',
      // libxml2 refuses a non-ASCII character in a document declared US-ASCII, and names beyond its limit.
      '<?xml version="1.0" encoding="US-ASCII"?><a>caf\u00e9</a>', `<a><${'b'.repeat(1001)}/></a>`
    ];
    for (const t of notRead) {
      expect(readTree(t), JSON.stringify(t)).to.equal(null);
    }
  });

  it('agrees with libxml2 on thousands of mutants of real documents (deleted, repeated and special characters)', () => {
    const next = seededRandom(20261124);
    const specials = ['<', '>', '&', ';', '"', "'", '/', '!', '?', ':', '=', '[', ']', '-', ' ', '\r', '\n', '\t', '#', 'x', '\u00e9', '\uFFFF', '&amp;', '&#x41;', '<![CDATA[', ']]>', '<!--', '-->', 'xmlns:p="urn:p"', 'p:'];
    let read = 0;
    let total = 0;
    for (let round = 0; round < 6000; round++) {
      let t = texts[Math.floor(next() * texts.length)]!;
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
        const at = Math.floor(next() * t.length);
        const kind = next();
        if (kind < 0.3) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(next() * 4));
        else if (kind < 0.8) t = t.slice(0, at) + specials[Math.floor(next() * specials.length)]! + t.slice(at);
        else { const len = Math.floor(next() * 20); t = t.slice(0, at) + t.slice(at, at + len) + t.slice(at); }
      }
      total++;
      if (agreesWithLibxml2(t).read) read++;
    }
    // Both outcomes are exercised: many mutants stay well-formed, many do not.
    expect(read, `${read} of ${total} read`).to.be.within(total * 0.05, total * 0.95);
  });
});
