/**
 * Tickets on PostgreSQL (implements the domain's TicketStore). Every query is scoped to the operator unless it is
 * the OI's side (operatorId null). State changes lock the ticket row and write the transition and the outbox event
 * in the same transaction.
 */
import type { FreezeReason, TicketState } from '../domain/ticket-lifecycle.js';
import { invariantViolated } from '../errors/coded-error.js';
import type {
  CommentRecord, FilingTarget, NewTicket, SearchCriteria, StateChange, TicketRecord, TicketStateView, TicketStore, TicketTransaction, TransitionRecord
} from '../domain/tickets.js';
import { createBatchedLookup } from './batched-lookup.js';
import type { TicketEventKind } from './notification-outbox.js';
import { recordTicketEvent } from './queries/notification-outbox.js';
import { insertAuditEntry } from './queries/registry.js';
import {
  commentsOfTicket, fileTickets, insertTicketComment, insertTicketTransition, lookupScopedKeys, searchTicketPage, ticketByOperatorReference, ticketByReference,
  TICKET_COLUMNS, transitionsOfTicket, updateTicketState
} from './queries/tickets.js';
import { isServiceUnavailable, run, transaction, type Executor, type Pool, type Transaction } from './database.js';

interface Row {
  id: string; reference: string; operator_id: string; operator_code: string; service_id: string; offer_code: string;
  operator_reference: string; content_hash: string; form_id: string; form_version: number; form_fields: TicketRecord['formFields'];
  state: TicketState; accepted_at: Date; state_changed_at: Date; closed_at: Date | null; freeze_reason: FreezeReason | null; freeze_detail: string | null;
}

function toRecord(r: Row): TicketRecord {
  return {
    id: String(r.id), reference: r.reference, operatorId: String(r.operator_id), operatorCode: r.operator_code, serviceId: r.service_id,
    offerCode: r.offer_code, operatorReference: r.operator_reference, formId: r.form_id, formVersion: r.form_version, formFields: r.form_fields,
    state: r.state, acceptedAt: r.accepted_at, stateChangedAt: r.state_changed_at, closedAt: r.closed_at, freezeReason: r.freeze_reason, freezeDetail: r.freeze_detail
  };
}

/** The outbox event of a change, and its push notification when the operator registered an endpoint. */
async function event(client: Transaction, t: TicketRecord, kind: TicketEventKind, payload: unknown, at: Date): Promise<void> {
  await run(client, recordTicketEvent(t.id, t.operatorId, kind, payload, at));
}

type SummaryRow = Pick<Row, 'reference' | 'operator_reference' | 'service_id' | 'state' | 'accepted_at' | 'state_changed_at'>;

/** A page of tickets matching the criteria, and how many match, in one round trip (searchTicketPage). */
async function searchPage<R extends object>(pool: Pool, operatorId: string | null, c: SearchCriteria, visibleSince: Date, limit: number, offset: number,
  columns: string, join: string, kind: string): Promise<{ rows: R[]; total: number }> {
  const query = searchTicketPage(operatorId, c, visibleSince, limit, offset, columns, join, kind);
  const found = await run<R & { total: string; found: boolean | null }>(pool, query);
  return { rows: found.filter((r) => r.found), total: Number(found[0]?.total ?? 0) };
}

/** A key of one operator: every batched read is scoped to the operator that asked (A6). */
interface Scoped { readonly operatorId: string; readonly key: string }

/**
 * One query for the scoped keys of a batch: unnest(keys, operators) WITH ORDINALITY joined to the table, so that
 * each answer goes back to the position that asked, and a key asked by another operator matches nothing.
 */
function scopedBatch<R extends { i: string }, V>(pool: Pool, name: string, select: string, join: string, toValue: (r: R) => V) {
  return createBatchedLookup<Scoped, V>({
    async load(keys) {
      const rows = await run<R>(pool, lookupScopedKeys(name, select, join, keys.map((k) => k.key), keys.map((k) => k.operatorId)));
      const out: (V | null)[] = keys.map(() => null);
      for (const r of rows) out[Number(r.i) - 1] = toValue(r);
      return out;
    }
  });
}

