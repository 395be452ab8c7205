/**
 * The OI's ticket actions (DOMAIN.md S2): list, show, move through the lifecycle, comment, and the system's archiving
 * of closures past their answer delay. One use case behind every way in — the admin CLI, the internal API, the
 * nightly jobs and the sandbox back office — so that the same request gets the same validation and the same refusal
 * (src/errors/ticket-action-refusal.ts), which each way in maps once. Pure of I/O: the ports do the reading and
 * writing. Inputs are `unknown` on purpose: what a command line or a JSON body gave is checked here, not there.
 */
import { isEsavError } from '../errors/esav-error.js';
import { TicketActionRefusal, type TicketActionRefusalCode } from '../errors/ticket-action-refusal.js';
import { freeTextProblem, TEXT_MAX_LENGTH, type TextProblemRule } from './free-text.js';
import {
  archivableClosedBefore, DEFAULT_LIFECYCLE_POLICY, FREEZE_REASONS, TICKET_STATES, TRANSITIONS,
  type FreezeReason, type LifecyclePolicy, type TicketEvent, type TicketState
} from './ticket-lifecycle.js';
import { oiComment, oiEvent } from './ticket-service.js';
import type { Actor, CommentRecord, TicketRecord, TicketStore, TransitionRecord } from './tickets.js';

/** A page of the OI's list: 50 tickets unless asked, never more than 500 (one answer stays small). */
export const LIST_DEFAULT_LIMIT = 50;
export const LIST_MAX_LIMIT = 500;

export interface ArchiveOutcome {
  readonly archived: number;
  /** CLOS or VALIDE tickets still within their answer delay. */
  readonly pending: number;
}

