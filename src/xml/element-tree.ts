/**
 * A parsed request as plain objects (ARCHITECTURE.md §2: the envelope, dispatch and the operations read it).
 *
 * libxmljs' node API makes a native wrapper per node access (kept in a WeakMap, freed by finalizers, each holding
 * a reference on the document): reading a filing's form through it, a walk per field and per rule, cost more than
 * parsing and validating the message (garbage collection included). The document is therefore copied once, after
 * parsing, in one walk, into immutable plain objects that the envelope, the dispatch and the operations read for
 * free. The libxml2 document stays the one the schema validates. (libxml2's structures are not walked directly:
 * libxmljs' namespace proxies do not hold their document, and using them after it is freed crashes the process.)
 */
import type { XmlDocument, XmlElement } from './libxml.js';

export interface XmlTreeAttribute {
  readonly namespace: string;
  readonly name: string;
  readonly value: string;
}

export interface XmlTreeElement {
  /** Namespace URI, '' when the element has none. */
  readonly namespace: string;
  /** Local name. */
  readonly name: string;
  readonly attributes: readonly XmlTreeAttribute[];
  /** Element children, in document order (text, comments and processing instructions are not elements). */
  readonly children: readonly XmlTreeElement[];
  /** The text of the element and of its descendants, in document order (text and CDATA; libxml2's node content). */
  readonly text: string;
}

function copy(el: XmlElement): XmlTreeElement {
  const children: XmlTreeElement[] = [];
  let text = '';
  for (const n of el.childNodes()) {
    const type = n.type();
    if (type === 'element') {
      const child = copy(n);
      children.push(child);
      text += child.text;
    } else if (type === 'text' || type === 'cdata') {
      text += n.text();
    }
  }
  const attributes = el.attrs().map((a) => ({ namespace: a.namespace()?.href() ?? '', name: a.name(), value: a.value() }));
  return { namespace: el.namespace()?.href() ?? '', name: el.name(), attributes, children, text };
}

/** The document's root element as plain objects. */
export function elementTree(doc: XmlDocument): XmlTreeElement {
  return copy(doc.root()!);
}

/** {namespace}local, as faults name elements. */
export function qualifiedName(el: XmlTreeElement): string {
  return `{${el.namespace}}${el.name}`;
}

/** The first child element of that local name (of that namespace when given). */
export function childElement(el: XmlTreeElement, local: string, namespace?: string): XmlTreeElement | null {
  for (const c of el.children) if (c.name === local && (namespace === undefined || c.namespace === namespace)) return c;
  return null;
}

/** The trimmed text of the first child element of that local name, or null when there is none. */
export function childText(el: XmlTreeElement, local: string): string | null {
  const c = childElement(el, local);
  return c ? c.text.trim() : null;
}

/** The trimmed texts of every child element of that local name. */
export function childTexts(el: XmlTreeElement, local: string): string[] {
  return el.children.filter((c) => c.name === local).map((c) => c.text.trim());
}

/** An attribute's value by namespace and local name, or null. */
export function attributeValue(el: XmlTreeElement, namespace: string, local: string): string | null {
  for (const a of el.attributes) if (a.name === local && a.namespace === namespace) return a.value;
  return null;
}
