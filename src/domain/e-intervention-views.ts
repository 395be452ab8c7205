/**
 * The OI's reads of the e-intervention hub (issue 18 part 4), one use case behind every way in — esav-admin
 * interventions list|show and the internal API — so that the same filter gets the same checks and the same refusal
 * (InterventionViewRefusal, mapped once by each); and an operator's own impacts over a period (E3, the "Lot 1"
 * alerting). Inputs are `unknown` on purpose: what a command line or a query string gave is checked here. Pure of
 * I/O: the ports read; the clock is passed in.
 */
import { InterventionViewRefusal } from '../errors/e-intervention-view-refusal.js';
import { parisInstant } from './appointment-slots.js';
import { parseIsoDate } from './calendar.js';
import { repairConsent, type Intervention, type InterventionState } from './e-intervention.js';
import type { EInterventionPolicy } from './e-intervention-rules.js';

export const INTERVENTION_STATES: readonly InterventionState[] = Object.freeze(['EN_COURS', 'TERMINEE', 'CLOTUREE']);
export const VIEW_DEFAULT_LIMIT = 50;
export const VIEW_MAX_LIMIT = 500;
/** E3: the longest period one query covers, and its default (the last day). */
export const IMPACTS_MAX_DAYS = 31;

export interface SearchFilter {
  readonly state: string | null; readonly refPM: string | null; readonly doOperator: string | null; readonly operator: string | null;
  readonly from: Date | null; readonly to: Date | null;
}

export interface InterventionSummary {
  readonly refIntervOI: string; readonly doOperator: string; readonly refIntervDO: string; readonly refPM: string; readonly refPBO: string;
  readonly nature: string; readonly state: string; readonly test: number; readonly startedAt: Date; readonly endedAt: Date | null;
  readonly declaredAt: Date; readonly closedAt: Date | null; readonly operators: number; readonly linesCut: number; readonly linesRestored: number;
  readonly messagesPending: number;
}

export interface MessageRecord {
  readonly id: string; readonly operator: string; readonly role: string; readonly operation: string; readonly state: string;
  readonly attempts: number; readonly createdAt: Date; readonly doneAt: Date | null; readonly lastError: string | null;
}

export interface ImpactRecord {
  readonly refIntervOI: string; readonly refPM: string; readonly refPMTechnique: string; readonly nature: string; readonly state: string;
  readonly startedAt: Date; readonly endedAt: Date | null; readonly closedAt: Date | null;
  readonly lines: readonly { refPTO: string; refPBO: string; serviceId: string | null; cutAt: string; restoredAt: string | null; restoredByDo: boolean }[];
}

export interface InterventionViewPorts {
  search(f: SearchFilter, limit: number, offset: number): Promise<{ rows: InterventionSummary[]; total: number }>;
  operatorExists(code: string): Promise<boolean>;
  find(refIntervOI: string): Promise<Intervention | null>;
  messages(refIntervOI: string): Promise<MessageRecord[]>;
  /** The tickets linked to the intervention at filing (issue 18 part 4). */
  tickets(refIntervOI: string): Promise<{ reference: string; operator: string; state: string }[]>;
  impacts(operator: string, from: Date, to: Date, limit: number): Promise<ImpactRecord[]>;
}

type Input = Readonly<Record<string, unknown>>;
const invalid = (field: string, why: string): InterventionViewRefusal => new InterventionViewRefusal(`${field}: ${why}`, 'invalid', field);
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';

function code(v: unknown, field: string): string | null {
  if (absent(v)) return null;
  if (typeof v !== 'string' || !/^[A-Z0-9]{2,16}$/.test(v)) throw invalid(field, 'an operator code');
  return v;
}

function whole(v: unknown, field: string, min: number, max: number, dflt: number): number {
  if (absent(v)) return dflt;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,9}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(field, `a whole number from ${min} to ${max} (default ${dflt})`);
  return n;
}

/** A Paris date (its midnight; `end`: the next midnight) or an ISO 8601 instant with its offset. */
export function instant(v: unknown, field: string, end = false): Date | null {
  if (absent(v)) return null;
  if (typeof v === 'string' && parseIsoDate(v)) return parisInstant(v, end ? 24 * 60 : 0);
  const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(v) ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime())) throw invalid(field, 'a date YYYY-MM-DD (Paris) or an instant YYYY-MM-DDTHH:MM:SSZ');
  return d;
}

export interface InterventionViews {
  list(input: Input): Promise<{ interventions: InterventionSummary[]; total: number; page: number; limit: number; pages: number }>;
  show(reference: unknown, now: Date): Promise<ReturnType<typeof detail>>;
  /** E3: the caller's own impacts from `from` (default: a day before now) to `to` (default: now). */
  impacts(operator: string, input: Input, now: Date): Promise<{ from: Date; to: Date; interventions: ImpactRecord[] }>;
}

const at = (base: Date, ms: number): Date => new Date(base.getTime() + ms);

/**
 * One intervention as the OI follows it: each operator told, its consent now (E2) and whether it is late on the
 * current test; the deadlines the OI enforces (DELAI_NON_RESPECTE); each message with its delay (created → done,
 * or → now while pending).
 */
