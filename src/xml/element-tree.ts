/**
 * A parsed request as plain objects (ARCHITECTURE.md §2: the envelope, dispatch and the operations read it).
 *
 * libxmljs' node API makes a native wrapper per node access (a C++ proxy and a weak handle; a wrapper keeps its
 * document alive, and is freed only when a full garbage collection reaches it): reading requests through it cost
 * more CPU than parsing and validating them, and under load the documents waiting for collection held about 200 MB.
 * So the tree is not read from the document: libxml2 writes the validated document out again (one call, UTF-8
 * whatever the request's encoding) and libxml2's SAX parser reads that text into immutable plain objects. Both
 * readings are libxml2's, on the document libxml2 accepted: what the schema validated and what the operations read
 * cannot differ.
 */
import { createRequire } from 'node:module';
import { invariantViolated } from '../errors/coded-error.js';
import type { XmlDocument } from './libxml.js';

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
  /** The text of the element and of its descendants, in document order (text and CDATA). */
  readonly text: string;
}

/** An element while its document is read (its children and text grow); readers hand it out as an XmlTreeElement. */
export interface XmlTreeBuilding {
  readonly namespace: string;
  readonly name: string;
  readonly attributes: XmlTreeAttribute[];
  readonly children: XmlTreeBuilding[];
  text: string;
}

interface SaxParser {
  parseString(xml: string): boolean;
}

const require = createRequire(import.meta.url);
const { SaxParser: createSaxParser } = require('libxmljs') as { SaxParser: (callbacks: Record<string, (...args: never[]) => void>) => SaxParser };

// One parser for the process: parseString is synchronous, so one copy runs at a time.
let stack: XmlTreeBuilding[] = [];
let root: XmlTreeBuilding | null = null;
let problem: string | null = null;
const sax = createSaxParser({
  startElementNS(name: string, attributes: Array<[string, string | null, string | null, string]>, _prefix: string | null, uri: string | null) {
    const el: XmlTreeBuilding = {
      namespace: uri ?? '', name, children: [], text: '',
      // libxml2 gives the value with its references replaced and its whitespace normalised (XML 1.0 §3.3.3).
      attributes: attributes.map(([local, , ns, value]) => ({ namespace: ns ?? '', name: local, value }))
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  },
  endElementNS() {
    const el = stack.pop()!;
    const parent = stack[stack.length - 1];
    if (parent) parent.text += el.text;
  },
  characters(text: string) {
    const el = stack[stack.length - 1];
    if (el) el.text += text;
  },
  cdata(text: string) {
    const el = stack[stack.length - 1];
    if (el) el.text += text;
  },
  error(message: string) {
    problem ??= message;
  }
});

/**
 * The root element of an XML text as plain objects, read by libxml2's SAX parser; null when libxml2 finds the text
 * not well-formed (the caller reports it: src/xml/request-reader.ts parses it again for the line and column).
 */
export function treeFromText(text: string): XmlTreeElement | null {
  stack = [];
  root = null;
  problem = null;
  sax.parseString(text);
  const tree = root as XmlTreeBuilding | null;
  stack = [];
  root = null;
  return problem === null ? tree : null;
}

/** A parsed document's root element as plain objects. */
export function elementTree(doc: XmlDocument): XmlTreeElement {
  // The document itself (not its root: a node wrapper would keep the document alive one more collection), in UTF-8.
  const tree = treeFromText(doc.toString({ declaration: false, format: false, encoding: 'UTF-8' }));
  // libxml2 re-reading its own output: a failure here is a defect, not a bad request.
  if (tree === null) throw invariantViolated(`libxml2 could not re-read the serialised request: ${problem ?? 'no root element'}`);
  return tree;
}

/** {namespace}local: the key the contracts' descriptors use. */
export function qualifiedName(el: XmlTreeElement): string {
  return `{${el.namespace}}${el.name}`;
}

/** How a fault names an element an operator sent: its name, then its namespace in words (never `{…}name`). */
export function displayName(el: XmlTreeElement): string {
  return el.namespace ? `${el.name} (espace de noms ${el.namespace})` : `${el.name} (sans espace de noms)`;
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
