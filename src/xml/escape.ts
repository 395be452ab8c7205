/** XML escaping for the string builders of the response writers. */
const TEXT = /[&<>]/g;
const ATTR = /[&<>"']/g;
const MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Characters XML 1.0 forbids; they are dropped rather than written (XML 1.0 §2.2).
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeText(value: string): string {
  return value.replace(INVALID, '').replace(TEXT, (c) => MAP[c]!);
}

export function escapeAttribute(value: string): string {
  return value.replace(INVALID, '').replace(ATTR, (c) => MAP[c]!);
}

/** `<name>text</name>`, or nothing when the value is absent (minOccurs="0"). */
export function optionalElement(name: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  return `<${name}>${escapeText(String(value))}</${name}>`;
}

export function element(name: string, value: string | number): string {
  return `<${name}>${escapeText(String(value))}</${name}>`;
}
