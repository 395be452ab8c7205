/**
 * Tickets on PostgreSQL (implements the domain's TicketStore). Every query is scoped to the operator unless it is
 * the OI's side (operatorId null). State changes lock the ticket row and write the transition and the outbox event
 * in the same transaction.
 */
import type { FreezeReason, TicketState } from '../domain/ticket-lifecycle.js';
import type {
  CommentRecord, FilingTarget, NewTicket, SearchCriteria, StateChange, TicketRecord, TicketStore, TicketTransaction, TransitionRecord
} from '../domain/tickets.js';
import { run, transaction, type Pool } from './database.js';
import { recordTicketEvent, type TicketEventKind } from './notification-outbox.js';
import type pg from 'pg';

interface Row {
  id: string; reference: string; operator_id: string; operator_code: string; service_id: string; offer_code: string;
  operator_reference: string; content_hash: string; form_id: string; form_version: number; form_fields: TicketRecord['formFields'];
  state: TicketState; accepted_at: Date; state_changed_at: Date; closed_at: Date | null; freeze_reason: FreezeReason | null; freeze_detail: string | null;
}

const COLUMNS = `t.id, t.reference, t.operator_id, o.code AS operator_code, t.service_id, t.offer_code, t.operator_reference, t.content_hash,
  t.form_id, t.form_version, t.form_fields, t.state, t.accepted_at, t.state_changed_at, t.closed_at, t.freeze_reason, t.freeze_detail`;

function toRecord(r: Row): TicketRecord {
  return {
    id: String(r.id), reference: r.reference, operatorId: String(r.operator_id), operatorCode: r.operator_code, serviceId: r.service_id,
    offerCode: r.offer_code, operatorReference: r.operator_reference, formId: r.form_id, formVersion: r.form_version, formFields: r.form_fields,
    state: r.state, acceptedAt: r.accepted_at, stateChangedAt: r.state_changed_at, closedAt: r.closed_at, freezeReason: r.freeze_reason, freezeDetail: r.freeze_detail
  };
}

/** The outbox event of a change, and its push notification when the operator registered an endpoint. */
async function event(client: pg.PoolClient, t: TicketRecord, kind: TicketEventKind, payload: unknown, at: Date): Promise<void> {
  await run(client, recordTicketEvent(t.id, t.operatorId, kind, payload, at));
}

