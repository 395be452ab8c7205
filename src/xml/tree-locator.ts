/**
 * The request path's plain tree as the schema errors' locator reads it (field-paths.ts), with each element's place
 * in the text (tree-reader.ts readSpannedTree): a refused request's errors are named by their paths with no libxml2
 * document built (issue 14: a document's native memory is counted by V8 until a full collection frees it, so each
 * large invalid request of a flood brought a full collection closer, which stalled every other operator's calls).
 *
 * The findings are those of libxml2's streaming check of the bytes: an error is reported on the line libxml2 was
 * reading, its start tag's for an unexpected element or an attribute, its end tag's for a value or a missing child.
 * An element is found by its name on the line of the tag the error was read at (its end tag's for a value or a
 * missing child, its start tag's otherwise), else of its other tag, else on a line it spans; the line reported is
 * its start tag's, as libxml2 reports the errors of a document.
 */
import type { XmlTreeElement } from './element-tree.js';
import { missesChild, type LocatableDocument, type LocatedFinding } from './field-paths.js';
import type { XmlName } from './schema-messages.js';
import type { SpannedTree } from './tree-reader.js';

/** The schema's findings on a text (a copy the locator trimmed). */
export type RevalidateText = (text: string) => readonly LocatedFinding[];

interface Placed { readonly el: XmlTreeElement; readonly line: number; readonly endLine: number }

/** Line numbers of offsets in a text: 1 + the newlines before (binary search over their offsets). */
function lineCounter(text: string): (offset: number) => number {
  const breaks: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks.push(i);
  return (offset) => {
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (breaks[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

export function treeLocator(read: SpannedTree, revalidate?: RevalidateText): LocatableDocument<XmlTreeElement> {
  const lineAt = lineCounter(read.text);
  const parents = new Map<XmlTreeElement, XmlTreeElement>();
  const placed = new Map<XmlTreeElement, Placed>();
  const byName = new Map<string, Placed[]>();
  // One walk, in document order: parents, lines, and the elements of each name.
  const walk = (el: XmlTreeElement): void => {
    const span = read.spans.get(el)!;
    const p: Placed = { el, line: lineAt(span.startEnd), endLine: lineAt(span.end - 1) };
    placed.set(el, p);
    const key = `${el.namespace} ${el.name}`;
    const list = byName.get(key);
    if (list) list.push(p);
    else byName.set(key, [p]);
    for (const c of el.children) {
      parents.set(c, el);
      walk(c);
    }
  };
  walk(read.tree);
  let cursorLine = 0;
  const find = (name: XmlName, line: number, atEnd: boolean): XmlTreeElement | null => {
    const all = byName.get(`${name.ns} ${name.local}`) ?? [];
    const first = (keep: (p: Placed) => boolean): Placed[] | null => {
      const some = all.filter(keep);
      return some.length > 0 ? some : null;
    };
    const starts = (p: Placed): boolean => p.line === line;
    const ends = (p: Placed): boolean => p.endLine === line;
    const pool = first(atEnd ? ends : starts) ?? first(atEnd ? starts : ends) ?? first((p) => p.line <= line && line <= p.endLine) ?? all;
    const chosen = pool.find((p) => p.line >= cursorLine) ?? pool[0];
    if (!chosen) return null;
    cursorLine = chosen.line;
    return chosen.el;
  };
  const self: LocatableDocument<XmlTreeElement> = {
    name: (el) => el.name,
    namespace: (el) => el.namespace,
    parent: (el) => parents.get(el) ?? null,
    children: (el) => el.children,
    find,
    lineOf: (el) => placed.get(el)!.line,
    ...(revalidate ? {
      requiresMore(el: XmlTreeElement, parent: XmlTreeElement): boolean {
        // The text without the element and what follows it up to its parent's end tag: a copy of a text the reader
        // and libxml2 already read, checked by the same streaming validation.
        const trimmed = read.text.slice(0, read.spans.get(el)!.start) + read.text.slice(read.spans.get(parent)!.contentEnd);
        return missesChild(self, parent, revalidate(trimmed));
      }
    } : {})
  };
  return self;
}
