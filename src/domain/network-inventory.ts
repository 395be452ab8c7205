/**
 * The OI's network inventory as the import reads it (issue 15 part 1; DOMAIN.md vocabulary PM, PBO, PTO): the
 * rows of a file checked one by one and against each other, every problem named by its line and field, and each
 * element placed under its PM (the scope of an import is the set of PMs its rows belong to).
 */
export const ELEMENT_KINDS = ['PM', 'PMT', 'PBO', 'PTO'] as const;
export type ElementKind = (typeof ELEMENT_KINDS)[number];

/** The header of an import file, in this order or any other (the columns are found by name). */
export const INVENTORY_COLUMNS = ['type', 'reference', 'parent', 'pmt', 'immeuble', 'libelle', 'code_insee'] as const;
export type InventoryColumn = (typeof INVENTORY_COLUMNS)[number];

/** One row of a file, as read (line is the file's line number, the header being line 1). */
export interface RawInventoryRow { readonly line: number; readonly fields: Readonly<Partial<Record<InventoryColumn, string>>> }

/** A checked element, with its chain up to its PM resolved to references. */
export interface InventoryElement {
  readonly line: number;
  readonly kind: ElementKind;
  readonly ref: string;
  readonly pmRef: string | null;
  readonly pmtRef: string | null;
  readonly pboRef: string | null;
  readonly buildingId: string | null;
  readonly label: string | null;
  readonly inseeCode: string | null;
}

export interface InventoryProblem { readonly line: number; readonly field: InventoryColumn | 'ligne'; readonly message: string }

/** An element already in the database, for the rows whose parent is not in the file. */
export interface KnownElement { readonly kind: ElementKind; readonly ref: string; readonly pmRef: string | null; readonly pmtRef: string | null }

const REF = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const INSEE = /^[0-9][0-9AB][0-9]{3}$/;
/** Whose child each kind is: PMT and PBO hang from a PM, a PTO from a PBO. */
const PARENT_KIND: Readonly<Record<ElementKind, ElementKind | null>> = Object.freeze({ PM: null, PMT: 'PM', PBO: 'PM', PTO: 'PBO' });

export function isElementKind(s: string): s is ElementKind {
  return (ELEMENT_KINDS as readonly string[]).includes(s);
}

/** The header's problems: a missing mandatory column or an unknown one (a typo would silently drop a column). */
export function headerProblems(header: readonly string[]): InventoryProblem[] {
  const known = new Set<string>(INVENTORY_COLUMNS);
  const problems: InventoryProblem[] = header.filter((h) => !known.has(h)).map((h) => ({ line: 1, field: 'ligne', message: `colonne inconnue « ${h} »` }));
  for (const c of ['type', 'reference', 'parent'] as const) {
    if (!header.includes(c)) problems.push({ line: 1, field: c, message: 'colonne obligatoire absente' });
  }
  return problems;
}

const blank = (s: string | undefined): string | null => (s === undefined || s.trim() === '' ? null : s.trim());

/**
 * Checks every row; parents are looked up in the file first, then in `known` (what the database holds, not
 * retired). Returns the elements in an order where each parent comes before its children, or every problem.
 */
