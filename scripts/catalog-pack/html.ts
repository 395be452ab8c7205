/**
 * HTML building blocks of the catalogue pack: escaping, the page shell and French date formatting. Pages are
 * strings: the pack is a handful of static documents, a template engine would be one more dependency for nothing.
 */
import { STYLESHEET } from './style.js';

const HTML_SPECIAL = /[&<>"']/g;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// Control characters are not allowed in HTML text (HTML5 §13.1.4 "text"); a label never needs them.
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g;

/**
 * Escapes for both text and double- or single-quoted attribute values: catalogue labels, help texts and rule messages
 * are written by people and may hold <, & or quotes (a label "Remarque <b>" must show as typed, not as bold).
 */
export function esc(value: string | number): string {
  return String(value).replace(CONTROL, '').replace(HTML_SPECIAL, (c) => ENTITIES[c]!);
}

/** `href` of a relative link inside the pack: each path segment is URL-encoded, the slashes kept. */
export function href(relativePath: string): string {
  return esc(relativePath.split('/').map(encodeURIComponent).join('/'));
}

export function link(relativePath: string, text: string): string {
  return `<a href="${href(relativePath)}">${esc(text)}</a>`;
}

/** A marker the builder looks for before emptying an output folder: it never deletes a folder it did not write. */
export const GENERATOR = 'esav-catalog-pack';

export interface PageOptions {
  readonly title: string;
  readonly body: string;
  /** The page's kind, used by the stylesheet (e.g. wider layout for the index table). */
  readonly kind: 'index' | 'maquette';
  /** The Paris date the pack describes, kept on <body> so that a later tool (the screenshots) can read it back. */
  readonly packDate: string;
}

/** A complete, self-contained HTML5 document: inline stylesheet, no script, no external resource. */
export function page(opts: PageOptions): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="fr">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${GENERATOR}">`,
    `<title>${esc(opts.title)}</title>`,
    `<style>${STYLESHEET}</style>`,
    '</head>',
    `<body class="page-${opts.kind}" data-pack-date="${esc(opts.packDate)}">`,
    opts.body,
    '</body>',
    '</html>',
    ''
  ].join('\n');
}

const FRENCH_DATE = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const FRENCH_DATE_TIME = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris'
});

/**
 * "2026-07-06" → "6 juillet 2026", "2026-06-01" → "1er juin 2026" (French writes the first of the month as an
 * ordinal, which Intl does not). Catalogue dates are calendar dates: formatted in UTC, so without any shift.
 */
export function frenchDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const text = FRENCH_DATE.format(new Date(Date.UTC(y!, m! - 1, d!)));
  return d === 1 ? text.replace(/^1 /, '1er ') : text;
}

/** The day before an ISO date: "accepted until" is shown as the last day accepted, the loader stores the first refused. */
export function dayBefore(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! - 1)).toISOString().slice(0, 10);
}

/** An instant as Paris wall-clock time, for the "generated on" line. */
export function frenchDateTime(at: Date): string {
  return FRENCH_DATE_TIME.format(at);
}

/** `<time datetime>` keeps the machine-readable ISO date next to the French one. */
export function time(isoDate: string): string {
  return `<time datetime="${esc(isoDate)}">${esc(frenchDate(isoDate))}</time>`;
}
