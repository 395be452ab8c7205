/**
 * A libxml2 document as the schema errors' locator reads it (field-paths.ts): the path of documents that are not
 * read by the request path's own reader (another encoding, a file the gateway reads). Its lines are libxml2's own:
 * the line of each element, as the errors of a validated document report them.
 */
import type { LocatableDocument, LocatedFinding } from './field-paths.js';
import { missesChild } from './field-paths.js';
import { libxml, type XmlDocument, type XmlElement } from './libxml.js';
import type { XmlName } from './schema-messages.js';

/** The schema's findings on another document (a copy the locator trimmed, to ask the schema what it requires). */
export type Revalidate = (doc: XmlDocument) => readonly LocatedFinding[];

function nsOf(el: XmlElement): string {
  return el.namespace()?.href() ?? '';
}

function elementChildren(el: XmlElement): XmlElement[] {
  return el.childNodes().filter((n): n is XmlElement => n.type() === 'element');
}

function parentElement(el: XmlElement): XmlElement | null {
  const p = el.parent();
  return p && typeof p === 'object' && 'type' in p && (p as XmlElement).type() === 'element' ? p as XmlElement : null;
}

/**
 * The element an error is about: by name on its line, the first at or after the previous one's line. The elements
 * of a name are found by libxml2's own XPath, once per name (a walk of the tree from JavaScript cost a native call
 * per node and per finding: issue 14, a large invalid document from one caller delayed every other caller).
 */
function finder(doc: XmlDocument): (name: XmlName, line: number) => XmlElement | null {
  const root = doc.root();
  const byName = new Map<string, XmlElement[]>();
  let cursorLine = 0;
  const named = (name: XmlName): XmlElement[] => {
    const key = `${name.ns} ${name.local}`;
    let found = byName.get(key);
    if (!found) {
      // local is an XML name (no quote, no bracket); the namespace is bound, never written into the expression.
      const safe = /^[\p{L}_][\p{L}\p{N}._-]*$/u.test(name.local);
      found = !root || !safe ? []
        : name.ns === '' ? root.find(`descendant-or-self::*[local-name()='${name.local}' and namespace-uri()='']`) as XmlElement[]
          : root.find(`descendant-or-self::n:${name.local}`, { n: name.ns }) as XmlElement[];
      byName.set(key, found);
    }
    return found;
  };
  return (name, line) => {
    const all = named(name);
    const onLine = all.filter((el) => el.line() === line);
    const pool = onLine.length > 0 ? onLine : all;
    const chosen = pool.find((el) => el.line() >= cursorLine) ?? pool[0];
    if (!chosen) return null;
    cursorLine = chosen.line();
    return chosen;
  };
}

/** Child indexes from the root down to an element, to find the same element in a copy of its document. */
function indexPath(el: XmlElement): number[] {
  const out: number[] = [];
  for (let node = el, parent = parentElement(el); parent; node = parent, parent = parentElement(parent)) {
    out.unshift(elementChildren(parent).indexOf(node));
  }
  return out;
}

function atIndexPath(doc: XmlDocument, indexes: readonly number[]): XmlElement | null {
  let node: XmlElement | null = doc.root();
  for (const i of indexes) node = node ? elementChildren(node)[i] ?? null : null;
  return node;
}

export function documentLocator(doc: XmlDocument, revalidate?: Revalidate): LocatableDocument<XmlElement> {
  const self: LocatableDocument<XmlElement> = {
    name: (el) => el.name(),
    namespace: nsOf,
    parent: parentElement,
    children: elementChildren,
    find: finder(doc),
    lineOf: (_el, reported) => reported,
    ...(revalidate ? {
      requiresMore(el: XmlElement, parent: XmlElement): boolean {
        // A copy of a document libxml2 already parsed, from its own serialisation: no DOCTYPE, no entity, no network.
        const copy = libxml.parseXml(doc.toString(false), { flags: [libxml.XMLParseFlags.XML_PARSE_NONET] });
        const twin = atIndexPath(copy, indexPath(el));
        const twinParent = twin ? parentElement(twin) : null;
        if (!twin || !twinParent) return false;
        const siblings = elementChildren(twinParent);
        for (const sibling of siblings.slice(siblings.indexOf(twin))) sibling.remove();
        return missesChild(self, parent, revalidate(copy));
      }
    } : {})
  };
  return self;
}
