/**
 * esav-admin interventions …: the OI's view of the e-intervention hub (issue 18) — interventions, their lines and
 * messages; each operator's endpoints per role (OC, DO) and their health; the OI's standing repair consent per
 * operator (E2). Changes are audited.
 */
import { parisTimestamp } from '../../domain/calendar.js';
import { isStandingConsent } from '../../domain/e-intervention-rules.js';
import { interventionViews } from '../../domain/e-intervention-views.js';
import { AdminError } from '../../errors/admin-error.js';
import { isInterventionViewRefusal } from '../../errors/e-intervention-view-refusal.js';
import { createInterventionStore } from '../../store/e-intervention-store.js';
import { createInterventionViewPorts } from '../../store/e-intervention-view-store.js';
import { CSV_OPTION, stringOption, type CommandGroup, outputFormat } from '../command.js';
import type { AdminContext } from '../context.js';
import { render } from '../output.js';

const ALIASES: Readonly<Record<string, string>> = { always: 'TOUJOURS', never: 'JAMAIS', ask: 'A_DEMANDER' };
const when = (d: Date | null): string => (d ? parisTimestamp(d) : '—');

/** The views' actions, shared with the internal API (src/domain/e-intervention-views.ts). */
const views = (ctx: AdminContext) => interventionViews(createInterventionViewPorts(ctx.pool),
  { reportWindowMs: ctx.config.eIntervention.reportWindowMs, consentWindowMs: ctx.config.eIntervention.consentWindowMs });

/** A view's refusal under the CLI's codes. */
async function viewed<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (isInterventionViewRefusal(e)) throw new AdminError(e.kind === 'not-found' ? 'ADMIN_NOT_FOUND' : 'ADMIN_INVALID_INPUT', e.message);
    throw e;
  }
}

function httpsUrl(raw: string | undefined): string {
  if (!raw) throw new AdminError('ADMIN_USAGE', '--url is required');
  let url: URL;
  try { url = new URL(raw); } catch { throw new AdminError('ADMIN_INVALID_INPUT', `${raw} is not a URL`); }
  if (url.protocol !== 'https:' || url.username || url.password || url.hash) {
    throw new AdminError('ADMIN_INVALID_INPUT', `${raw}: an https:// server root (mutual TLS), no credentials, no fragment`);
  }
  return url.toString().replace(/\/+$/, '');
}

