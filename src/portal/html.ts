/**
 * Typed HTML: `html` escapes every interpolated value unless it is already Html (built by `html` itself or by
 * `raw` for a constant). Arrays are joined. No template engine, no build step, no way to forget an escape.
 */
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export class Html {
  constructor(readonly text: string) {}
  toString(): string { return this.text; }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** A constant fragment that is known to be safe (never a value that came from a request or the database). */
export function raw(text: string): Html {
  return new Html(text);
}

/** An attribute present or absent (`checked`, `selected`, `aria-invalid="true"`…). */
export function when(condition: boolean, fragment: Html): Html | null {
  return condition ? fragment : null;
}