function detail(iv: Intervention, messages: readonly MessageRecord[], tickets: readonly { reference: string; operator: string; state: string }[],
  policy: EInterventionPolicy, now: Date) {
  const reportBy = iv.state === 'CLOTUREE' ? null : at(iv.testOpenedAt, policy.reportWindowMs);
  const consentBy = at(iv.declaredAt, policy.consentWindowMs);
  return {
    refIntervOI: iv.refIntervOI, doOperator: iv.doOperator, refIntervDO: iv.refIntervDO, refPM: iv.refPM, refPMTechnique: iv.refPMTechnique,
    refPBO: iv.refPBO, refPTO: iv.refPTO, nature: iv.nature, elementReseau: iv.elementReseau, description: iv.description, state: iv.state,
    test: iv.test, testOpenedAt: iv.testOpenedAt, startedAt: iv.startedAt, endedAt: iv.endedAt, declaredAt: iv.declaredAt, closedAt: iv.closedAt,
    deadlines: { reportBy, consentBy },
    recipients: iv.recipients.map((r) => {
      const answered = r.reportedTest === iv.test && r.closedTest;
      return {
        operator: r.operator, standing: r.standing, answer: r.answer, consent: repairConsent(iv, r.operator, now, policy), reportedTest: r.reportedTest,
        closedTest: r.closedTest, late: reportBy !== null && !answered && now.getTime() > reportBy.getTime()
      };
    }),
    lines: iv.lines.map((l) => ({
      operator: l.operator, refPTO: l.refPTO, refPBO: l.refPBO, nomModulePM: l.nomModulePM, positionModulePM: l.positionModulePM,
      positionCoupleurOC: l.positionCoupleurOC, fibre: l.fibre, tube: l.tube, numeroSerieONT: l.numeroSerieONT, serviceId: l.serviceId, cutAt: l.cutAt,
      restoredAt: l.restoredAt, restoredByDo: l.restoredByDo, reportedInTest: l.reportedInTest
    })),
    messages: messages.map((m) => ({ ...m, delayMs: (m.doneAt ?? now).getTime() - m.createdAt.getTime() })),
    tickets
  };
}

export function interventionViews(ports: InterventionViewPorts, policy: EInterventionPolicy): InterventionViews {
  return {
    async list(input) {
      const state = absent(input.state) ? null : String(input.state);
      if (state !== null && !(INTERVENTION_STATES as readonly string[]).includes(state)) throw invalid('state', `one of ${INTERVENTION_STATES.join(', ')}`);
      const refPM = absent(input.pm) ? null : String(input.pm);
      if (refPM !== null && refPM.length > 50) throw invalid('pm', '50 characters at most');
      const filter: SearchFilter = {
        state, refPM, doOperator: code(input.do, 'do'), operator: code(input.operator, 'operator'),
        from: instant(input.from, 'from'), to: instant(input.to, 'to', true)
      };
      if (filter.from && filter.to && filter.to <= filter.from) throw invalid('to', 'after from');
      for (const [field, c] of [['do', filter.doOperator], ['operator', filter.operator]] as const) {
        // An unknown operator is refused, never an empty list that looks like "none of its interventions".
        if (c !== null && !await ports.operatorExists(c)) throw invalid(field, `no operator ${c}`);
      }
      const limit = whole(input.limit, 'limit', 1, VIEW_MAX_LIMIT, VIEW_DEFAULT_LIMIT);
      const page = whole(input.page, 'page', 1, 999_999_999, 1);
      const { rows, total } = await ports.search(filter, limit, (page - 1) * limit);
      return { interventions: rows, total, page, limit, pages: Math.ceil(total / limit) };
    },

    async show(reference, now) {
      const ref = typeof reference === 'string' ? reference.trim() : '';
      if (ref === '' || ref.length > 50) throw invalid('refIntervOI', 'an intervention reference of the OI');
      const iv = await ports.find(ref);
      if (!iv) throw new InterventionViewRefusal(`no intervention ${ref}`, 'not-found');
      return detail(iv, await ports.messages(ref), await ports.tickets(ref), policy, now);
    },

    async impacts(operator, input, now) {
      const to = instant(input.fin ?? input.to, 'fin', true) ?? now;
      const from = instant(input.debut ?? input.from, 'debut') ?? at(to, -86_400_000);
      if (to <= from) throw invalid('fin', 'after debut');
      if (to.getTime() - from.getTime() > IMPACTS_MAX_DAYS * 86_400_000) throw invalid('debut', `a period of ${IMPACTS_MAX_DAYS} days at most`);
      return { from, to, interventions: await ports.impacts(operator, from, to, VIEW_MAX_LIMIT) };
    }
  };
}

/**
 * E3's operation: the files define no read for an operator (every flow of theirs is a push), so the gateway serves
 * one of its own beside them, GET /e-intervention/v2/esav/impacts-clients, granted by the profile right
 * "e-intervention.consulterImpactsClientsOC" (README).
 */
export const E3_OPERATION = 'consulterImpactsClientsOC';
