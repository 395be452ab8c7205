/**
 * esav-admin network works|incidents …: the OI declares and follows its planned works (TP) and network incidents
 * (DERCO) on an element of the inventory (issue 15 part 2). The fields are Interop'Fibre infoTravauxFTTH's.
 */
import { EQUIPMENT_KINDS, INTERVENTION_NATURES, isEquipmentKind, isNature, type EventCategory, type EventFields, type LinkedTicket, type NetworkEvent,
  type OperatorTold } from '../../domain/network-event.js';
import type { NetworkEventMove } from '../../domain/network-event-lifecycle.js';
import { AdminError } from '../../errors/admin-error.js';
import {
  closeTicketsOfEvent, declareNetworkEvent, listNetworkEvents, moveNetworkEventInStore, ticketsLinkedTo, viewNetworkEvent
} from '../../store/network-event-store.js';
import { CSV_OPTION, stringOption, type CommandArgs, type Command, type OptionSpec, outputFormat } from '../command.js';
import { instantOption } from '../date-options.js';
import { render } from '../output.js';

function yesNo(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'OUI' || value === 'NON') return value === 'OUI';
  throw new AdminError('ADMIN_INVALID_INPUT', `--${name} ${value}: OUI or NON (typeBooleen)`);
}

function nature(value: string | undefined): EventFields['nature'] | undefined {
  if (value === undefined) return undefined;
  if (!isNature(value)) throw new AdminError('ADMIN_INVALID_INPUT', `--nature ${value}: one of ${INTERVENTION_NATURES.join(', ')}`);
  return value;
}

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  nature: { type: 'string', description: `natureIntervention: ${INTERVENTION_NATURES.join('|')}` },
  start: { type: 'string', description: 'dateDebutTravaux, ISO date-time with offset' },
  end: { type: 'string', description: 'dateFinTravaux (for an incident: the expected restoration)' },
  curative: { type: 'string', description: 'travauxCuratifs: OUI|NON' },
  'intervention-required': { type: 'string', description: 'interventionRequiseOC: OUI|NON (the operator must act)' },
  comments: { type: 'string', description: 'commentairesIntervention, 512 characters at most' },
  contact: { type: 'string', description: 'coordonneesContactOI' }
};

const pick = (names: readonly string[]): Record<string, OptionSpec> => Object.fromEntries(names.map((n) => [n, OPTIONS[n]!]));

/** The fields given on the command line; absent ones are undefined (kept on a move). */
function givenFields(args: CommandArgs): Partial<EventFields> {
  return {
    nature: nature(stringOption(args, 'nature')), start: instantOption(args, 'start'), end: instantOption(args, 'end'),
    curative: yesNo('curative', stringOption(args, 'curative')),
    interventionRequired: yesNo('intervention-required', stringOption(args, 'intervention-required')),
    comments: stringOption(args, 'comments'), oiContact: stringOption(args, 'contact')
  };
}

const oui = (b: boolean): string => (b ? 'OUI' : 'NON');

function describe(e: NetworkEvent): string {
  return [`${e.reference} ${e.category} ${e.state} on ${e.equipmentKind} ${e.equipmentRef} (PM ${e.pmRef})`,
    `  nature ${e.nature ?? '—'}, ${e.start?.toISOString() ?? '?'} → ${e.end?.toISOString() ?? '?'}, curative ${oui(e.curative)}, `
      + `operator intervention ${oui(e.interventionRequired)}`,
    ...(e.comments ? [`  comments: ${e.comments}`] : []), ...(e.oiContact ? [`  OI contact: ${e.oiContact}`] : []),
    `  created ${e.createdAt.toISOString()}, modified ${e.modifiedAt.toISOString()}${e.closedAt ? `, closed ${e.closedAt.toISOString()}` : ''}`].join('\n');
}