export function checkInventory(rows: readonly RawInventoryRow[], known: ReadonlyMap<string, KnownElement>):
  { readonly elements: InventoryElement[]; readonly problems: InventoryProblem[] } {
  const problems: InventoryProblem[] = [];
  const byRef = new Map<string, { kind: ElementKind; row: RawInventoryRow }>();
  for (const row of rows) {
    const kind = blank(row.fields.type)?.toUpperCase() ?? '';
    const ref = blank(row.fields.reference);
    if (!isElementKind(kind)) problems.push({ line: row.line, field: 'type', message: `« ${row.fields.type ?? ''} » n'est pas PM, PMT, PBO ou PTO` });
    if (ref === null) { problems.push({ line: row.line, field: 'reference', message: 'obligatoire' }); continue; }
    if (!REF.test(ref)) { problems.push({ line: row.line, field: 'reference', message: `« ${ref} » : 1 à 64 lettres, chiffres, . _ / -` }); continue; }
    const twin = byRef.get(ref);
    if (twin) { problems.push({ line: row.line, field: 'reference', message: `${ref} figure déjà ligne ${twin.row.line}` }); continue; }
    if (isElementKind(kind)) byRef.set(ref, { kind, row });
  }
  const kindOf = (ref: string): ElementKind | null => byRef.get(ref)?.kind ?? known.get(ref)?.kind ?? null;
  const elements: InventoryElement[] = [];
  const resolved = new Map<string, InventoryElement>();
  for (const [ref, { kind, row }] of byRef) {
    const before = problems.length;
    const f = row.fields;
    const parent = blank(f.parent);
    const pmt = blank(f.pmt);
    const building = blank(f.immeuble);
    const insee = blank(f.code_insee);
    const label = blank(f.libelle);
    const wanted = PARENT_KIND[kind];
    if (wanted === null && parent !== null) problems.push({ line: row.line, field: 'parent', message: 'un PM n\'a pas de parent' });
    if (wanted !== null) {
      if (parent === null) problems.push({ line: row.line, field: 'parent', message: `obligatoire (le ${wanted} de ce ${kind})` });
      else if (kindOf(parent) !== wanted) {
        const found = kindOf(parent);
        const message = found === null ? `${parent} : ${wanted} inconnu` : `${parent} est un ${found}, un ${wanted} est attendu`;
        problems.push({ line: row.line, field: 'parent', message });
      }
    }
    if (pmt !== null && kind !== 'PBO') problems.push({ line: row.line, field: 'pmt', message: 'seul un PBO est rattaché à un PM technique' });
    else if (pmt !== null && kindOf(pmt) !== 'PMT') problems.push({ line: row.line, field: 'pmt', message: `${pmt} : PMT inconnu` });
    if (kind === 'PTO' && building === null) problems.push({ line: row.line, field: 'immeuble', message: 'obligatoire pour une prise (identifiant immeuble)' });
    if (kind !== 'PTO' && building !== null) problems.push({ line: row.line, field: 'immeuble', message: 'seule une prise a un immeuble' });
    if (building !== null && building.length > 64) problems.push({ line: row.line, field: 'immeuble', message: '64 caractères au plus' });
    if (label !== null && label.length > 200) problems.push({ line: row.line, field: 'libelle', message: '200 caractères au plus' });
    if (insee !== null && !INSEE.test(insee)) problems.push({ line: row.line, field: 'code_insee', message: `« ${insee} » n'est pas un code INSEE` });
    if (problems.length > before) continue;
    elements.push({ line: row.line, kind, ref, pmRef: null, pmtRef: null, pboRef: null, buildingId: building, label, inseeCode: insee });
  }
  if (problems.length > 0) return { elements: [], problems: problems.sort((a, b) => a.line - b.line) };
  // Chains: PM ← PMT, PM ← PBO (← PMT of that PM), PBO ← PTO. Parents first, so a child reads its parent's PM.
  const order: Readonly<Record<ElementKind, number>> = { PM: 0, PMT: 1, PBO: 2, PTO: 3 };
  elements.sort((a, b) => order[a.kind] - order[b.kind] || a.line - b.line);
  const out: InventoryElement[] = [];
  for (const e of elements) {
    const f = byRef.get(e.ref)!.row.fields;
    const parent = blank(f.parent);
    const pmt = blank(f.pmt);
    const up = (ref: string): { pmRef: string | null; pmtRef: string | null } => resolved.get(ref) ?? known.get(ref) ?? { pmRef: null, pmtRef: null };
    let placed: InventoryElement = e;
    if (e.kind === 'PMT' || e.kind === 'PBO') placed = { ...e, pmRef: parent, pmtRef: pmt };
    if (e.kind === 'PTO') placed = { ...e, pmRef: up(parent!).pmRef, pmtRef: up(parent!).pmtRef, pboRef: parent };
    if (e.kind === 'PBO' && pmt !== null && up(pmt).pmRef !== parent) {
      problems.push({ line: e.line, field: 'pmt', message: `${pmt} est un PM technique de ${up(pmt).pmRef ?? '?'}, pas de ${parent ?? '?'}` });
    }
    resolved.set(e.ref, placed);
    out.push(placed);
  }
  return problems.length > 0 ? { elements: [], problems } : { elements: out, problems: [] };
}

/** The scope of an import: the PMs its elements belong to. What the database holds under them and the file lacks is retired. */
export function importScope(elements: readonly InventoryElement[]): string[] {
  return [...new Set(elements.map((e) => (e.kind === 'PM' ? e.ref : e.pmRef!)))].sort();
}