export const interventionCommands: CommandGroup = {
  name: 'interventions',
  summary: 'e-intervention (Lot 2): interventions, endpoints per operator and role, standing repair consent',
  commands: [
    {
      name: 'set-endpoint', usage: '<operator> --role OC|DO --url https://…/v2', summary: "register the operator's E-Intervention server root for a role",
      details: 'OC: where the OI sends M2, M4, M4TX and the report (paths of the OI file under this root). DO: where it sends M6TX.',
      positionals: ['operator'],
      options: { role: { type: 'string', description: 'OC or DO', required: true }, url: { type: 'string', description: 'https server root', required: true } },
      async run(ctx, args) {
        const role = stringOption(args, 'role');
        if (role !== 'OC' && role !== 'DO') throw new AdminError('ADMIN_INVALID_INPUT', `--role ${role ?? ''}: OC or DO`);
        const url = httpsUrl(stringOption(args, 'url'));
        const store = createInterventionStore(ctx.pool, ctx.config.eIntervention.oiCode);
        const code = args.positionals[0]!;
        if (!await store.setEndpoint(code, role, url, ctx.clock.now(), ctx.actor)) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${code}`);
        ctx.out(`${args.positionals[0]!} (${role}): e-intervention messages go to ${url}`);
      }
    },
    {
      name: 'consent', usage: '<operator> always|never|ask', summary: 'the OI’s standing repair consent for an operator (E2)',
      details: 'always: the DO’s technician may restore the operator’s lines; never: he may not; ask: only if the operator answers\n' +
        'for the intervention (demandeReparation in M5TX) within ESAV_EI_CONSENT_WINDOW_MS. Applies to interventions declared from now on.',
      positionals: ['operator', 'consent'], options: {},
      async run(ctx, args) {
        const raw = args.positionals[1]!;
        const standing = ALIASES[raw.toLowerCase()] ?? raw.toUpperCase();
        if (!isStandingConsent(standing)) throw new AdminError('ADMIN_INVALID_INPUT', `${raw}: always, never or ask`);
        const store = createInterventionStore(ctx.pool, ctx.config.eIntervention.oiCode);
        const code = args.positionals[0]!;
        if (!await store.setConsent(code, standing, ctx.clock.now(), ctx.actor)) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${code}`);
        ctx.out(`${args.positionals[0]!}: standing repair consent ${standing}`);
      }
    },
    {
      name: 'list', usage: '[--state S] [--pm <refPM>] [--do <code>] [--operator <code>] [--from D] [--to D] [--limit 50] [--page 1] [--csv|--json]',
      summary: 'interventions, newest first, filtered and paged (an operator’s: as DO or told of it)',
      details: 'The same filters as the internal API (GET /interventions): --from/--to a Paris date YYYY-MM-DD or an ISO 8601 instant.',
      positionals: [],
      options: {
        state: { type: 'string', description: 'EN_COURS, TERMINEE or CLOTUREE' }, pm: { type: 'string', description: 'refPM' },
        do: { type: 'string', description: 'the order giver' }, operator: { type: 'string', description: 'the DO or an operator told of it' },
        from: { type: 'string', description: 'started at or after' }, to: { type: 'string', description: 'started before' },
        limit: { type: 'string', description: 'rows', default: '50' }, page: { type: 'string', description: 'page', default: '1' }, ...CSV_OPTION
      },
      async run(ctx, args) {
        const input = Object.fromEntries(['state', 'pm', 'do', 'operator', 'from', 'to', 'limit', 'page'].map((k) => [k, stringOption(args, k)]));
        const page = await viewed(() => views(ctx).list(input));
        ctx.out(render(['refIntervOI', 'do', 'refIntervDO', 'pm', 'state', 'test', 'started', 'ended', 'operators', 'cut', 'restored', 'pending'],
          page.interventions.map((r) => [r.refIntervOI, r.doOperator, r.refIntervDO, r.refPM, r.state, r.test, r.startedAt, r.endedAt, r.operators,
            r.linesCut, r.linesRestored, r.messagesPending]), outputFormat(args)));
        if (outputFormat(args) === 'table') ctx.out(`page ${page.page}/${Math.max(page.pages, 1)}, ${page.total} intervention(s)`);
      }
    },
    {
      name: 'show', usage: '<refIntervOI>', summary: 'one intervention: operators told, consent, deadlines, cut lines, messages and their delays, tickets',
      positionals: ['refIntervOI'], options: {},
      async run(ctx, args) {
        const iv = await viewed(() => views(ctx).show(args.positionals[0]!, ctx.clock.now()));
        ctx.out([
          `intervention        ${iv.refIntervOI} (${iv.state}, test ${iv.test})`,
          `DO                  ${iv.doOperator} ${iv.refIntervDO}, nature ${iv.nature}`,
          `place               PM ${iv.refPM} (${iv.refPMTechnique}), PBO ${iv.refPBO}`,
          `start / end         ${when(iv.startedAt)} / ${when(iv.endedAt)}${iv.closedAt ? `, report ${when(iv.closedAt)}` : ''}`,
          `reports due by      ${when(iv.deadlines.reportBy)} (test ${iv.test}); repair answers by ${when(iv.deadlines.consentBy)}`,
          'operators told:',
          render(['operator', 'standing', 'answer', 'consent', 'reported test', 'closed', 'late'],
            iv.recipients.map((r) => [r.operator, r.standing, r.answer, r.consent, r.reportedTest, r.closedTest, r.late]), false),
          'lines cut:',
          render(['operator', 'PTO', 'service', 'cut', 'restored', 'by DO'],
            iv.lines.map((l) => [l.operator, l.refPTO, l.serviceId, l.cutAt, l.restoredAt, l.restoredByDo]), false),
          'messages:',
          render(['id', 'to', 'role', 'operation', 'state', 'attempts', 'created', 'done', 'delay ms', 'error'],
            iv.messages.map((m) => [m.id, m.operator, m.role, m.operation, m.state, m.attempts, m.createdAt, m.doneAt, m.delayMs, m.lastError]), false),
          'tickets linked:',
          render(['ticket', 'operator', 'state'], iv.tickets.map((t) => [t.reference, t.operator, t.state]), false)
        ].join('\n'));
      }
    },
    {
      name: 'endpoints', usage: '[--csv|--json]', summary: 'every e-intervention endpoint, its health and its pending messages',
      positionals: [], options: { ...CSV_OPTION },
      async run(ctx, args) {
        const rows = await createInterventionStore(ctx.pool, ctx.config.eIntervention.oiCode).endpoints();
        ctx.out(render(['operator', 'role', 'url', 'enabled', 'failures', 'retry at', 'pending', 'last success', 'last failure', 'error'],
          rows.map((e) => [e.operator, e.role, e.base_url, e.enabled, e.consecutive_failures, e.retry_at, e.pending, e.last_success_at, e.last_failure_at,
            e.last_error]),
          outputFormat(args)));
      }
    }
  ]
};