function checkCategory(category: EventCategory, reference: string): void {
  if (!reference.startsWith(`${category}-`)) throw new AdminError('ADMIN_NOT_FOUND', `no ${category === 'TP' ? 'planned work' : 'incident'} ${reference}`);
}

/** Who was told of the change (notificationTravaux): pushed, or not and why (the operator reads it with infoTravaux). */
function toldLine(told: readonly OperatorTold[]): string {
  if (told.length === 0) return '  operators told: none (no operator has a service behind this equipment)';
  return `  operators told: ${told.map((t) => (t.pushed ? `${t.operator} (pushed)` : `${t.operator} (not pushed: ${t.reason ?? '?'}; infoTravaux only)`)).join(', ')}`;
}

/** The tickets filed inside the event (the first n), with their operator and state. */
function linkedLine(linked: readonly LinkedTicket[], first: number): string {
  if (linked.length === 0) return '  tickets filed inside it: none';
  const shown = linked.slice(0, first).map((t) => `${t.reference} (${t.operator}, ${t.state})`).join(' ');
  return `  tickets filed inside it: ${linked.length} — ${shown}${linked.length > first ? ' …' : ''}`;
}

const CLOSE_TICKETS: OptionSpec = {
  type: 'boolean', description: 'also close the tickets filed inside it that are still open (accepted, started, unfrozen as needed)'
};

function moveCommand(group: string, category: EventCategory, move: NetworkEventMove, summary: string, options: readonly string[]): Command {
  const closing = move === 'close';
  return {
    name: `${group} ${move}`, usage: `<reference> ${options.map((o) => `[--${o} <value>]`).join(' ')}${closing ? ' [--close-tickets]' : ''}`, summary,
    ...(closing ? { details: 'The tickets filed inside it that are not closed get the closure as a comment of the OI; --close-tickets also closes them.' } : {}),
    positionals: ['reference'], options: { ...pick(options), ...(closing ? { 'close-tickets': CLOSE_TICKETS } : {}) },
    async run(ctx, args) {
      const reference = args.positionals[0]!;
      checkCategory(category, reference);
      const m = await moveNetworkEventInStore(ctx.pool, reference, move, givenFields(args), ctx.actor, ctx.clock.now(), ctx.notificationContract());
      ctx.out(`${reference}: ${m.from} → ${m.to}\n${describe(m.event)}\n${toldLine(m.told)}`);
      if (m.to === 'CLOTURE' || m.to === 'ANNULE') ctx.out(`  linked tickets commented: ${m.commented.length ? m.commented.join(' ') : 'none'}`);
      if (closing && args.values['close-tickets'] === true) {
        const closed = (await closeTicketsOfEvent(ctx.pool, m.event, ctx.actor, ctx.clock.now()))
          .map((t) => (t.to !== null ? `  ${t.reference} (${t.operator}): ${t.from} → ${t.to}` : `  ${t.reference} (${t.operator}): left ${t.from} — ${t.refusal ?? ''}`));
        ctx.out(closed.length ? ['  linked tickets closed:', ...closed].join('\n') : '  linked tickets closed: none (none was open)');
      }
    }
  };
}

