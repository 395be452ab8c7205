/**
 * esav-admin tickets …: the OI's after-sales agents move tickets through the lifecycle and write comments
 * (DOMAIN.md S2). The agent is the --actor (default: the system user); every change is a recorded transition.
 * Every command calls the OI's ticket actions (src/domain/oi-ticket-actions.ts), as the internal API does; their
 * refusals become AdminErrors in one place (adminErrorOf).
 */
import { LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, oiTicketActions, type MoveRequest, type OiTicketActions } from '../../domain/oi-ticket-actions.js';
import { FREEZE_REASONS, TICKET_STATES, type TicketEvent } from '../../domain/ticket-lifecycle.js';
import { AdminError, type AdminErrorCode } from '../../errors/admin-error.js';
import { isTicketActionRefusal, type RefusalKind, type TicketActionRefusal } from '../../errors/ticket-action-refusal.js';
import { createOiTicketPorts } from '../../store/oi-ticket-store.js';
import { CSV_OPTION, outputFormat, stringOption, type Command, type CommandArgs, type CommandGroup } from '../command.js';
import type { AdminContext } from '../context.js';
import { render } from '../output.js';

const ADMIN_CODE_OF: Readonly<Record<RefusalKind, AdminErrorCode>> = Object.freeze({
  'invalid-input': 'ADMIN_INVALID_INPUT', 'not-found': 'ADMIN_NOT_FOUND', conflict: 'ADMIN_CONFLICT'
});

/** The one mapping of a ticket action's refusal to the CLI's answer (exit status 1, "<ADMIN code>: <refusal code>: …"). */
export function adminErrorOf(refusal: TicketActionRefusal): AdminError {
  return new AdminError(ADMIN_CODE_OF[refusal.kind], `${refusal.code}: ${refusal.message}`, [], { cause: refusal });
}

/** A tickets command: the actions over the context's database, their refusals mapped by adminErrorOf. */
function ticketCommand(spec: Omit<Command, 'run'>, run: (actions: OiTicketActions, ctx: AdminContext, args: CommandArgs) => Promise<void>): Command {
  return {
    ...spec,
    async run(ctx, args) {
      try {
        await run(oiTicketActions(createOiTicketPorts(ctx.pool)), ctx, args);
      } catch (e) {
        throw isTicketActionRefusal(e) ? adminErrorOf(e) : e;
      }
    }
  };
}

const REASON = { type: 'string', description: 'recorded with the transition, shown to the operator' } as const;

function eventCommand(name: TicketEvent, summary: string, withReason: 'required' | 'optional' | 'none'): Command {
  return ticketCommand({
    name, usage: `<reference>${withReason === 'required' ? ' --reason <text>' : withReason === 'optional' ? ' [--reason <text>]' : ''}`,
    summary, positionals: ['reference'], options: withReason === 'none' ? {} : { reason: { ...REASON, required: withReason === 'required' } }
  }, async (actions, ctx, args) => {
    const request: MoveRequest = { event: name, reason: stringOption(args, 'reason'), awaiting: stringOption(args, 'awaiting') };
    ctx.out(`${args.positionals[0]}: ${await actions.move(args.positionals[0]!, request, { name: ctx.actor }, ctx.clock.now())}`);
  });
}

