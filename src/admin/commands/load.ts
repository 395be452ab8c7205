/**
 * esav-admin load …: the volumetry of the contract's five request categories (DOMAIN.md L1) and the per-minute
 * limits the OI may impose under overload, announced the day before (L2): pushed to the operator's notification
 * endpoint when it implements a contract version that carries limit announcements, else told by the usual channel.
 */
import { parisDate } from '../../domain/calendar.js';
import { announceBy, announcedInTime, announcementStatus, enforcementStart, liftStatus } from '../../domain/limit-announcement.js';
import { isLimitScope, LIMIT_SCOPES, type LimitScope } from '../../domain/load-rules.js';
import { AdminError } from '../../errors/admin-error.js';
import { declareLimit, listLimits, removeLimit, type LimitListing, type Telling } from '../../store/load/limit-store.js';
import { volumetry, type VolumetryQuery } from '../../store/load/volumetry-store.js';
import { CSV_OPTION, stringOption, type CommandArgs, type CommandGroup, outputFormat } from '../command.js';
import { dateOption, instantOption, monthOption, requiredInstantOption } from '../date-options.js';
import { render } from '../output.js';

const paris = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });
const both = (d: Date): string => `${d.toISOString()} (${paris.format(d)} Paris)`;

const lastDayOf = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 0)).toISOString().slice(0, 10);
};

/** --month: that month's totals; otherwise daily totals from --from (default: the 1st of this month) to --to (today). */
function volumetryQuery(args: CommandArgs, now: Date): VolumetryQuery {
  const month = monthOption(args, 'month');
  const from = dateOption(args, 'from');
  const to = dateOption(args, 'to');
  const operator = stringOption(args, 'operator') ?? null;
  if (month !== undefined) {
    if (from !== undefined || to !== undefined) throw new AdminError('ADMIN_INVALID_INPUT', '--month or --from/--to, not both');
    return { from: `${month}-01`, to: lastDayOf(month), per: 'month', operator };
  }
  const today = parisDate(now);
  const q: VolumetryQuery = { from: from ?? `${today.slice(0, 7)}-01`, to: to ?? today, per: 'day', operator };
  if (q.from > q.to) throw new AdminError('ADMIN_INVALID_INPUT', `--from ${q.from} is after --to ${q.to}`);
  return q;
}

function scopeOption(args: CommandArgs): LimitScope {
  const raw = (stringOption(args, 'category') ?? 'ALL').toUpperCase();
  if (!isLimitScope(raw)) throw new AdminError('ADMIN_INVALID_INPUT', `--category ${raw}: one of ${LIMIT_SCOPES.join(', ')} (OTHER calls are not requests of article 6)`);
  return raw;
}

