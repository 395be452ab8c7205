/**
 * The life of a planned work (TP) or network incident (DERCO), issue 15 part 2, in the states of Interop'Fibre's
 * infoTravauxFTTH (typeEtat). The diagram `NOUVEAU → MAJ ↔ REPLANIFICATION → CLOTURE | ANNULE` is read as:
 *
 *   NOUVEAU|MAJ|REPLANIFICATION ─update→ MAJ                (fields other than the dates changed)
 *   NOUVEAU|MAJ|REPLANIFICATION ─replan→ REPLANIFICATION    (new start and/or end)
 *   NOUVEAU|MAJ|REPLANIFICATION ─close→ CLOTURE             (done, restored)
 *   NOUVEAU|MAJ|REPLANIFICATION ─cancel→ ANNULE             (will not happen)
 *
 * CLOTURE and ANNULE are final. A move that is not allowed is a typed refusal, never a throw: the admin command,
 * the internal API and the future web service each say it in their own words.
 */
export const NETWORK_EVENT_STATES = ['NOUVEAU', 'MAJ', 'REPLANIFICATION', 'CLOTURE', 'ANNULE'] as const;
export type NetworkEventState = (typeof NETWORK_EVENT_STATES)[number];

export const NETWORK_EVENT_MOVES = ['update', 'replan', 'close', 'cancel'] as const;
export type NetworkEventMove = (typeof NETWORK_EVENT_MOVES)[number];

export const FINAL_STATES: ReadonlySet<NetworkEventState> = new Set(['CLOTURE', 'ANNULE']);

const OPEN: readonly NetworkEventState[] = ['NOUVEAU', 'MAJ', 'REPLANIFICATION'];

export const NETWORK_EVENT_TRANSITIONS: Readonly<Record<NetworkEventMove, { readonly from: readonly NetworkEventState[]; readonly to: NetworkEventState }>> =
  Object.freeze({
    update: { from: OPEN, to: 'MAJ' },
    replan: { from: OPEN, to: 'REPLANIFICATION' },
    close: { from: OPEN, to: 'CLOTURE' },
    cancel: { from: OPEN, to: 'ANNULE' }
  });

/** The dates of an event, as the move sees them. */
export interface EventDates { readonly start: Date | null; readonly end: Date | null }

export type NetworkEventRefusal =
  | { readonly kind: 'unknown-move'; readonly move: string }
  | { readonly kind: 'final-state'; readonly move: NetworkEventMove; readonly state: NetworkEventState }
  | { readonly kind: 'dates-unchanged'; readonly state: NetworkEventState }
  | { readonly kind: 'end-before-start'; readonly start: Date; readonly end: Date }
  | { readonly kind: 'nothing-to-update'; readonly state: NetworkEventState };

export type MoveOutcome =
  | { readonly ok: true; readonly from: NetworkEventState; readonly to: NetworkEventState }
  | { readonly ok: false; readonly refusal: NetworkEventRefusal };

export interface MoveRequest {
  readonly move: string;
  /** replan: the dates after the move (unchanged ones repeated). */
  readonly dates?: EventDates;
  /** update: whether any field differs from what is recorded. */
  readonly changesSomething?: boolean;
}

function isMove(s: string): s is NetworkEventMove {
  return (NETWORK_EVENT_MOVES as readonly string[]).includes(s);
}

const same = (a: Date | null, b: Date | null): boolean => (a === null ? b === null : b !== null && a.getTime() === b.getTime());

/** Checks one move from the event's state and dates; says the new state or why the move is refused. */
export function moveNetworkEvent(state: NetworkEventState, dates: EventDates, r: MoveRequest): MoveOutcome {
  if (!isMove(r.move)) return { ok: false, refusal: { kind: 'unknown-move', move: r.move } };
  const rule = NETWORK_EVENT_TRANSITIONS[r.move];
  if (!rule.from.includes(state)) return { ok: false, refusal: { kind: 'final-state', move: r.move, state } };
  if (r.move === 'replan') {
    const next = r.dates ?? dates;
    if (same(next.start, dates.start) && same(next.end, dates.end)) return { ok: false, refusal: { kind: 'dates-unchanged', state } };
    if (next.start && next.end && next.end.getTime() < next.start.getTime()) {
      return { ok: false, refusal: { kind: 'end-before-start', start: next.start, end: next.end } };
    }
  }
  if (r.move === 'update' && r.changesSomething === false) return { ok: false, refusal: { kind: 'nothing-to-update', state } };
  return { ok: true, from: state, to: rule.to };
}

const PAST: Readonly<Record<NetworkEventMove, string>> = Object.freeze({ update: 'updated', replan: 'replanned', close: 'closed', cancel: 'cancelled' });

/** A refusal in words, for the OI's people (the admin command). */
export function refusalText(reference: string, r: NetworkEventRefusal): string {
  switch (r.kind) {
    case 'unknown-move': return `${reference}: unknown move "${r.move}" (${NETWORK_EVENT_MOVES.join(', ')})`;
    case 'final-state': return `${reference} is ${r.state}: it cannot be ${PAST[r.move]} any more`;
    case 'dates-unchanged': return `${reference}: a replan needs a new start or end (use update for other fields)`;
    case 'end-before-start': return `${reference}: the end ${r.end.toISOString()} is before the start ${r.start.toISOString()}`;
    case 'nothing-to-update': return `${reference}: nothing to update (every field given is already so)`;
  }
}

/** DOMAIN: a closed or cancelled event is kept at least this long, then purged (issue 15 part 2). */
export const CLOSED_EVENT_RETENTION_DAYS = 8;

/** The instant before which closed events may be purged. */
export function purgeBefore(now: Date, days = CLOSED_EVENT_RETENTION_DAYS): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
