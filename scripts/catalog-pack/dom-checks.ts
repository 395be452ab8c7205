/**
 * Checks on the DOM Chromium rendered from a mock-up: the form's French title is shown, and each coded field is a
 * <select> offering every code of its list. Read from the browser's serialisation, so it also catches markup
 * that a browser would parse differently from what the builder meant (an unescaped "<" in a label, say).
 */
import type { CodeList } from '../../src/catalog/catalog-types.js';

const ENTITY: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: '\u00a0' };

/** The visible text of a serialised DOM, tags removed and the entities a serialiser writes decoded. */
export function visibleText(dom: string): string {
  return dom
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => ENTITY[e]!)
    .replace(/\s+/g, ' ');
}

/** An attribute value as the HTML serialiser writes it (HTML §13.3: &, nbsp and " are escaped in attributes). */
const serialisedAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/\u00a0/g, '&nbsp;').replace(/"/g, '&quot;');

export interface CodedField {
  readonly path: string;
  readonly list: CodeList;
}

export function checkMockupDom(dom: string, title: string, coded: readonly CodedField[]): string[] {
  const problems: string[] = [];
  if (!visibleText(dom).includes(title)) problems.push(`the rendered mock-up does not show the form's title "${title}"`);
  const selects = [...dom.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)];
  if (selects.length === 0) problems.push('the rendered mock-up has no <select>');
  for (const field of coded) {
    const select = selects.find((s) => s[1]!.includes(`name="${serialisedAttribute(field.path)}"`));
    if (!select) { problems.push(`no <select name="${field.path}"> for the coded field ${field.path}`); continue; }
    const missing = field.list.codes.filter((c) => !select[2]!.includes(`<option value="${serialisedAttribute(c.code)}"`));
    if (missing.length > 0) problems.push(`the <select> of ${field.path} lacks the codes ${missing.map((c) => c.code).join(', ')} of ${field.list.id} v${field.list.version}`);
  }
  return problems;
}
