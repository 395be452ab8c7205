/**
 * Where a schema error is, as a path operators can read (issue 19 item 4): from the operation's element
 * (`identifiantPrestation`, `contactClient/telephone`), the same paths the form catalogue's rules name, so one
 * field has one name whichever check refuses it.
 *  - In a SOAP envelope, a path starts below the Body's element (the operation's), or at a Header block, named;
 *  - a document embedded in another namespace (a form inside `formulaire`, an xs:any) is named from its own root,
 *    as its catalogue does: `contactClient/telephone`, not `formulaire/FormulaireFTTH/contactClient/telephone`;
 *  - a missing element is named as missing: when libxml2 calls the next element "not expected" while what it
 *    expected is nowhere after it, the expected element is what is missing (a sequence's next required one).
 * libxml2 gives no node with an error, only the line: the element is found by its name on that line, in document
 * order when several share it.
 */
import type { FieldError } from '../errors/esav-error.js';
import { describeExpected, type SchemaFinding, type XmlName } from './schema-messages.js';
import { libxml, type XmlDocument, type XmlElement } from './libxml.js';

const SOAP_ENVELOPES = new Set(['http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope']);
/** SOAP's own attributes on a header block (SOAP 1.1 §4.2, SOAP 1.2 part 1 §5.2) belong to the envelope. */
const SOAP_HEADER_ATTRIBUTES = new Set(['mustUnderstand', 'actor', 'role', 'relay', 'encodingStyle']);

export interface LocatedFinding { readonly finding: SchemaFinding; readonly line: number }

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

function matches(el: XmlElement, name: XmlName): boolean {
  return el.name() === name.local && nsOf(el) === name.ns;
}

/**
 * The path of an element, '' for the path's own root (the operation's element, a standalone document's root, an
 * embedded document's root).
 */
export function pathOf(el: XmlElement): string {
  const steps: string[] = [];
  for (let node: XmlElement | null = el; node; node = parentElement(node)) {
    const parent = parentElement(node);
    if (parent === null) return steps.join('/'); // a standalone document's root
    const parentNs = nsOf(parent);
    if (SOAP_ENVELOPES.has(parentNs)) {
      // The Body's element is the operation's: the root of the path. A header block is named.
      if (parent.name() === 'Header') steps.unshift(node.name());
      return steps.join('/');
    }
    const ns = nsOf(node);
    // A document embedded in another namespace (xs:any): named from its own root.
    if (ns !== '' && parentNs !== '' && ns !== parentNs) return steps.join('/');
    steps.unshift(node.name());
  }
  return steps.join('/');
}

function join(path: string, step: string): string {
  return path === '' ? step : `${path}/${step}`;
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

function isSoapHeaderAttribute(el: XmlElement, attribute: XmlName | undefined): boolean {
  const parent = parentElement(el);
  return attribute !== undefined && parent !== null && parent.name() === 'Header' && SOAP_ENVELOPES.has(nsOf(parent))
    && attribute.ns === nsOf(parent) && SOAP_HEADER_ATTRIBUTES.has(attribute.local);
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

/**
 * libxml2 says "E is not expected, expected is one of (…)" both when E stands where a required element is missing
 * and when E is simply not allowed after optional ones. The schema tells them apart: on a copy without E and what
 * follows it, is the parent still missing a child? Only then is the expected element missing.
 */
function requiresMore(doc: XmlDocument, el: XmlElement, parent: XmlElement, revalidate: Revalidate): boolean {
  // A copy of a document libxml2 already parsed, from its own serialisation: no DOCTYPE, no entity, no network.
  const copy = libxml.parseXml(doc.toString(false), { flags: [libxml.XMLParseFlags.XML_PARSE_NONET] });
  const twin = atIndexPath(copy, indexPath(el));
  const twinParent = twin ? parentElement(twin) : null;
  if (!twin || !twinParent) return false;
  const siblings = elementChildren(twinParent);
  for (const sibling of siblings.slice(siblings.indexOf(twin))) sibling.remove();
  return revalidate(copy).some(({ finding }) => finding.kind === 'missing-element' && finding.element !== null && matches(parent, finding.element));
}

/** The field errors of a document's schema findings, each named by its path. */
export function locateFindings(doc: XmlDocument, findings: readonly LocatedFinding[], revalidate?: Revalidate): FieldError[] {
  const find = finder(doc);
  const out: FieldError[] = [];
  for (const { finding: f, line } of findings) {
    const el = f.element ? find(f.element, line) : null;
    const withLine = (e: FieldError): FieldError => (line > 0 ? { ...e, line } : e);
    const base = { rule: f.rule, ...(f.value !== undefined ? { value: f.value } : {}), message: f.message };
    if (!el) {
      out.push(withLine({ field: f.element?.local ?? '', ...base }));
      continue;
    }
    if (isSoapHeaderAttribute(el, f.attribute)) continue;
    const path = pathOf(el);
    if (f.kind === 'missing-attribute' || (f.attribute && f.kind !== 'missing-element')) {
      out.push(withLine({ field: join(path, `@${f.attribute!.local}`), ...base }));
      continue;
    }
    if (f.kind === 'missing-element') {
      // A sequence lists its optional next elements, then the first required one: that last one is missing.
      const missing = f.expected?.[f.expected.length - 1];
      out.push(withLine({ field: missing && missing !== '*' ? join(path, missing) : path || el.name(), ...base }));
      continue;
    }
    if (f.kind === 'unexpected' && f.expected && f.expected.length > 0) {
      const parent = parentElement(el);
      const after = parent ? elementChildren(parent).slice(elementChildren(parent).indexOf(el)) : [el];
      const present = after.some((s) => f.expected!.includes(s.name()) || (f.expected!.includes('*') && nsOf(s) !== nsOf(parent ?? s)));
      if (!present && parent && revalidate && requiresMore(doc, el, parent, revalidate)) {
        const missing = f.expected[f.expected.length - 1]!;
        const parentPath = parent ? pathOf(parent) : '';
        out.push(withLine({
          field: missing === '*' ? (parentPath || el.name()) : join(parentPath, missing), rule: 'obligatoire',
          message: `élément obligatoire absent : ${describeExpected(f.expected)} (trouvé ${el.name()} à sa place)`
        }));
        continue;
      }
    }
    out.push(withLine({ field: path === '' ? el.name() : path, ...base }));
  }
  return out;
}
