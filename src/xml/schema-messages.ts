/**
 * libxml2's schema validity errors (English, with `{namespace}local` names and the schema's type names) read into
 * findings a fault can show (issue 19 item 4): what is wrong (rule), with which element or attribute, the value, and
 * a French message naming elements by their local name only. Every kind of error libxml2 reports for the XSD
 * features our contracts use has its own translation; anything else gets a French message of its own too, never
 * libxml2's text.
 */

/** An element or attribute name as libxml2 writes it: `{namespace}local`, or `local` without a namespace. */
export interface XmlName { readonly ns: string; readonly local: string }

export type FindingKind = 'value' | 'missing-element' | 'missing-attribute' | 'unexpected' | 'other';

export interface SchemaFinding {
  /** The element libxml2 names (for a missing child: the parent). */
  readonly element: XmlName | null;
  readonly attribute?: XmlName;
  readonly kind: FindingKind;
  /** For missing-element and unexpected: the elements libxml2 expected there, local names (xs:any shown as '*'). */
  readonly expected?: readonly string[];
  readonly rule: string;
  readonly value?: string;
  readonly message: string;
}

/**
 * Text where only elements are allowed. libxml2 reports it once per text node of a document, and once per piece of
 * text its streaming parser reads (300 characters, or a reference): field-paths.ts reports it once per element.
 */
export const TEXT_IN_ELEMENT_ONLY = 'cet élément attend des éléments, pas du texte';

export interface StructuredError { message: string; line: number; column?: number; domain?: number; code?: number; str1?: string | null }

const SUBJECT = /^Element '([^']+)'(?:, attribute '([^']+)')?: /;
const FACET = /^\[facet '([^']+)'\] /;
const ATOMIC = /is not a valid value of the (?:local )?(?:atomic|list|union) type(?: '([^']+)')?/;
const EXPECTED = /Expected is(?: one of)? \( ([^)]+) \)/;
const LAST_QUOTED = /'([^']*)'\)?\.?\s*$/; // libxml2 ends with 'X'. or, for bounds, ('X').
const SET = /\{([^}]*)\}/;
const REQUIRED_ATTRIBUTE = /^The attribute '([^']+)' is required but missing/;

export function parseName(text: string): XmlName {
  const m = /^\{([^}]*)\}(.*)$/.exec(text);
  return m ? { ns: m[1]!, local: m[2]! } : { ns: '', local: text };
}

/** "( {ns}a, {ns}b )" → ["a", "b"]; a wildcard (xs:any: `##other{ns}*`) → "*". */
function expectedNames(rest: string): string[] {
  const list = EXPECTED.exec(rest)?.[1];
  if (!list) return [];
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (s.includes('*') ? '*' : parseName(s).local));
}

/** How an expected element reads in a message. */
export function describeExpected(names: readonly string[]): string {
  const shown = names.map((n) => (n === '*' ? 'un élément d’un autre espace de noms (le formulaire)' : n));
  return shown.length <= 1 ? (shown[0] ?? '?') : `${shown.slice(0, -1).join(', ')} ou ${shown[shown.length - 1]}`;
}

/** A French message for the XSD facets; the constraint is read from libxml2's message. */
function facetMessage(facet: string, text: string): string {
  const limit = LAST_QUOTED.exec(text)?.[1];
  switch (facet) {
    case 'pattern': return `la valeur ne respecte pas le motif « ${limit ?? '?'} »`;
    case 'enumeration': return `la valeur n'est pas dans la liste autorisée : ${(SET.exec(text)?.[1] ?? '').replace(/'/g, '')}`;
    case 'maxLength': return `la valeur dépasse la longueur maximale (${limit ?? '?'} caractère(s))`;
    case 'minLength': return `la valeur est plus courte que la longueur minimale (${limit ?? '?'} caractère(s))`;
    case 'length': return `la valeur doit avoir exactement ${limit ?? '?'} caractères`;
    case 'maxInclusive': return `la valeur dépasse le maximum autorisé (${limit ?? '?'})`;
    case 'minInclusive': return `la valeur est inférieure au minimum autorisé (${limit ?? '?'})`;
    case 'maxExclusive': return `la valeur doit être strictement inférieure à ${limit ?? '?'}`;
    case 'minExclusive': return `la valeur doit être strictement supérieure à ${limit ?? '?'}`;
    case 'totalDigits': return `la valeur a trop de chiffres (${limit ?? '?'} au plus)`;
    case 'fractionDigits': return `la valeur a trop de décimales (${limit ?? '?'} au plus)`;
    default: return 'la valeur ne respecte pas une contrainte du schéma de ce champ';
  }
}

/**
 * What a value of a type must look like, from the type's name (a built-in type, or one of ours named after its
 * base: DateHeureType, DateType…); the schema's type names themselves are never shown.
 */