export function createTicketStore(pool: Pool): TicketStore {
  const byReference = (client: Pool | pg.PoolClient, operatorId: string | null, reference: string, lock: boolean) =>
    run<Row>(client, {
      text: `SELECT ${COLUMNS} FROM ticket t JOIN operator o ON o.id = t.operator_id
              WHERE t.reference = $1 AND ($2::bigint IS NULL OR t.operator_id = $2)${lock ? ' FOR UPDATE OF t' : ''}`,
      values: [reference, operatorId]
    });

  return {
    async filingTarget(operatorId, serviceId): Promise<FilingTarget | null> {
      const [r] = await run<{ id: string; service_id: string; offer_code: string; opens: string; state: FilingTarget['state'] }>(pool, {
        name: 'ticket-filing-target',
        text: `SELECT s.id, s.service_id, s.offer_code, to_char(f.filing_opens_on, 'YYYY-MM-DD') AS opens, s.state
                 FROM service s JOIN offer f ON f.code = s.offer_code WHERE s.operator_id = $1 AND s.service_id = $2`,
        values: [operatorId, serviceId]
      });
      return r ? { servicePk: String(r.id), serviceId: r.service_id, offerCode: r.offer_code, filingOpensOn: r.opens, state: r.state } : null;
    },

    async file(t: NewTicket) {
      return transaction(pool, async (client) => {
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO ticket (reference, operator_id, service_pk, service_id, offer_code, operator_reference, content_hash, form_id, form_version,
                               form_fields, state, accepted_at, state_changed_at)
           VALUES ('SIG-' || to_char($11::timestamptz AT TIME ZONE 'Europe/Paris', 'YYYY') || '-' || lpad(nextval('ticket_number')::text, 7, '0'),
                   $1, $2, $3, $4, $5, $6, $7, $8, $9, 'EN_DEPOT', $10, $10)
           ON CONFLICT (operator_id, operator_reference) DO NOTHING RETURNING id`,
          [t.operatorId, t.servicePk, t.serviceId, t.offerCode, t.operatorReference, t.contentHash, t.formId, t.formVersion, JSON.stringify(t.formFields), t.at, t.at]);
        const created = inserted.rows.length === 1;
        const [row] = await run<Row>(client, {
          text: `SELECT ${COLUMNS} FROM ticket t JOIN operator o ON o.id = t.operator_id WHERE t.operator_id = $1 AND t.operator_reference = $2`,
          values: [t.operatorId, t.operatorReference]
        });
        const ticket = toRecord(row!);
        if (created) {
          await client.query(
            `INSERT INTO ticket_transition (ticket_id, operator_id, from_state, to_state, at, actor_kind, actor) VALUES ($1, $2, NULL, 'EN_DEPOT', $3, 'operator', $4)`,
            [ticket.id, t.operatorId, t.at, t.actor]);
          await event(client, ticket, 'state', { reference: ticket.reference, from: null, to: 'EN_DEPOT', reason: null }, t.at);
        }
        return { created, ticket, contentHash: row!.content_hash };
      });
    },

    async withTicket(operatorId, reference, fn) {
      return transaction(pool, async (client) => {
        const [row] = await byReference(client, operatorId, reference, true);
        if (!row) return null;
        const ticket = toRecord(row);
        const tx: TicketTransaction = {
          ticket,
          async changeState(c: StateChange) {
            await client.query(
              `UPDATE ticket SET state = $2, state_changed_at = $3, closed_at = $4, freeze_reason = $5, freeze_detail = $6 WHERE id = $1`,
              [ticket.id, c.outcome.to, c.at, c.closedAt, c.freezeReason, c.freezeDetail]);
            await client.query(
              `INSERT INTO ticket_transition (ticket_id, operator_id, from_state, to_state, at, actor_kind, actor, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
              [ticket.id, ticket.operatorId, c.outcome.from, c.outcome.to, c.at, c.actor.kind, c.actor.name, c.reason]);
            await event(client, ticket, 'state', { reference: ticket.reference, from: c.outcome.from, to: c.outcome.to, reason: c.reason, freezeReason: c.freezeReason }, c.at);
          },
          async addComment(authorKind, author, text, at) {
            await client.query('INSERT INTO ticket_comment (ticket_id, operator_id, author_kind, author, text, at) VALUES ($1, $2, $3, $4, $5, $6)',
              [ticket.id, ticket.operatorId, authorKind, author, text, at]);
            // The operator is told of the OI's comments; its own are not echoed back to it.
            if (authorKind === 'oi') await event(client, ticket, 'comment', { reference: ticket.reference, text }, at);
          }
        };
        return fn(tx);
      });
    },

    async find(operatorId, reference) {
      const [row] = await byReference(pool, operatorId, reference, false);
      return row ? toRecord(row) : null;
    },

    async history(ticketId) {
      const transitions = (await pool.query<{ from_state: TicketState | null; to_state: TicketState; at: Date; actor_kind: TransitionRecord['actorKind']; actor: string; reason: string | null }>(
        'SELECT from_state, to_state, at, actor_kind, actor, reason FROM ticket_transition WHERE ticket_id = $1 ORDER BY id', [ticketId])).rows
        .map((r) => ({ from: r.from_state, to: r.to_state, at: r.at, actorKind: r.actor_kind, actor: r.actor, reason: r.reason }));
      const comments = (await pool.query<{ at: Date; author_kind: CommentRecord['authorKind']; author: string; text: string }>(
        'SELECT at, author_kind, author, text FROM ticket_comment WHERE ticket_id = $1 ORDER BY id', [ticketId])).rows
        .map((r) => ({ at: r.at, authorKind: r.author_kind, author: r.author, text: r.text }));
      return { transitions, comments };
    },

    async search(operatorId, c: SearchCriteria, visibleSince, limit, offset) {
      // S3: closed (terminal) tickets only while closed after visibleSince.
      const where = `($1::bigint IS NULL OR t.operator_id = $1)
        AND (cardinality($2::text[]) = 0 OR t.state = ANY($2))
        AND ($3::text IS NULL OR t.service_id = $3)
        AND ($4::timestamptz IS NULL OR t.accepted_at >= $4) AND ($5::timestamptz IS NULL OR t.accepted_at <= $5)
        AND (t.state NOT IN ('EN_REJET', 'CLOS_TABLEAU_DE_BORD', 'ANNULE') OR t.closed_at IS NULL OR t.closed_at > $6)`;
      const values = [operatorId, c.states, c.serviceId, c.from, c.to, visibleSince];
      const total = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ticket t WHERE ${where}`, values)).rows[0]!.n);
      const rows = await run<Row>(pool, {
        text: `SELECT ${COLUMNS} FROM ticket t JOIN operator o ON o.id = t.operator_id WHERE ${where} ORDER BY t.accepted_at DESC, t.id DESC LIMIT $7 OFFSET $8`,
        values: [...values, limit, offset]
      });
      return { rows: rows.map(toRecord), total };
    }
  };
}
