/**
 * esav-admin tickets …: the OI's after-sales agents move tickets through the lifecycle and write comments
 * (DOMAIN.md S2). The agent is the --actor (default: the system user); every change is a recorded transition.
 */
import { FREEZE_REASONS, TICKET_STATES, type FreezeReason, type TicketEvent, type TicketState } from '../../domain/ticket-lifecycle.js';
import { oiComment, oiEvent } from '../../domain/ticket-service.js';
import { AdminError } from '../../errors/admin-error.js';
import { isEsavError } from '../../errors/esav-error.js';
import { createTicketStore } from '../../store/ticket-store.js';
import { CSV_OPTION, stringOption, type Command, type CommandGroup } from '../command.js';
import type { AdminContext } from '../context.js';
import { render } from '../output.js';

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    // The lifecycle's own faults (illegal transition, unknown reference) are the agent's answer, not a crash.
    if (isEsavError(e)) throw new AdminError(e.code === 'ESAV_RESOURCE_NOT_FOUND' ? 'ADMIN_NOT_FOUND' : 'ADMIN_CONFLICT', e.message);
    throw e;
  }
}

function eventCommand(name: TicketEvent, summary: string, withReason: 'required' | 'optional' | 'none'): Command {
  return {
    name, usage: `<reference>${withReason === 'required' ? ' --reason <text>' : withReason === 'optional' ? ' [--reason <text>]' : ''}`,
    summary, positionals: ['reference'],
    options: withReason === 'none' ? {} : { reason: { type: 'string', description: 'recorded with the transition, shown to the operator' } },
    async run(ctx: AdminContext, args) {
      const state = await guarded(() => oiEvent(createTicketStore(ctx.pool), args.positionals[0]!, name, ctx.actor, ctx.clock.now(), { reason: stringOption(args, 'reason') ?? null }));
      ctx.out(`${args.positionals[0]}: ${state}`);
    }
  };
}

export const ticketCommands: CommandGroup = {
  name: 'tickets',
  summary: "the OI's after-sales side: move tickets through their lifecycle, comment, archive",
  commands: [
    {
      name: 'list', usage: '[--state <state>] [--operator <code>] [--csv]', summary: 'tickets, newest first (all operators)',
      positionals: [], options: { state: { type: 'string', description: TICKET_STATES.join(', ') }, operator: { type: 'string', description: 'operator code' }, ...CSV_OPTION },
      async run(ctx, args) {
        const state = stringOption(args, 'state');
        if (state && !(TICKET_STATES as readonly string[]).includes(state)) throw new AdminError('ADMIN_INVALID_INPUT', `unknown state ${state}: ${TICKET_STATES.join(', ')}`);
        const { rows } = await createTicketStore(ctx.pool).search(null, { states: state ? [state as TicketState] : [], serviceId: null, from: null, to: null }, new Date(0), 500, 0);
        const operator = stringOption(args, 'operator');
        ctx.out(render(['reference', 'operator', 'service', 'state', 'accepted', 'since'],
          rows.filter((t) => !operator || t.operatorCode === operator).map((t) => [t.reference, t.operatorCode, t.serviceId, t.state, t.acceptedAt, t.stateChangedAt]), args.values.csv === true));
      }
    },
    {
      name: 'show', usage: '<reference>', summary: 'a ticket with its form fields, transitions and comments', positionals: ['reference'], options: {},
      async run(ctx, args) {
        const store = createTicketStore(ctx.pool);
        const t = await store.find(null, args.positionals[0]!);
        if (!t) throw new AdminError('ADMIN_NOT_FOUND', `no ticket ${args.positionals[0]}`);
        const h = await store.history(t.id);
        ctx.out([`${t.reference} (${t.operatorCode}, ref. ${t.operatorReference}) — ${t.state}${t.freezeReason ? ` (${t.freezeReason})` : ''}`,
          `service ${t.serviceId} (${t.offerCode}), form ${t.formId} v${t.formVersion}, accepted ${t.acceptedAt.toISOString()}`,
          ...t.formFields.map((f) => `  ${f.label}: ${f.value}`), 'transitions:',
          ...h.transitions.map((x) => `  ${x.at.toISOString()}  ${x.from ?? '∅'} → ${x.to}  ${x.actorKind}:${x.actor}${x.reason ? `  « ${x.reason} »` : ''}`),
          'comments:', ...h.comments.map((c) => `  ${c.at.toISOString()}  ${c.authorKind}:${c.author}  ${c.text}`)].join('\n'));
      }
    },
    eventCommand('accept', 'admissible: en dépôt → en qualification', 'none'),
    eventCommand('reject', 'not admissible: en dépôt → en rejet', 'required'),
    eventCommand('start', 'handling starts: en qualification → en cours', 'none'),
    {
      name: 'freeze', usage: `<reference> --awaiting <${Object.keys(FREEZE_REASONS).join('|')}> --reason <text>`,
      summary: 'en cours → gelé, saying what the operator must do', positionals: ['reference'],
      options: { awaiting: { type: 'string', description: 'what is awaited' }, reason: { type: 'string', description: 'details for the operator' } },
      async run(ctx, args) {
        const awaiting = stringOption(args, 'awaiting') as FreezeReason | undefined;
        const reason = stringOption(args, 'reason') ?? null;
        const state = await guarded(() => oiEvent(createTicketStore(ctx.pool), args.positionals[0]!, 'freeze', ctx.actor, ctx.clock.now(), { reason, freezeReason: awaiting ?? null, freezeDetail: reason }));
        ctx.out(`${args.positionals[0]}: ${state}`);
      }
    },
    eventCommand('unfreeze', 'gelé → en cours', 'optional'),
    eventCommand('close', 'handled: en cours → clos (the operator may accept or refuse it within the delay)', 'required'),
    eventCommand('notify-closure', 'closure notice sent: clos → validé', 'none'),
    {
      name: 'comment', usage: '<reference> --text <text>', summary: "a comment of the OI's after-sales, shown to the operator", positionals: ['reference'],
      options: { text: { type: 'string', description: 'the comment' } },
      async run(ctx, args) {
        const text = stringOption(args, 'text');
        if (!text) throw new AdminError('ADMIN_INVALID_INPUT', '--text is required');
        await guarded(() => oiComment(createTicketStore(ctx.pool), args.positionals[0]!, ctx.actor, text, ctx.clock.now()));
        ctx.out(`${args.positionals[0]}: comment added`);
      }
    },
    {
      name: 'archive-due', usage: '', summary: 'archive (clos tableau de bord) the closed tickets whose acceptance delay has passed',
      positionals: [], options: {},
      async run(ctx) {
        const store = createTicketStore(ctx.pool);
        const now = ctx.clock.now();
        const { rows } = await store.search(null, { states: ['CLOS', 'VALIDE'], serviceId: null, from: null, to: null }, new Date(0), 10_000, 0);
        let archived = 0;
        for (const t of rows) {
          try { await oiEvent(store, t.reference, 'archive', 'archivage automatique', now, { kind: 'system' }); archived++; } catch (e) { if (!isEsavError(e)) throw e; }
        }
        ctx.out(`${archived} ticket(s) archived, ${rows.length - archived} still within their acceptance delay`);
      }
    }
  ]
};