function typeMessage(typeName: string | undefined): string {
  const local = typeName ? parseName(typeName).local : '';
  if (/dateTime|DateHeure/i.test(local)) {
    return "la valeur n'est pas une date et heure valide (AAAA-MM-JJThh:mm:ss suivi du fuseau, par exemple 2026-12-02T08:30:00+01:00)";
  }
  if (/^date$|Date(Type)?$/i.test(local)) return "la valeur n'est pas une date valide (AAAA-MM-JJ)";
  if (/^time$|Heure(Type)?$/i.test(local)) return "la valeur n'est pas une heure valide (hh:mm:ss)";
  if (/boolean|Booleen/i.test(local)) return 'la valeur doit être true ou false';
  if (/int|long|short|byte|Integer|Entier|Nombre/i.test(local)) return "la valeur n'est pas un nombre entier valide";
  if (/decimal|double|float|Montant/i.test(local)) return "la valeur n'est pas un nombre valide";
  if (/anyURI|Url|Uri/i.test(local)) return "la valeur n'est pas une adresse (URI) valide";
  return "la valeur n'a pas le format attendu pour ce champ";
}

/** Reads one libxml2 schema validity error. */
export function readSchemaError(e: StructuredError): SchemaFinding {
  const raw = e.message.trim();
  const subject = SUBJECT.exec(raw);
  const element = subject ? parseName(subject[1]!) : null;
  const attribute = subject?.[2] ? parseName(subject[2]) : undefined;
  const at = { element, ...(attribute ? { attribute } : {}) };
  const rest = subject ? raw.slice(subject[0].length) : raw;
  const value = e.str1 ?? undefined;

  const facet = FACET.exec(rest);
  if (facet) {
    // For length facets libxml2 gives the length, not the value: no value then, the message says the length.
    const withValue = value !== undefined && !/length$/i.test(facet[1]!);
    return { ...at, kind: 'value', rule: facet[1]!, ...(withValue ? { value } : {}), message: facetMessage(facet[1]!, rest.slice(facet[0].length)) };
  }
  const atomic = ATOMIC.exec(rest);
  if (atomic) return { ...at, kind: 'value', rule: 'type', ...(value !== undefined ? { value } : {}), message: typeMessage(atomic[1]) };
  if (rest.startsWith('Missing child element')) {
    const expected = expectedNames(rest);
    return { ...at, kind: 'missing-element', expected, rule: 'obligatoire', message: `élément obligatoire absent : ${describeExpected(expected)}` };
  }
  if (rest.startsWith('This element is not expected')) {
    const expected = expectedNames(rest);
    return {
      ...at, kind: 'unexpected', expected, rule: 'inattendu',
      message: expected.length > 0 ? `élément inattendu à cet endroit ; attendu : ${describeExpected(expected)}` : 'élément inattendu à cet endroit'
    };
  }
  if (rest.startsWith('No matching global declaration')) {
    return { ...at, kind: 'unexpected', rule: 'inattendu', message: 'élément inconnu du schéma de ce service' };
  }
  const required = REQUIRED_ATTRIBUTE.exec(rest);
  if (required) {
    const missing = parseName(required[1]!);
    return { element, attribute: missing, kind: 'missing-attribute', rule: 'obligatoire', message: `attribut obligatoire absent : ${missing.local}` };
  }
  if (/attribute/i.test(rest) && /not allowed/.test(rest)) return { ...at, kind: 'unexpected', rule: 'inattendu', message: 'attribut non autorisé' };
  if (rest.startsWith('Element content is not allowed')) {
    return { ...at, kind: 'value', rule: 'type', message: 'cet élément attend une valeur, pas des éléments' };
  }
  if (rest.startsWith('Character content other than whitespace is not allowed')) {
    return { ...at, kind: 'value', rule: 'type', message: TEXT_IN_ELEMENT_ONLY };
  }
  if (/no corresponding namespace declaration/.test(rest)) {
    return { ...at, kind: 'value', rule: 'type', ...(value !== undefined ? { value } : {}), message: "le préfixe de la valeur n'est pas déclaré" };
  }
  if (/not 'nillable'/.test(rest)) return { ...at, kind: 'value', rule: 'nillable', message: 'cet élément ne peut pas être déclaré vide (xsi:nil)' };
  if (/Duplicate key-sequence/.test(rest)) return { ...at, kind: 'value', rule: 'unicite', message: 'valeur en double' };
  if (/No match found for key-sequence/.test(rest)) {
    return { ...at, kind: 'value', rule: 'reference', message: 'la valeur ne désigne aucun élément du message' };
  }
  if (/no document element/.test(rest)) {
    return { element: null, kind: 'missing-element', expected: [], rule: 'obligatoire', message: 'le message ne contient aucun élément' };
  }
  return { ...at, kind: 'other', rule: 'schema', message: 'le contenu de cet élément ne respecte pas le schéma' };
}
