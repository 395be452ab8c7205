/**
 * The web-service version rules of the contract, as pure code.
 * - V1: at most two versions of a service live at once; when a version goes live the previous one is kept at least
 *   1 month and at most 6 months.
 * - V3: a minor evolution is announced 2 months before it goes live, a major one 6 months before.
 */
import { addMonths, parisMidnight, parseIsoDate } from './calendar.js';

export type ChangeKind = 'minor' | 'major';

export interface VersionDeclaration {
  readonly version: number;
  readonly change: ChangeKind;
  /** ISO dates (Paris): announcement, production (go-live) and sunset (retirement; null while none is planned). */
  readonly announced: string;
  readonly production: string;
  readonly sunset: string | null;
}

export interface ServicePlan {
  readonly service: string;
  readonly versions: readonly VersionDeclaration[];
}

export type VersionState = 'announced' | 'live' | 'deprecated' | 'retired';

const ANNOUNCEMENT_MONTHS: Record<ChangeKind, number> = { minor: 2, major: 6 };

/** Every rule the plan breaks, each message naming the rule (empty when the plan is lawful). */
export function checkVersionPlan(plan: ServicePlan): string[] {
  const problems: string[] = [];
  const name = (v: VersionDeclaration): string => `${plan.service} v${v.version}`;
  const versions = [...plan.versions].sort((a, b) => a.version - b.version);
  if (versions.length === 0) problems.push(`${plan.service}: no version declared`);

  for (const v of versions) {
    const dates: Array<[string, string | null]> = [['announced', v.announced], ['production', v.production], ['sunset', v.sunset]];
    const bad = dates.filter(([, d]) => d !== null && parseIsoDate(d) === null);
    if (bad.length > 0) {
      problems.push(`${name(v)}: ${bad.map(([k, d]) => `${k} "${d}"`).join(', ')} is not a date (YYYY-MM-DD)`);
      continue;
    }
    if (v.change !== 'minor' && v.change !== 'major') {
      problems.push(`${name(v)}: change must be "minor" or "major", not "${String(v.change)}"`);
      continue;
    }
    const months = ANNOUNCEMENT_MONTHS[v.change];
    if (addMonths(v.announced, months) > v.production) {
      problems.push(`rule V3: ${name(v)} is a ${v.change} evolution announced on ${v.announced}, less than ${months} months before its production date ${v.production}`);
    }
    if (v.sunset !== null && v.sunset <= v.production) {
      problems.push(`${name(v)}: sunset ${v.sunset} is not after its production date ${v.production}`);
    }
  }
  if (problems.length > 0) return problems;

  for (let i = 1; i < versions.length; i++) {
    const prev = versions[i - 1]!;
    const next = versions[i]!;
    if (next.production <= prev.production) {
      problems.push(`${name(next)} goes live on ${next.production}, not after ${name(prev)} (${prev.production})`);
      continue;
    }
    const min = addMonths(next.production, 1);
    const max = addMonths(next.production, 6);
    if (prev.sunset === null) {
      problems.push(`rule V1: ${name(prev)} has no sunset date although ${name(next)} goes live on ${next.production}: it must be retired between ${min} and ${max}`);
    } else if (prev.sunset < min) {
      problems.push(`rule V1: ${name(prev)} is retired on ${prev.sunset}, less than 1 month after ${name(next)} goes live (${next.production}); earliest ${min}`);
    } else if (prev.sunset > max) {
      problems.push(`rule V1: ${name(prev)} is kept until ${prev.sunset}, more than 6 months after ${name(next)} goes live (${next.production}); latest ${max}`);
    }
  }
  for (const v of versions) {
    const live = versions.filter((o) => o.production <= v.production && (o.sunset === null || o.sunset > v.production));
    if (live.length > 2) {
      problems.push(`rule V1: on ${v.production} ${live.length} versions of ${plan.service} would be live (${live.map((o) => `v${o.version}`).join(', ')}); at most two`);
    }
  }
  return problems;
}

/** The state of one version at an instant; dates are Paris dates, a day begins at 00:00 Europe/Paris. */
export function versionState(plan: ServicePlan, version: VersionDeclaration, now: Date): VersionState {
  const t = now.getTime();
  if (t < parisMidnight(version.production).getTime()) return 'announced';
  if (version.sunset !== null && t >= parisMidnight(version.sunset).getTime()) return 'retired';
  const newerLive = plan.versions.some((o) => o.version > version.version && parisMidnight(o.production).getTime() <= t);
  return newerLive ? 'deprecated' : 'live';
}

/** The versions a caller may use now, newest first. */
export function liveVersions(plan: ServicePlan, now: Date): VersionDeclaration[] {
  return plan.versions
    .filter((v) => { const s = versionState(plan, v, now); return s === 'live' || s === 'deprecated'; })
    .sort((a, b) => b.version - a.version);
}