export const loadCommands: CommandGroup = {
  name: 'load',
  summary: 'load rules: volumetry per operator and category (L1), per-minute limits announced the day before (L2)',
  commands: [
    {
      name: 'volumetry', usage: '[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--month YYYY-MM] [--operator <code>] [--csv|--json]',
      summary: 'calls per operator and category: daily totals, or one month\'s totals',
      details: 'Categories (L1): LINE_TEST, WORKS_INFO, FILING, STATE, HISTORY; OTHER = calls outside the five (counted, not requests).\n' +
        'requests = ok + faults: every call that reached its operation (refused before, e.g. by a schema or a limit, it is not counted).\n' +
        'Days are Paris dates. The counts of every gateway instance are added; each instance writes its counts every 5 s.',
      positionals: [],
      options: {
        from: { type: 'string', description: 'first day (default: the 1st of this month)' }, to: { type: 'string', description: 'last day (default: today)' },
        month: { type: 'string', description: 'one month\'s totals instead of daily ones' }, operator: { type: 'string', description: 'operator code' }, ...CSV_OPTION
      },
      async run(ctx, args) {
        const q = volumetryQuery(args, ctx.clock.now());
        const rows = await volumetry(ctx.pool, q);
        if (outputFormat(args) === 'table') ctx.out(`calls ${q.per === 'day' ? 'per day' : 'in the month'}, ${q.from} to ${q.to} (Paris dates), all instances${q.operator ? `, operator ${q.operator}` : ''}`);
        ctx.out(render([q.per, 'operator', 'category', 'requests', 'ok', 'faults'], rows.map((r) => [r.period, r.operator, r.category, r.requests, r.ok, r.fault]), outputFormat(args)));
      }
    },
    {
      name: 'limit set',
      usage: '<operator> --per-minute <N> [--category FILING|STATE|HISTORY|LINE_TEST|WORKS_INFO|ALL] --from <ISO date-time> [--until <ISO date-time>] [--reason <text>]',
      summary: 'declare a per-minute limit, starting 24 h from now at the earliest (refused otherwise), and announce it',
      details: 'L2: the operator is told the day before. Past the limit, a call gets LIMITE_DEPASSEE (HTTP 429 in SOAP 1.2, Retry-After)\n' +
        'until the next minute. ALL counts the five categories together. Every instance applies it within 2 s, across instances.\n' +
        'The announcement is pushed to the operator\'s notification endpoint (notificationLimiteDebit) when the endpoint implements\n' +
        'a contract version in production that carries it (notification v2); otherwise tell the operator by the usual channel.\n' +
        'A pushed limit binds from its start only if the operator acknowledged it 24 h before; later, 24 h after the\n' +
        'acknowledgement; not at all while undelivered (see load limit list).',
      positionals: ['operator'],
      options: {
        'per-minute': { type: 'string', description: 'calls per minute allowed' }, category: { type: 'string', description: 'the category limited', default: 'ALL' },
        from: { type: 'string', description: 'start, at least 24 h ahead' }, until: { type: 'string', description: 'end (default: until removed)' },
        reason: { type: 'string', description: 'why, told to the operator (at most 500 characters)' }
      },
      async run(ctx, args) {
        const perMinute = Number(stringOption(args, 'per-minute'));
        const { limit, telling } = await declareLimit(ctx.pool, {
          operator: args.positionals[0]!, scope: scopeOption(args), perMinute,
          start: requiredInstantOption(args, 'from'), end: instantOption(args, 'until') ?? null,
          reason: stringOption(args, 'reason') ?? null
        }, ctx.actor, ctx.clock.now(), ctx.notificationContract());
        ctx.out([
          `limit #${limit.id}: ${limit.operatorCode} at most ${limit.perMinute} ${limit.scope === 'ALL' ? 'requests' : `${limit.scope} requests`} per minute`,
          `  from ${both(limit.start)}${limit.end ? ` until ${both(limit.end)}` : ' until removed'}`,
          told(telling, limit.operatorCode, 'announcement', announceBy(limit.start))
        ].join('\n'));
      }
    },
    {
      name: 'limit list', usage: '[--operator <code>] [--all] [--csv|--json]', summary: 'limits announced or in force, with their announcement (--all: removed and ended ones too)',
      details: 'announcement: pushed <when>, pending (attempts, last error), by usual channel (why), or none needed; NOT ANNOUNCED IN TIME\n' +
        'when the operator had not acknowledged it 24 h before its start (the limit then binds 24 h after the acknowledgement,\n' +
        'not at all while undelivered). lift: how the operator is told of a removal.',
      positionals: [], options: { operator: { type: 'string', description: 'operator code' }, all: { type: 'boolean', description: 'include removed and ended limits' }, ...CSV_OPTION },
      async run(ctx, args) {
        const now = ctx.clock.now();
        const rows = await listLimits(ctx.pool, { operator: stringOption(args, 'operator') ?? null, all: args.values.all === true }, now);
        ctx.out(render(['id', 'operator', 'category', 'per minute', 'from', 'until', 'state', 'announcement', 'lift', 'declared', 'by'],
          rows.map((l) => [l.id, l.operatorCode, l.scope, l.perMinute, l.start, l.end, limitState(l, now), announcementStatus(l.start, l.announcement, now),
            l.removedAt ? liftStatus(l.lift) : '', l.declaredAt, l.declaredBy]), outputFormat(args)));
      }
    },
    {
      name: 'limit remove', usage: '<id> [--reason <text>]', summary: 'lift a limit now (or cancel an announced one): no notice is needed',
      details: 'An operator told of the limit is told of its lifting: pushed after the announcement (LEVEE) when its endpoint can take it,\n' +
        'else by the usual channel. An announcement not sent yet is withdrawn instead: nothing is sent.',
      positionals: ['id'], options: { reason: { type: 'string', description: 'why, told to the operator (at most 500 characters)' } },
      async run(ctx, args) {
        const { limit: l, telling, why } = await removeLimit(ctx.pool, args.positionals[0]!, ctx.actor, ctx.clock.now(), ctx.notificationContract(), stringOption(args, 'reason') ?? null);
        ctx.out([
          `limit #${l.id} removed: ${l.operatorCode} ${l.scope} ${l.perMinute}/min (every instance within 2 s)`,
          telling ? told(telling, l.operatorCode, 'lifting', null) : `  nothing to tell ${l.operatorCode}: ${why ?? 'no announcement'}`
        ].join('\n'));
      }
    }
  ]
};

/** What the command says of how the operator is told: plainly, and what the OI must do itself. */
function told(t: Telling, operator: string, what: 'announcement' | 'lifting', by: Date | null): string {
  const deadline = by ? ` before ${both(by)}` : '';
  return t.channel === 'endpoint'
    ? `  ${what} queued for ${operator}'s notification endpoint ${t.url} (notification v${t.version}, idEvenement ${t.eventId}); see load limit list for its delivery`
    : `  NOT SENT by the gateway: ${operator} — ${t.reason}. Tell ${operator} by the usual channel${deadline} (recorded in the audit trail as ${what === 'lifting' ? 'lift' : 'announcement'}-required)`;
}

/** upcoming, in force, not in force (not announced in time), ended, removed. */
function limitState(l: LimitListing, now: Date): string {
  if (l.removedAt) return 'removed';
  if (l.end !== null && l.end.getTime() <= now.getTime()) return 'ended';
  if (l.start.getTime() > now.getTime()) return 'upcoming';
  const binds = enforcementStart(l.start, l.announcement);
  if (binds !== null && binds.getTime() <= now.getTime()) return 'in force';
  return announcedInTime(l.start, l.announcement, now) === false ? 'NOT IN FORCE (not announced in time)' : 'upcoming';
}
