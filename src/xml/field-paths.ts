/**
 * Where a schema error is, as a path operators can read (issue 19 item 4): from the operation's element
 * (`identifiantPrestation`, `contactClient/telephone`), the same paths the form catalogue's rules name, so one
 * field has one name whichever check refuses it.
 *  - In a SOAP envelope, a path starts below the Body's element (the operation's), or at a Header block, named;
 *  - a document embedded in another namespace (a form inside `formulaire`, an xs:any) is named from its own root,
 *    as its catalogue does: `contactClient/telephone`, not `formulaire/FormulaireFTTH/contactClient/telephone`;
 *  - a missing element is named as missing: when libxml2 calls the next element "not expected" while what it
 *    expected is nowhere after it, the expected element is what is missing (a sequence's next required one).
 * libxml2 gives no node with an error, only the line: the element is found by its name near that line, in document
 * order when several share it, by the reading that holds the document (a libxml2 document: document-locator.ts; the
 * request path's plain tree and its text, with no libxml2 document at all: tree-locator.ts).
 */
import type { FieldError } from '../errors/esav-error.js';
import { describeExpected, TEXT_IN_ELEMENT_ONLY, type SchemaFinding, type XmlName } from './schema-messages.js';

const SOAP_ENVELOPES = new Set(['http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope']);
/** SOAP's own attributes on a header block (SOAP 1.1 §4.2, SOAP 1.2 part 1 §5.2) belong to the envelope. */
const SOAP_HEADER_ATTRIBUTES = new Set(['mustUnderstand', 'actor', 'role', 'relay', 'encodingStyle']);
/**
 * Schema checks of a trimmed copy per document at most (requiresMore): past them, an element libxml2 calls "not
 * expected" is named as such (issue 14: what one request can make the gateway do is bounded).
 */
export const MAX_TRIMMED_CHECKS = 8;

export interface LocatedFinding { readonly finding: SchemaFinding; readonly line: number }

/**
 * A refused document as the locator reads it, whichever reading holds it (a libxml2 document, or the request
 * path's plain tree with each element's place in the text: src/xml/tree-locator.ts). N is its element.
 */
export interface LocatableDocument<N> {
  name(el: N): string;
  namespace(el: N): string;
  parent(el: N): N | null;
  children(el: N): readonly N[];
  /**
   * The element an error libxml2 reported on `line` is about, by its name, in document order. `atEnd`: an error a
   * streaming check reports once the element's content is read (a value, a missing child), not at its start tag.
   */
  find(name: XmlName, line: number, atEnd: boolean): N | null;
  /** The line a field error on `el` reports, given the line libxml2 reported it on. */
  lineOf(el: N, reported: number): number;
  /**
   * Whether `parent` still misses a required child once `el` and every element after it are taken out, by the
   * schema's findings on such a copy; absent when the reading cannot ask (then the element is named unexpected).
   */
  requiresMore?(el: N, parent: N): boolean;
}

function matches<N>(d: LocatableDocument<N>, el: N, name: XmlName): boolean {
  return d.name(el) === name.local && d.namespace(el) === name.ns;
}

/**
 * The path of an element, '' for the path's own root (the operation's element, a standalone document's root, an
 * embedded document's root).
 */
export function pathOf<N>(d: LocatableDocument<N>, el: N): string {
  const steps: string[] = [];
  for (let node: N | null = el; node !== null; node = d.parent(node)) {
    const parent = d.parent(node);
    if (parent === null) return steps.join('/'); // a standalone document's root
    const parentNs = d.namespace(parent);
    if (SOAP_ENVELOPES.has(parentNs)) {
      // The Body's element is the operation's: the root of the path. A header block is named.
      if (d.name(parent) === 'Header') steps.unshift(d.name(node));
      return steps.join('/');
    }
    const ns = d.namespace(node);
    // A document embedded in another namespace (xs:any): named from its own root.
    if (ns !== '' && parentNs !== '' && ns !== parentNs) return steps.join('/');
    steps.unshift(d.name(node));
  }
  return steps.join('/');
}

function join(path: string, step: string): string {
  return path === '' ? step : `${path}/${step}`;
}

function isSoapHeaderAttribute<N>(d: LocatableDocument<N>, el: N, attribute: XmlName | undefined): boolean {
  const parent = d.parent(el);
  return attribute !== undefined && parent !== null && d.name(parent) === 'Header' && SOAP_ENVELOPES.has(d.namespace(parent))
    && attribute.ns === d.namespace(parent) && SOAP_HEADER_ATTRIBUTES.has(attribute.local);
}

/** The field errors of a document's schema findings, each named by its path. */
export function locateFindings<N>(d: LocatableDocument<N>, findings: readonly LocatedFinding[]): FieldError[] {
  const out: FieldError[] = [];
  let trimmedChecks = 0;
  const withText = new Set<N>();
  for (const { finding: f, line: reported } of findings) {
    const atEnd = f.attribute === undefined && f.kind !== 'unexpected' && f.kind !== 'missing-attribute';
    const el = f.element ? d.find(f.element, reported, atEnd) : null;
    if (f.message === TEXT_IN_ELEMENT_ONLY && el !== null) {
      if (withText.has(el)) continue;
      withText.add(el);
    }
    const base = { rule: f.rule, ...(f.value !== undefined ? { value: f.value } : {}), message: f.message };
    if (el === null) {
      out.push(reported > 0 ? { field: f.element?.local ?? '', ...base, line: reported } : { field: f.element?.local ?? '', ...base });
      continue;
    }
    const line = d.lineOf(el, reported);
    const withLine = (e: FieldError): FieldError => (line > 0 ? { ...e, line } : e);
    if (isSoapHeaderAttribute(d, el, f.attribute)) continue;
    const path = pathOf(d, el);
    if (f.kind === 'missing-attribute' || (f.attribute && f.kind !== 'missing-element')) {
      out.push(withLine({ field: join(path, `@${f.attribute!.local}`), ...base }));
      continue;
    }
    if (f.kind === 'missing-element') {
      // A sequence lists its optional next elements, then the first required one: that last one is missing.
      const missing = f.expected?.[f.expected.length - 1];
      out.push(withLine({ field: missing && missing !== '*' ? join(path, missing) : path || d.name(el), ...base }));
      continue;
    }
    if (f.kind === 'unexpected' && f.expected && f.expected.length > 0) {
      const parent = d.parent(el);
      const siblings = parent ? d.children(parent) : [el];
      const after = siblings.slice(siblings.indexOf(el));
      const present = after.some((s) => f.expected!.includes(d.name(s)) || (f.expected!.includes('*') && d.namespace(s) !== d.namespace(parent ?? s)));
      if (!present && parent && d.requiresMore && trimmedChecks++ < MAX_TRIMMED_CHECKS && d.requiresMore(el, parent)) {
        const missing = f.expected[f.expected.length - 1]!;
        const parentPath = pathOf(d, parent);
        out.push(withLine({
          field: missing === '*' ? (parentPath || d.name(el)) : join(parentPath, missing), rule: 'obligatoire',
          message: `élément obligatoire absent : ${describeExpected(f.expected)} (trouvé ${d.name(el)} à sa place)`
        }));
        continue;
      }
    }
    out.push(withLine({ field: path === '' ? d.name(el) : path, ...base }));
  }
  return out;
}

/** Whether a trimmed copy's findings say that `parent` misses a child (requiresMore of either reading). */
export function missesChild<N>(d: LocatableDocument<N>, parent: N, findings: readonly LocatedFinding[]): boolean {
  return findings.some(({ finding }) => finding.kind === 'missing-element' && finding.element !== null && matches(d, parent, finding.element));
}