type StateRow = Pick<Row, 'reference' | 'state' | 'state_changed_at' | 'closed_at' | 'freeze_reason' | 'freeze_detail'> & { i: string };

/** One answer of the filing statement: the service it read (target_*) and the ticket it wrote, if any. */
type FilingRow = { [K in keyof Row]: Row[K] | null } & {
  i: string; target_pk: string | null; target_service_id: string | null; target_offer: string | null; target_forms_of: string | null; target_opens: string | null;
  target_state: FilingTarget['state'] | null; admissible: boolean;
};

/** What the statement answers for one filing: the service it read, whether the conditions held, what it wrote. */
interface Filed { readonly target: FilingTarget | null; readonly admissible: boolean; readonly row: Row | null }

/**
 * One statement, atomic (an implicit transaction), for a batch of filings: each filing's service read (scoped to the
 * operator, A6) and its conditions checked (FilingConditions: active, offer in the profile, open on the Paris date,
 * the form's offer), then for the admissible ones the tickets, their first transitions, their events and the
 * events' deliveries. A batch holds one filing per operator reference (the first admissible one asked); the
 * others of the same reference, and those already filed, are not inserted (row null: the caller reads the original).
 */
async function fileMany(pool: Pool, ts: readonly NewTicket[]): Promise<Filed[]> {
  const rows = await run<FilingRow>(pool, fileTickets(ts));
  return rows.map((r) => ({
    target: r.target_pk === null ? null : {
      servicePk: String(r.target_pk), serviceId: r.target_service_id!, offerCode: r.target_offer!, formsOf: r.target_forms_of!, filingOpensOn: r.target_opens!, state: r.target_state!
    },
    admissible: r.admissible,
    row: r.id === null ? null : r as Row
  }));
}

/**
 * A ticket locked (FOR UPDATE) in a transaction the caller holds, with its state changes and comments written in
 * that transaction: what withTicket gives, for a change that spans a ticket and another row (an appointment booked
 * for a frozen ticket unfreezes it in the same transaction, issue 16). Null when the scope has no such ticket.
 */
export async function lockedTicket(client: Transaction, operatorId: string | null, reference: string): Promise<TicketTransaction | null> {
  const [row] = await run<Row>(client, ticketByReference(operatorId, reference, true));
  if (!row) return null;
  const ticket = toRecord(row);
  return {
    ticket,
    async changeState(c: StateChange) {
      await run(client, updateTicketState(ticket.id, c));
      await run(client, insertTicketTransition(ticket.id, ticket.operatorId, c));
      await event(client, ticket, 'state', { reference: ticket.reference, from: c.outcome.from, to: c.outcome.to, reason: c.reason, freezeReason: c.freezeReason }, c.at);
    },
    async addComment(authorKind, author, text, at) {
      await run(client, insertTicketComment(ticket.id, ticket.operatorId, authorKind, author, text, at));
      // The operator is told of the OI's comments; its own are not echoed back to it.
      if (authorKind === 'oi') await event(client, ticket, 'comment', { reference: ticket.reference, text }, at);
    },
    async audit(e) {
      await run(client, insertAuditEntry({ actor: e.actor, action: e.action, entity: 'ticket', entityKey: ticket.reference, operatorId: ticket.operatorId,
        before: e.before === null ? null : JSON.stringify(e.before), after: e.after === null ? null : JSON.stringify(e.after) }));
    }
  };
}