export interface OiTicketPorts {
  readonly tickets: TicketStore;
  /** The operator's id, or null when no operator has this code. */
  operatorIdOf(code: string): Promise<string | null>;
  /**
   * Archives (CLOS/VALIDE → CLOS_TABLEAU_DE_BORD) every ticket closed before `closedBefore` or with no closure date,
   * with its transition by `actor` and its outbox event, as one set (no ticket loaded into memory).
   */
  archiveClosures(closedBefore: Date, actor: Actor, at: Date): Promise<ArchiveOutcome>;
  /** The network events (TP, DERCO) each ticket was filed inside (issue 15 part 5), by ticket id; absent: none. */
  networkEventsOf(ticketIds: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>>;
  /** The line test the ticket's filing relied on (S5, issue 17), or null. */
  lineTestOf(ticketId: string): Promise<TicketLineTest | null>;
}

/** The line test a filing relied on, as the OI's view of the ticket shows it (its outcome while the test is kept, 90 days). */
export interface TicketLineTest {
  readonly reference: string;
  readonly testCode: string | null;
  readonly state: string | null;
  readonly diagnosis: string | null;
  readonly finishedAt: Date | null;
  readonly failureReason: string | null;
}

/** A ticket as the OI sees it: with the planned works and incidents it was filed inside. */
export type OiTicket = TicketRecord & { readonly networkEvents: readonly string[] };

export interface ListRequest { readonly state?: unknown; readonly operator?: unknown; readonly limit?: unknown; readonly page?: unknown }
export interface ListQuery { readonly state: TicketState | null; readonly operator: string | null; readonly limit: number; readonly page: number }

export interface TicketPage {
  readonly tickets: OiTicket[];
  /** Tickets matching the filter, on every page. */
  readonly total: number;
  readonly page: number;
  readonly limit: number;
  readonly pages: number;
}

export type TicketWithHistory = OiTicket & { readonly transitions: TransitionRecord[]; readonly comments: CommentRecord[]; readonly lineTest: TicketLineTest | null };

export interface MoveRequest { readonly event: unknown; readonly reason?: unknown; readonly awaiting?: unknown }
export interface Move { readonly event: TicketEvent; readonly reason: string | null; readonly freezeReason: FreezeReason | null }

/** Who acts: an agent of the OI (the default) or an OI system (the sandbox back office acts as an agent). */
export interface OiActor { readonly name: string; readonly kind?: 'oi' | 'system' }

export interface OiTicketActions {
  list(request: ListRequest): Promise<TicketPage>;
  show(reference: string): Promise<TicketWithHistory>;
  move(reference: string, request: MoveRequest, actor: OiActor, now: Date): Promise<TicketState>;
  comment(reference: string, text: unknown, actor: OiActor, now: Date): Promise<void>;
  /** S2: the system archives the closures whose answer delay is over. */
  archiveDue(actorName: string, now: Date): Promise<ArchiveOutcome>;
}

/** A non-blank string, or null (absent, empty or not a string). */
function textOf(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function absent(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

const TEXT_REFUSAL: Readonly<Record<TextProblemRule, TicketActionRefusalCode>> = Object.freeze({
  'caractere-interdit': 'TEXT_FORBIDDEN_CHARACTER', vide: 'TEXT_BLANK', 'longueur-max': 'TEXT_TOO_LONG'
});

/** A given text that can be stored and sent (src/domain/free-text.ts), or the refusal naming its field. */
function sendable(field: 'text' | 'reason', value: string): string {
  const problem = freeTextProblem(field, value, field === 'text' ? TEXT_MAX_LENGTH.comment : TEXT_MAX_LENGTH.reason);
  if (problem) throw new TicketActionRefusal(TEXT_REFUSAL[problem.rule], problem.message, { field });
  return value;
}

// A reference is printable ASCII (ReferenceSignalisationType: SIG-YYYY-NNNNNNN) and a code matches operator.code's
// CHECK: anything else names nothing, so it is not found without asking the database (a NUL in it was a 500:
// PostgreSQL refuses NUL in text).
const TICKET_REFERENCE = /^[\x21-\x7E]{1,64}$/;
const OPERATOR_CODE = /^[A-Z0-9]{2,16}$/;

/** A whole number in [min, max] given as a number or as decimal digits (a command line and a query string give text). */
function wholeNumber(v: unknown, min: number, max: number): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,9}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/** Checks a list request; an absent field takes its default. */
export function parseListRequest(r: ListRequest): ListQuery {
  let state: TicketState | null = null;
  if (!absent(r.state)) {
    if (typeof r.state !== 'string' || !(TICKET_STATES as readonly string[]).includes(r.state)) {
      throw new TicketActionRefusal('BAD_STATE', `unknown state ${String(r.state)}: ${TICKET_STATES.join(', ')}`);
    }
    state = r.state as TicketState;
  }
  let operator: string | null = null;
  if (!absent(r.operator)) {
    if (typeof r.operator !== 'string') throw new TicketActionRefusal('UNKNOWN_OPERATOR', 'operator must be one operator code');
    operator = r.operator;
  }
  const limit = absent(r.limit) ? LIST_DEFAULT_LIMIT : wholeNumber(r.limit, 1, LIST_MAX_LIMIT);
  if (limit === null) throw new TicketActionRefusal('BAD_LIMIT', `limit must be a whole number from 1 to ${LIST_MAX_LIMIT} (default ${LIST_DEFAULT_LIMIT})`);
  const page = absent(r.page) ? 1 : wholeNumber(r.page, 1, 999_999_999);
  if (page === null) throw new TicketActionRefusal('BAD_PAGE', 'page must be a whole number from 1 (default 1)');
  return { state, operator, limit, page };
}

/** Checks a move: a known event, what a freeze awaits, and the reason where the lifecycle asks one (S2). */
export function parseMoveRequest(r: MoveRequest): Move {
  const event = textOf(r.event);
  // Own keys only: an event named after an Object.prototype property is refused, not crashed on.
  if (event === null || !Object.hasOwn(TRANSITIONS, event)) {
    throw new TicketActionRefusal('BAD_EVENT', `event must be one of ${Object.keys(TRANSITIONS).join(', ')}`);
  }
  const awaiting = textOf(r.awaiting);
  if ((awaiting !== null && !Object.hasOwn(FREEZE_REASONS, awaiting)) || (event === 'freeze' && awaiting === null)) {
    throw new TicketActionRefusal('BAD_AWAITING', `awaiting must be one of ${Object.keys(FREEZE_REASONS).join(', ')}`);
  }
  const given = textOf(r.reason);
  const reason = given === null ? null : sendable('reason', given);
  if (reason === null && TRANSITIONS[event as TicketEvent].reasonRequired) {
    throw new TicketActionRefusal('REASON_REQUIRED', `${event} needs a reason (it is recorded with the transition and shown to the operator)`, { field: 'reason' });
  }
  return { event: event as TicketEvent, reason, freezeReason: awaiting as FreezeReason | null };
}

const notFound = (reference: string): TicketActionRefusal => new TicketActionRefusal('NOT_FOUND', `no ticket ${reference}`);

/** The lifecycle's refusals become the action's; anything else (the database is down…) is not a refusal. */
async function refusing<T>(reference: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isEsavError(e) && e.code === 'ESAV_RESOURCE_NOT_FOUND') throw notFound(reference);
    if (isEsavError(e) && e.code === 'ESAV_TICKET_TRANSITION') throw new TicketActionRefusal('TRANSITION_INTERDITE', e.message, { cause: e });
    throw e;
  }
}