function commandsOf(group: string, category: EventCategory): Command[] {
  const what = category === 'TP' ? 'planned work (TP)' : 'network incident (DERCO)';
  return [
    {
      name: `${group} declare`, usage: `--equipment-type ${EQUIPMENT_KINDS.join('|')} --equipment <ref> [--nature …] --start … [--end …] [options]`,
      summary: `declare a ${what} on an element of the inventory (state NOUVEAU); its impacted prises and services are computed`,
      details: category === 'TP' ? 'A planned work needs --nature, --start and --end.'
        : 'An incident needs --start; --end is the expected restoration, if known.',
      positionals: [],
      options: { 'equipment-type': { type: 'string', description: 'equipementConcerne; LIENPMPBO names the PBO whose link to its PM is concerned', required: true },
        equipment: { type: 'string', description: 'the reference of the PM, PMT or PBO', required: true }, ...OPTIONS },
      async run(ctx, args) {
        const kind = stringOption(args, 'equipment-type') ?? '';
        const ref = stringOption(args, 'equipment');
        if (!isEquipmentKind(kind)) throw new AdminError('ADMIN_INVALID_INPUT', `--equipment-type: one of ${EQUIPMENT_KINDS.join(', ')}`);
        if (!ref) throw new AdminError('ADMIN_USAGE', '--equipment: the reference of the element is required');
        const f = givenFields(args);
        const { event: e, told } = await declareNetworkEvent(ctx.pool, {
          category, equipmentKind: kind, equipmentRef: ref, nature: f.nature ?? null, start: f.start ?? null, end: f.end ?? null, curative: f.curative ?? false,
          interventionRequired: f.interventionRequired ?? false, comments: f.comments ?? null, oiContact: f.oiContact ?? null
        }, ctx.actor, ctx.clock.now(), ctx.notificationContract());
        ctx.out(`declared ${describe(e)}\n${toldLine(told)}`);
      }
    },
    moveCommand(group, category, 'update', `update a ${what}'s fields other than its dates (state MAJ)`,
      ['nature', 'curative', 'intervention-required', 'comments', 'contact']),
    moveCommand(group, category, 'replan', `give a ${what} a new start and/or end (state REPLANIFICATION)`, ['start', 'end', 'comments']),
    moveCommand(group, category, 'close', `close a ${what}: done, restored (state CLOTURE; the end defaults to now)`, ['end', 'comments']),
    moveCommand(group, category, 'cancel', `cancel a ${what} that will not happen (state ANNULE)`, ['comments']),
    {
      name: `${group} list`, usage: '[--all] [--csv|--json]', summary: `the open ${what}s (--all: with the closed ones not yet purged)`, positionals: [],
      options: { all: { type: 'boolean', description: 'closed and cancelled too' }, ...CSV_OPTION },
      async run(ctx, args) {
        const rows = (await listNetworkEvents(ctx.pool, args.values.all !== true, category, 1000))
          .map((e) => [e.reference, e.state, `${e.equipmentKind} ${e.equipmentRef}`, e.nature, e.start, e.end, oui(e.interventionRequired),
            e.prises, e.services]);
        ctx.out(render(['reference', 'state', 'equipment', 'nature', 'start', 'end', 'intervention', 'prises', 'services'], rows, outputFormat(args)));
      }
    },
    {
      name: `${group} show`, usage: '<reference> [--first <n>]', summary: `a ${what}, its impacted prises (the first n) and services per operator`,
      positionals: ['reference'], options: { first: { type: 'string', description: 'how many impacted prises to list', default: '20' } },
      async run(ctx, args) {
        const reference = args.positionals[0]!;
        checkCategory(category, reference);
        const first = Number(stringOption(args, 'first') ?? '20');
        if (!Number.isInteger(first) || first < 0 || first > 10_000) throw new AdminError('ADMIN_INVALID_INPUT', '--first: an integer from 0 to 10000');
        const v = await viewNetworkEvent(ctx.pool, reference, first);
        if (!v) throw new AdminError('ADMIN_NOT_FOUND', `no ${what} ${reference}`);
        const more = v.prises > v.firstPrises.length ? ' …' : '';
        ctx.out([describe(v.event), `  impacted prises: ${v.prises}${v.firstPrises.length ? ` — ${v.firstPrises.join(' ')}${more}` : ''}`,
          `  impacted services: ${v.perOperator.length ? v.perOperator.map((o) => `${o.operator} ${o.count}`).join(', ') : '—'}`,
          linkedLine(await ticketsLinkedTo(ctx.pool, reference), first)].join('\n'));
      }
    }
  ];
}

export const networkEventCommands: readonly Command[] = [...commandsOf('works', 'TP'), ...commandsOf('incidents', 'DERCO')];
