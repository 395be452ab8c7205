/**
 * One form field as an operator's screen would show it: label, control by type, help text, and the XML path and
 * constraints in small print (the mock-up is read by the developers who map their screens to our XML).
 */
import type { CodeList, CrossFieldRule, FieldDefinition, FieldType } from '../../src/catalog/catalog-types.js';
import { esc } from './html.js';

/** French name of each field type, as shown under the control. */
export const TYPE_NAMES: Readonly<Record<FieldType, string>> = {
  text: 'texte', code: 'code', date: 'date (AAAA-MM-JJ)', dateTime: 'date et heure (AAAA-MM-JJThh:mm:ss)',
  integer: 'nombre entier', boolean: 'oui / non (true / false)', phone: 'téléphone', email: 'adresse électronique'
};

const INPUT_TYPES: Readonly<Record<Exclude<FieldType, 'code' | 'boolean'>, string>> = {
  text: 'text', date: 'date', dateTime: 'datetime-local', integer: 'number', phone: 'tel', email: 'email'
};

// HTML allows maxlength only on the text-like inputs; on date or number it would make the page invalid.
/** Above this many characters a text field is shown as a <textarea>. */
const LONG_TEXT = 120;

const TAKES_MAXLENGTH: ReadonlySet<FieldType> = new Set(['text', 'phone', 'email']);

export interface FieldContext {
  readonly id: string;
  readonly field: FieldDefinition;
  /** Its code list when the field is coded. */
  readonly codeList: CodeList | undefined;
  /** The cross-field rules that can make this field required. */
  readonly requiredBy: readonly CrossFieldRule[];
  /** Labels of the form's fields by path, and of codes, to phrase the rules in French. */
  readonly describeRule: (rule: CrossFieldRule) => string;
}

function control(ctx: FieldContext, describedBy: string): string {
  const { field, id } = ctx;
  const common = `id="${esc(id)}" name="${esc(field.path)}"${describedBy ? ` aria-describedby="${esc(describedBy)}"` : ''}`;
  // A mandatory checkbox is not `required`: HTML would then demand it be ticked, while the XML only demands a value.
  const required = field.mandatory && field.type !== 'boolean' ? ' required' : '';
  if (field.type === 'boolean') return `<input type="checkbox" ${common} value="true">`;
  if (field.type === 'code') {
    const codes = ctx.codeList?.codes ?? [];
    const options = codes.map((c) => `<option value="${esc(c.code)}"${c.description ? ` title="${esc(c.description)}"` : ''}>${esc(c.code)} — ${esc(c.label)}</option>`);
    return [`<select ${common}${required}>`, '<option value="">— Choisir —</option>', ...options, '</select>'].join('\n');
  }
  const maxLength = field.maxLength !== undefined && TAKES_MAXLENGTH.has(field.type) ? ` maxlength="${field.maxLength}"` : '';
  // A long free text gets a text area, as on a real filing screen; its limit is the same maxlength. A text with no
  // declared length is usually a reference held by an XSD pattern: one line.
  if (field.type === 'text' && field.maxLength !== undefined && field.maxLength > LONG_TEXT) return `<textarea ${common} rows="4"${maxLength}${required}></textarea>`;
  const step = field.type === 'integer' ? ' step="1"' : field.type === 'dateTime' ? ' step="1"' : '';
  return `<input type="${INPUT_TYPES[field.type]}" ${common}${maxLength}${step}${required}>`;
}

function hint(ctx: FieldContext): string {
  const { field } = ctx;
  const parts = [`<code>${esc(field.path)}</code>`, esc(TYPE_NAMES[field.type])];
  if (field.maxLength !== undefined) parts.push(`${field.maxLength} caractères au plus`);
  if (ctx.codeList) parts.push(`liste de codes <code>${esc(ctx.codeList.id)}</code> v${ctx.codeList.version}`);
  parts.push(field.mandatory ? 'obligatoire' : 'facultatif');
  return parts.join(' · ');
}

const MARK = '<abbr class="req" title="obligatoire">*</abbr>';

/** The field's block; `data-path` and the class let a reader (or a test) find a field by its XML path. */
export function fieldBlock(ctx: FieldContext): string {
  const { field, id } = ctx;
  const helpId = field.help ? `${id}-aide` : '';
  const hintId = `${id}-format`;
  const describedBy = [helpId, hintId].filter((s) => s !== '').join(' ');
  const label = `${esc(field.label)}${field.mandatory ? ` ${MARK}` : ''}`;
  const classes = ['field', field.mandatory ? 'mandatory' : 'optional', field.type === 'boolean' ? 'check' : ''].filter((c) => c !== '').join(' ');
  const lines = [`<div class="${classes}" data-path="${esc(field.path)}">`];
  if (field.type === 'boolean') {
    lines.push(`<label for="${esc(id)}">${control(ctx, describedBy)} <span>${label}</span></label>`);
  } else {
    lines.push(`<label for="${esc(id)}">${label}</label>`, control(ctx, describedBy));
  }
  if (field.help) lines.push(`<p class="help" id="${esc(helpId)}">${esc(field.help)}</p>`);
  for (const rule of ctx.requiredBy) lines.push(`<p class="cond">Obligatoire ${esc(ctx.describeRule(rule))} (règle ${esc(rule.id)}).</p>`);
  lines.push(`<p class="hint" id="${esc(hintId)}">${hint(ctx)}</p>`, '</div>');
  return lines.join('\n');
}