export function oiTicketActions(ports: OiTicketPorts, policy: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY): OiTicketActions {
  const { tickets } = ports;
  return {
    async list(request) {
      const q = parseListRequest(request);
      const operatorId = q.operator === null || !OPERATOR_CODE.test(q.operator) ? null : await ports.operatorIdOf(q.operator);
      if (q.operator !== null && operatorId === null) throw new TicketActionRefusal('UNKNOWN_OPERATOR', `no operator ${q.operator}`);
      // The OI sees every ticket, closed ones included (no S3 visibility window): visible since the epoch.
      const { rows, total } = await tickets.search(operatorId, { states: q.state ? [q.state] : [], serviceId: null, from: null, to: null },
        new Date(0), q.limit, (q.page - 1) * q.limit);
      const events = rows.length === 0 ? new Map<string, readonly string[]>() : await ports.networkEventsOf(rows.map((t) => t.id));
      return {
        tickets: rows.map((t) => ({ ...t, networkEvents: events.get(t.id) ?? [] })), total, page: q.page, limit: q.limit, pages: Math.ceil(total / q.limit)
      };
    },

    async show(reference) {
      const t = TICKET_REFERENCE.test(reference) ? await tickets.find(null, reference) : null;
      if (t === null) throw notFound(reference);
      const events = await ports.networkEventsOf([t.id]);
      return { ...t, networkEvents: events.get(t.id) ?? [], ...(await tickets.history(t.id)), lineTest: await ports.lineTestOf(t.id) };
    },

    async move(reference, request, actor, now) {
      const m = parseMoveRequest(request);
      if (!TICKET_REFERENCE.test(reference)) throw notFound(reference);
      return refusing(reference, () => oiEvent(tickets, reference, m.event, actor.name, now,
        { reason: m.reason, freezeReason: m.freezeReason, freezeDetail: m.event === 'freeze' ? m.reason : null, kind: actor.kind ?? 'oi' }));
    },

    async comment(reference, text, actor, now) {
      const t = textOf(text);
      if (t === null) throw new TicketActionRefusal('BAD_TEXT', 'text is required');
      sendable('text', t);
      if (!TICKET_REFERENCE.test(reference)) throw notFound(reference);
      await refusing(reference, () => oiComment(tickets, reference, actor.name, t, now, actor.kind ?? 'oi'));
    },

    archiveDue(actorName, now) {
      return ports.archiveClosures(archivableClosedBefore(now, policy), { kind: 'system', name: actorName }, now);
    }
  };
}
