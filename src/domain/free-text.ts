/**
 * Free text the OI types (a ticket comment, the reason of a transition, a maintenance reason…) goes into PostgreSQL
 * and then on the wire, in XML: it must be storable and sendable, or it is refused when typed, naming the field —
 * never accepted and found unsendable by a job later. The rules:
 * - XML 1.0 §2.2 (Char): no NUL or other C0 control but tab, LF and CR, no U+FFFE/U+FFFF, no lone surrogate
 *   (PostgreSQL refuses NUL in text; src/xml/escape.ts drops the others, which would empty the text);
 * - something readable: not only white space, control or format characters (the contracts' text types have
 *   minLength 1, e.g. notification Texte4000Type, and an invisible comment tells the operator nothing);
 * - at most the contract's maxLength, counted as XSD and PostgreSQL count: in characters (code points).
 */

/** The longest text per kind, from the contracts (the same maximum on every way in). */
export const TEXT_MAX_LENGTH = Object.freeze({
  /** A comment of the OI: notification CommentaireOIType/texte and ajoutComplement texte are Texte4000Type (and ticket_comment's CHECK). */
  comment: 4000,
  /** The reason of a transition: the operator's own reasons (reponseCloture, annulation motif) are Texte1000Type. */
  reason: 1000,
  /** A planned maintenance's or a request limit's reason: planned_maintenance's CHECK, notification Texte500Type (motif). */
  notice: 500
} as const);

export type TextProblemRule = 'caractere-interdit' | 'vide' | 'longueur-max';

export interface TextProblem {
  readonly rule: TextProblemRule;
  /** English, starting with the field's name: the CLI and the internal API say the same words. */
  readonly message: string;
  /** For a forbidden character: which (e.g. "U+0000 (NUL)") and where, from 1 (in UTF-16 units, as JavaScript counts). */
  readonly character?: string;
  readonly position?: number;
}

// Lone surrogates are matched one by one: a high one not followed by a low one, a low one not preceded by a high one.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const INVISIBLE_ONLY = /^[\s\p{Cc}\p{Cf}]*$/u;

const NAMES: Readonly<Record<number, string>> = { 0: 'NUL', 0xfffe: 'a noncharacter', 0xffff: 'a noncharacter' };

function describe(unit: number): string {
  const hex = `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  if (unit >= 0xd800 && unit <= 0xdfff) return `${hex} (a lone surrogate)`;
  return `${hex} (${NAMES[unit] ?? 'a control character'})`;
}

/** Characters as XSD's length facet and PostgreSQL's length() count them: code points, not UTF-16 units. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** The first problem of a text given for `field`, or null when it may be stored and sent. */
export function freeTextProblem(field: string, value: string, maxLength: number): TextProblem | null {
  const bad = FORBIDDEN.exec(value);
  if (bad) {
    const character = describe(bad[0].charCodeAt(0));
    const position = bad.index + 1;
    const message = `${field}: ${character} at position ${position} is not allowed (XML 1.0 characters only)`;
    return { rule: 'caractere-interdit', message, character, position };
  }
  if (INVISIBLE_ONLY.test(value)) return { rule: 'vide', message: `${field}: only white space or control characters, nothing readable` };
  const length = codePointLength(value);
  if (length > maxLength) return { rule: 'longueur-max', message: `${field}: at most ${maxLength} characters, ${length} given` };
  return null;
}
