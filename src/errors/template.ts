/**
 * Message templates with {name} placeholders: their parameter names at the type level (so a call that forgets one
 * does not compile) and a rendering that never lets a placeholder reach the wire (for what the types cannot see:
 * a value cast from elsewhere, or undefined at run time).
 */

/** 'a {x} b {y}.' → 'x' | 'y' (never when the template has no placeholder). */
export type TemplateParams<S extends string> = S extends `${string}{${infer P}}${infer R}` ? P | TemplateParams<R> : never;

export type ParamValues = Readonly<Record<string, string | number>>;

/** What stands for a missing parameter in a message sent to a client: readable French, no template syntax. */
export const MISSING_PARAMETER = '(non précisé)';

export interface Rendered {
  readonly text: string;
  /** The placeholders that had no value: the fault still goes out, and the caller logs ESAV_FAULT_PARAM_MISSING. */
  readonly missing: readonly string[];
}

export function renderTemplate(template: string, params: ParamValues | undefined): Rendered {
  const missing: string[] = [];
  const text = template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const v: unknown = params?.[name];
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
    missing.push(name);
    return MISSING_PARAMETER;
  });
  return { text, missing };
}
