/**
 * Versions of the forms and code lists of the catalogue (DOMAIN.md V2, V3): at most two versions live at once; when
 * a new version goes live the older one is still accepted for one month, then refused; a new version is announced
 * at least 2 months before its production date (a new or changed form is a minor evolution, V3).
 */
import { addMonths, parisMidnight, parseIsoDate } from './calendar.js';

export interface CatalogueVersion {
  readonly version: number;
  readonly announced: string;
  readonly production: string;
}

export type CatalogueVersionState =
  | { readonly state: 'announced' }
  | { readonly state: 'live'; readonly acceptedUntil: string | null }
  | { readonly state: 'retired'; readonly since: string; readonly use: number };

/** The date from which a version is refused: one month after the next version's production date (V2). */
export function acceptedUntil(versions: readonly CatalogueVersion[], version: number): string | null {
  const next = [...versions].sort((a, b) => a.version - b.version).find((v) => v.version > version);
  return next ? addMonths(next.production, 1) : null;
}

export function checkCataloguePlan(what: string, versions: readonly CatalogueVersion[]): string[] {
  const problems: string[] = [];
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  if (sorted.length === 0) problems.push(`${what}: no version declared`);
  for (const v of sorted) {
    if (!parseIsoDate(v.announced) || !parseIsoDate(v.production)) {
      problems.push(`${what} v${v.version}: announced "${v.announced}" and production "${v.production}" must be dates (YYYY-MM-DD)`);
      continue;
    }
    if (addMonths(v.announced, 2) > v.production) {
      problems.push(`rule V3: ${what} v${v.version} is announced on ${v.announced}, less than 2 months before its production date ${v.production}`);
    }
  }
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.production <= sorted[i - 1]!.production) {
      problems.push(`${what} v${sorted[i]!.version} goes live on ${sorted[i]!.production}, not after v${sorted[i - 1]!.version} (${sorted[i - 1]!.production})`);
    }
  }
  // V2: on each production date, count the versions accepted then.
  for (const v of sorted) {
    const live = sorted.filter((o) => o.production <= v.production && (acceptedUntil(sorted, o.version) ?? '9999-12-31') > v.production);
    if (live.length > 2) {
      problems.push(`rule V2: on ${v.production} ${live.length} versions of ${what} would be accepted (${live.map((o) => `v${o.version}`).join(', ')}); at most two`);
    }
  }
  return problems;
}

/** The state of a version at an instant (dates are Paris dates). */
export function catalogueVersionState(versions: readonly CatalogueVersion[], version: CatalogueVersion, now: Date): CatalogueVersionState {
  const t = now.getTime();
  if (t < parisMidnight(version.production).getTime()) return { state: 'announced' };
  const until = acceptedUntil(versions, version.version);
  if (until !== null && t >= parisMidnight(until).getTime()) {
    const newest = [...versions].filter((v) => parisMidnight(v.production).getTime() <= t).sort((a, b) => b.version - a.version)[0]!;
    return { state: 'retired', since: until, use: newest.version };
  }
  return { state: 'live', acceptedUntil: until };
}
