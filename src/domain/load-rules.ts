/**
 * The load rules of the contract (article 6): the five categories of requests that are counted (DOMAIN.md L1) and
 * the per-minute limits the OI may impose under overload, announced the day before (L2). Pure rules, no I/O.
 */
import { EsavError } from '../errors/esav-error.js';
import { parisDate } from './calendar.js';

/** L1, in the contract's order: a line test that returned a result, planned works or incidents, filing, state, history. */
export const CONTRACT_CATEGORIES = ['LINE_TEST', 'WORKS_INFO', 'FILING', 'STATE', 'HISTORY'] as const;
export type ContractCategory = (typeof CONTRACT_CATEGORIES)[number];
/** Calls outside the five (a service lookup, the form catalogue, a complement…): counted too, never limited. */
export type CallCategory = ContractCategory | 'OTHER';
export const CALL_CATEGORIES: readonly CallCategory[] = [...CONTRACT_CATEGORIES, 'OTHER'];

/**
 * What a limit applies to: one category, or ALL = every request of the five categories together. OTHER calls are
 * not "requests" in the sense of article 6, so no limit applies to them.
 */
export type LimitScope = ContractCategory | 'ALL';
export const LIMIT_SCOPES: readonly LimitScope[] = [...CONTRACT_CATEGORIES, 'ALL'];

/**
 * Which operation is which request, as data: `service.operation` patterns, `*` matching any run of characters, the
 * first match winning. The line-test and planned-works services are not built yet; their rules are here so that
 * they are counted from their first call.
 */
export const CATEGORY_RULES: readonly { readonly pattern: string; readonly category: CallCategory }[] = Object.freeze([
  { pattern: 'signalisation.depotSignalisation', category: 'FILING' },
  { pattern: 'signalisation.consultationEtat', category: 'STATE' },
  { pattern: 'signalisation.consultationDetail', category: 'STATE' },
  { pattern: 'signalisation.rechercheSignalisations', category: 'HISTORY' },
  // A launch is admitted under the LINE_TEST limits (L2); it is counted in the volumetry when its test returns a
  // result (L1: "a test that returned a result", src/store/line-test-queue.ts), not when launched.
  { pattern: 'test.lancementTest', category: 'LINE_TEST' },
  { pattern: 'test.*', category: 'OTHER' },
  { pattern: 'travaux.*', category: 'WORKS_INFO' },
  { pattern: 'info-travaux*.*', category: 'WORKS_INFO' },
  { pattern: '*.infoTravaux*', category: 'WORKS_INFO' },
  // Appointments are none of L1's five categories (a test, works information, a filing, a state, a history): they
  // are counted as OTHER, named here so that the choice is written down (README "Appointments").
  { pattern: 'plan-charge-sav.*', category: 'OTHER' },
  { pattern: 'rendezvous.*', category: 'OTHER' }
]);

const compiled = CATEGORY_RULES.map((r) => ({
  re: new RegExp(`^${r.pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`),
  category: r.category
}));
const memo = new Map<string, CallCategory>();

/** The category of a call; memoised, since the set of operations is small and fixed at boot. */
export function categoryOf(service: string, operation: string): CallCategory {
  const key = `${service}.${operation}`;
  let category = memo.get(key);
  if (category === undefined) {
    category = compiled.find((r) => r.re.test(key))?.category ?? 'OTHER';
    if (memo.size < 10_000) memo.set(key, category);
  }
  return category;
}

/** L1: the categories counted by their outcome elsewhere, not by the call (a line test: when it returns a result). */
export const COUNTED_ON_RESULT: ReadonlySet<CallCategory> = new Set<CallCategory>(['LINE_TEST']);

export const isLimitScope = (v: string): v is LimitScope => (LIMIT_SCOPES as readonly string[]).includes(v);

/** The Paris day a call is counted on (ARCHITECTURE.md §5: business dates are Paris dates). */
export const volumetryDay = (at: Date): string => parisDate(at);

// ---- L2: per-minute limits ----------------------------------------------------------------------------------

/** L2: "after telling the operator the day before": at least 24 hours between the declaration and the start. */
export const LIMIT_NOTICE_MS = 24 * 3600_000;
export const MAX_PER_MINUTE = 1_000_000;

export interface LoadLimit {
  readonly id: string;
  readonly operatorId: string;
  readonly operatorCode: string;
  readonly scope: LimitScope;
  readonly perMinute: number;
  readonly start: Date;
  /** null: until removed ("temporarily": the OI lifts it with `esav-admin load limit remove`). */
  readonly end: Date | null;
}

/** Why a limit cannot be declared now, or null. Lifting or shortening a limit needs no notice; imposing one does. */
export function limitDeclarationProblem(perMinute: number, start: Date, end: Date | null, now: Date): string | null {
  if (!Number.isInteger(perMinute) || perMinute < 1 || perMinute > MAX_PER_MINUTE) return `--per-minute: an integer from 1 to ${MAX_PER_MINUTE}`;
  if (Number.isNaN(start.getTime())) return '--from: not a date-time';
  if (end !== null && (Number.isNaN(end.getTime()) || end.getTime() <= start.getTime())) return '--until must be a date-time after --from';
  const earliest = new Date(now.getTime() + LIMIT_NOTICE_MS);
  if (start.getTime() < earliest.getTime()) {
    return `a limit is announced to the operator the day before (L2): it can start at ${earliest.toISOString()} at the earliest, not ${start.toISOString()}`;
  }
  return null;
}

export const inForce = (l: LoadLimit, now: Date): boolean =>
  l.start.getTime() <= now.getTime() && (l.end === null || now.getTime() < l.end.getTime());

/** The limits that bind a call of this category now: its own category's and ALL's (each has its own counter). */
export function bindingLimits(limits: readonly LoadLimit[], category: CallCategory, now: Date): LoadLimit[] {
  if (category === 'OTHER') return [];
  return limits.filter((l) => (l.scope === category || l.scope === 'ALL') && inForce(l, now));
}

/** The minute a call is counted in: minutes are the same in UTC and Paris time (whole-hour offsets). */
export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}

const parisTime = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const parisDay = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short' });

/** LIMITE_DEPASSEE: the limit, the window (the minute, Paris time), and the seconds to the next minute. */
export function limitExceeded(limit: LoadLimit, now: Date): EsavError {
  const minute = minuteOf(now);
  const next = new Date(minute.getTime() + 60_000);
  const retryAfter = Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000));
  return new EsavError('ESAV_LOAD_LIMIT_EXCEEDED', {
    params: {
      limit: limit.perMinute,
      scope: limit.scope === 'ALL' ? 'toutes catégories' : `catégorie ${limit.scope}`,
      window: `${parisDay.format(minute)} de ${parisTime.format(minute)} à ${parisTime.format(next)}`,
      retryAfter
    },
    retryAfterSeconds: retryAfter,
    nextWindow: next
  }, { logReason: `load limit ${limit.id}: ${limit.perMinute}/min ${limit.scope}` });
}
