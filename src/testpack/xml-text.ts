/** Reading answers without the gateway's code: element texts by local name, the fault code, checks. */
import type { Check } from './scenario.js';

const decode = (s: string): string => s
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
  .replace(/&#x([0-9a-fA-F]+);/g, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
  .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
  .replace(/&amp;/g, '&');

export function xmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Texts of every element with this local name that holds text only (in document order). */
export function textsOf(xml: string, local: string): string[] {
  const name = local.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[A-Za-z_][\\w.-]*:)?${name}\\s*>`, 'g');
  return [...xml.matchAll(re)].map((m) => decode(m[1]!));
}

export function textOf(xml: string, local: string): string | undefined {
  return textsOf(xml, local)[0];
}

/** "OK" for an answer without a SOAP Fault, else the DetailErreur code, the InfoErreurType codeErreur, or the bare faultcode. */
export function outcomeOf(xml: string): string {
  if (!/<(?:[\w.-]+:)?Fault[\s>]/.test(xml)) return 'OK';
  const detail = /<(?:[\w.-]+:)?DetailErreur[\s>][\s\S]*?<(?:[\w.-]+:)?code>([^<]*)</.exec(xml);
  if (detail) return decode(detail[1]!);
  // Interop'Fibre's InfoErreurType (planChargeSav): its integer codeErreur.
  const info = /<(?:[\w.-]+:)?InfoErreurType[\s>][\s\S]*?<(?:[\w.-]+:)?codeErreur>([^<]*)</.exec(xml);
  if (info) return decode(info[1]!).trim();
  return `FAULT(${textOf(xml, 'faultcode') ?? textOf(xml, 'Value') ?? '?'})`;
}

export interface CheckResult {
  readonly check: Check;
  readonly ok: boolean;
  readonly actual: string | undefined;
  readonly expected: string;
}

export function describeCheck(c: Check): string {
  const target = c.all ? `toutes les valeurs de <${c.element}>` : `<${c.element}>`;
  if (c.equals !== undefined) return `${target} = « ${c.equals} »`;
  if (c.matches !== undefined) return `${target} respecte /${c.matches}/`;
  if (c.contains !== undefined) return `${target} contient « ${c.contains} »`;
  return c.exists === false ? `${target} absent` : `${target} présent`;
}

export function runCheck(xml: string, c: Check, resolve: (s: string) => string): CheckResult {
  const texts = textsOf(xml, c.element);
  const actual = texts.length === 0 ? undefined : c.all ? texts.join('|') : texts[0];
  let ok: boolean;
  let resolved: Check = c;
  if (c.equals !== undefined) { resolved = { ...c, equals: resolve(c.equals) }; ok = actual === resolved.equals; }
  else if (c.matches !== undefined) { resolved = { ...c, matches: resolve(c.matches) }; ok = actual !== undefined && new RegExp(resolved.matches!).test(actual); }
  else if (c.contains !== undefined) { resolved = { ...c, contains: resolve(c.contains) }; ok = actual !== undefined && actual.includes(resolved.contains!); }
  else {
    const name = c.element.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const present = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}[\\s>/]`).test(xml);
    ok = c.exists === false ? !present : present;
    return { check: c, ok, actual: present ? (actual ?? '(présent)') : undefined, expected: describeCheck(c) };
  }
  return { check: resolved, ok, actual, expected: describeCheck(resolved) };
}

export interface FaultField {
  readonly field: string;
  readonly message?: string;
  readonly value?: string;
}

/** What a SOAP Fault says, for people: its code, message, request id and the fields in error (DetailErreur). */
export interface FaultInfo {
  readonly code: string;
  readonly message?: string;
  readonly requestId?: string;
  readonly fields: readonly FaultField[];
}

const FIELD = /<(?:[\w.-]+:)?champEnErreur[\s>][\s\S]*?<\/(?:[\w.-]+:)?champEnErreur\s*>/g;

export function faultOf(xml: string): FaultInfo | undefined {
  if (!/<(?:[\w.-]+:)?Fault[\s>]/.test(xml)) return undefined;
  const code = outcomeOf(xml);
  const detail = /<(?:[\w.-]+:)?DetailErreur[\s>][\s\S]*?<\/(?:[\w.-]+:)?DetailErreur\s*>/.exec(xml)?.[0];
  if (!detail) {
    const message = textOf(xml, 'messageErreur') ?? textOf(xml, 'faultstring') ?? textOf(xml, 'Text');
    return { code, ...(message ? { message } : {}), fields: [] };
  }
  const fields = [...detail.matchAll(FIELD)].map((m) => {
    const f = m[0];
    const message = textOf(f, 'message'); const value = textOf(f, 'valeur');
    return { field: textOf(f, 'champ') ?? '?', ...(message ? { message } : {}), ...(value !== undefined ? { value } : {}) };
  });
  const own = detail.replace(FIELD, '');
  const message = textOf(own, 'message'); const requestId = textOf(own, 'idRequete');
  return { code, ...(message ? { message } : {}), ...(requestId ? { requestId } : {}), fields };
}

/** The fault in a few lines for the console: « CODE — message (idRequete …) » then each field in error. */
export function faultLines(f: FaultInfo): string[] {
  const lines = [`faute ${f.code}${f.message ? ` — ${f.message}` : ''}${f.requestId ? ` (idRequete ${f.requestId})` : ''}`];
  for (const x of f.fields) lines.push(`  champ ${x.field}${x.message ? ` : ${x.message}` : ''}`);
  return lines;
}