export function createTicketStore(pool: Pool): TicketStore {
  // Filings of one turn of the event loop in one statement; a failed batch is retried one filing at a time.
  const filings = createBatchedLookup<NewTicket, Filed | Error>({
    maxBatch: 50,
    async load(ts) {
      try {
        return await fileMany(pool, ts);
      } catch (e) {
        // Retrying one by one helps against one bad filing, not against a database that cannot answer: each retry
        // would wait its own statement timeout (a batch of N against a frozen server: N + 1 timeouts).
        if (ts.length === 1 || isServiceUnavailable(e)) throw e;
        // In order, one at a time: the first filing of a reference stays the one written, as in the batch.
        const out: Array<Filed | Error> = [];
        const asError = (err: unknown): Error => (err instanceof Error ? err : invariantViolated(`a filing rejected with a non-Error: ${String(err)}`));
        for (const t of ts) out.push(await fileMany(pool, [t]).then((r) => r[0]!, asError));
        return out;
      }
    }
  });
  // The hottest read of the request path, batched per turn of the event loop (src/store/batched-lookup.ts).
  const states = scopedBatch<StateRow, TicketStateView>(pool, 'ticket-state-batch',
    't.reference, t.state, t.state_changed_at, t.closed_at, t.freeze_reason, t.freeze_detail',
    'JOIN ticket t ON t.reference = k.key AND t.operator_id = k.operator_id',
    (r) => ({ reference: r.reference, state: r.state, stateChangedAt: r.state_changed_at, closedAt: r.closed_at, freezeReason: r.freeze_reason, freezeDetail: r.freeze_detail }));
  const byReference = (client: Executor, operatorId: string | null, reference: string, lock: boolean) =>
    run<Row>(client, ticketByReference(operatorId, reference, lock));

  return {
    /**
     * Filings are written in batches (one statement for the filings of a turn of the event loop: one round trip, one
     * commit, one WAL flush for all; see fileMany). A retried filing (same operator reference) inserts nothing and
     * reads the original; a batch that fails is written again one filing at a time, so that one bad filing never
     * fails the others.
     */
    async file(t: NewTicket) {
      const filed = await filings.get(t);
      if (filed instanceof Error) throw filed;
      if (filed === null) throw invariantViolated(`the filing statement gave no answer for ${t.operatorReference}`);
      const { target, admissible, row } = filed;
      if (!admissible) return { target, filed: null };
      if (row) return { target, filed: { created: true, ticket: toRecord({ ...row, form_fields: t.formFields }), contentHash: row.content_hash } };
      // The reference was used already: the statement's snapshot may predate that filing, this read does not.
      const [existing] = await run<Row>(pool, ticketByOperatorReference(t.operatorId, t.operatorReference));
      if (!existing) throw invariantViolated(`ticket of operator reference ${t.operatorReference} neither inserted nor found`);
      return { target, filed: { created: false, ticket: toRecord(existing), contentHash: existing.content_hash } };
    },

    async withTicket(operatorId, reference, fn) {
      return transaction(pool, async (client) => {
        const tx = await lockedTicket(client, operatorId, reference);
        return tx === null ? null : fn(tx);
      });
    },

    async find(operatorId, reference) {
      const [row] = await byReference(pool, operatorId, reference, false);
      return row ? toRecord(row) : null;
    },

    stateOf: (operatorId, reference) => states.get({ operatorId, key: reference }),

    async history(ticketId) {
      type TransitionRow = {
        from_state: TicketState | null; to_state: TicketState; at: Date; actor_kind: TransitionRecord['actorKind']; actor: string; reason: string | null
      };
      const transitions = (await run<TransitionRow>(pool, transitionsOfTicket(ticketId)))
        .map((r) => ({ from: r.from_state, to: r.to_state, at: r.at, actorKind: r.actor_kind, actor: r.actor, reason: r.reason }));
      const comments = (await run<{ at: Date; author_kind: CommentRecord['authorKind']; author: string; text: string }>(pool, commentsOfTicket(ticketId)))
        .map((r) => ({ at: r.at, authorKind: r.author_kind, author: r.author, text: r.text }));
      return { transitions, comments };
    },

    async search(operatorId, c: SearchCriteria, visibleSince, limit, offset) {
      const { rows, total } = await searchPage<Row>(pool, operatorId, c, visibleSince, limit, offset, TICKET_COLUMNS,
        'JOIN operator o ON o.id = t.operator_id', 'full');
      return { rows: rows.map(toRecord), total };
    },

    async searchSummaries(operatorId, c: SearchCriteria, visibleSince, limit, offset) {
      const { rows, total } = await searchPage<SummaryRow>(pool, operatorId, c, visibleSince, limit, offset,
        't.reference, t.operator_reference, t.service_id, t.state, t.accepted_at, t.state_changed_at', '', 'summary');
      return {
        rows: rows.map((r) => ({ reference: r.reference, operatorReference: r.operator_reference, serviceId: r.service_id, state: r.state, acceptedAt: r.accepted_at, stateChangedAt: r.state_changed_at })),
        total
      };
    }
  };
}