export const ticketCommands: CommandGroup = {
  name: 'tickets',
  summary: "the OI's after-sales side: move tickets through their lifecycle, comment, archive",
  commands: [
    ticketCommand({
      name: 'list', usage: '[--state <state>] [--operator <code>] [--limit <n>] [--page <n>] [--csv|--json]',
      summary: 'tickets, newest first (all operators unless --operator), one page at a time',
      details: `Filtered and paged by the database: --limit tickets per page (default ${LIST_DEFAULT_LIMIT}, at most ${LIST_MAX_LIMIT}), `
        + '--page from 1. The table ends with the page, the number of pages and the total; --csv prints the rows only.',
      positionals: [],
      options: {
        state: { type: 'string', description: TICKET_STATES.join(', ') }, operator: { type: 'string', description: 'operator code' },
        limit: { type: 'string', description: `tickets per page, 1 to ${LIST_MAX_LIMIT}`, default: String(LIST_DEFAULT_LIMIT) },
        page: { type: 'string', description: 'page number, from 1', default: '1' }, ...CSV_OPTION
      }
    }, async (actions, ctx, args) => {
      const [state, operator, limit, page] = ['state', 'operator', 'limit', 'page'].map((o) => stringOption(args, o));
      const p = await actions.list({ state, operator, limit, page });
      const format = outputFormat(args);
      ctx.out(render(['reference', 'operator', 'service', 'state', 'accepted', 'since', 'network event'],
        p.tickets.map((t) => [t.reference, t.operatorCode, t.serviceId, t.state, t.acceptedAt, t.stateChangedAt, t.networkEvents.join(' ')]), format));
      if (format === 'table') ctx.out(p.total === 0 ? '0 ticket(s)' : `page ${p.page} of ${p.pages}, ${p.total} ticket(s), ${p.limit} per page`);
    }),
    ticketCommand({
      name: 'show', usage: '<reference>', summary: 'a ticket with its form fields, transitions and comments', positionals: ['reference'], options: {}
    },
      async (actions, ctx, args) => {
        const t = await actions.show(args.positionals[0]!);
        ctx.out([`${t.reference} (${t.operatorCode}, ref. ${t.operatorReference}) — ${t.state}${t.freezeReason ? ` (${t.freezeReason})` : ''}`,
          `service ${t.serviceId} (${t.offerCode}), form ${t.formId} v${t.formVersion}, accepted ${t.acceptedAt.toISOString()}`,
          ...(t.networkEvents.length ? [`filed inside: ${t.networkEvents.join(', ')} (see esav-admin network works|incidents show)`] : []),
          ...t.formFields.map((f) => `  ${f.label}: ${f.value}`),
          ...(t.lineTest ? [`line test relied on: ${t.lineTest.reference}${t.lineTest.state === null ? ' (purged after 90 days)'
            : ` ${t.lineTest.testCode} ${t.lineTest.state}${t.lineTest.diagnosis ? `, diagnosis ${t.lineTest.diagnosis}` : ''}${t.lineTest.finishedAt ? ` at ${t.lineTest.finishedAt.toISOString()}` : ''}`}`] : []),
          'transitions:',
          ...t.transitions.map((x) => `  ${x.at.toISOString()}  ${x.from ?? '∅'} → ${x.to}  ${x.actorKind}:${x.actor}`
            + (x.reason ? `  « ${x.reason} »` : '')),
          'comments:', ...t.comments.map((c) => `  ${c.at.toISOString()}  ${c.authorKind}:${c.author}  ${c.text}`)].join('\n'));
      }),
    eventCommand('accept', 'admissible: en dépôt → en qualification', 'none'),
    eventCommand('reject', 'not admissible: en dépôt → en rejet', 'required'),
    eventCommand('start', 'handling starts: en qualification → en cours', 'none'),
    {
      ...eventCommand('freeze', 'en cours → gelé, saying what the operator must do', 'required'),
      usage: `<reference> --awaiting <${Object.keys(FREEZE_REASONS).join('|')}> --reason <text>`,
      options: {
        awaiting: { type: 'string', description: 'what is awaited', required: true },
        reason: { type: 'string', description: 'details for the operator', required: true }
      }
    },
    eventCommand('unfreeze', 'gelé → en cours', 'optional'),
    eventCommand('close', 'handled: en cours → clos (the operator may accept or refuse it within the delay)', 'required'),
    eventCommand('notify-closure', 'closure notice sent: clos → validé', 'none'),
    ticketCommand({
      name: 'comment', usage: '<reference> --text <text>', summary: "a comment of the OI's after-sales, shown to the operator", positionals: ['reference'],
      options: { text: { type: 'string', description: 'the comment' } }
    }, async (actions, ctx, args) => {
      await actions.comment(args.positionals[0]!, stringOption(args, 'text'), { name: ctx.actor }, ctx.clock.now());
      ctx.out(`${args.positionals[0]}: comment added`);
    }),
    ticketCommand({
      name: 'archive-due', usage: '', summary: 'archive (clos tableau de bord) the closed tickets whose acceptance delay has passed',
      positionals: [], options: {}
    }, async (actions, ctx) => {
      const { archived, pending } = await actions.archiveDue('archivage automatique', ctx.clock.now());
      ctx.out(`${archived} ticket(s) archived, ${pending} still within their acceptance delay`);
    })
  ]
};
