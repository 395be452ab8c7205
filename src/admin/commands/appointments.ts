/**
 * esav-admin appointments …: the OI's capacity plan (issue 16 part 1: zones of INSEE codes, a slot grid per zone and
 * kind, the technicians per slot, closures) and the outcome of appointments (part 5: complete, missed, failed). Every
 * command calls the OI's appointment actions (src/domain/appointment-plan-actions.ts), as the internal API does; plan
 * changes are audited (esav-admin audit), outcomes are recorded transitions of the appointment and of its ticket.
 */
import { appointmentPlanActions, LIST_LIMIT, type AppointmentPlanActions, type OutcomeName } from '../../domain/appointment-plan-actions.js';
import { APPOINTMENT_KINDS } from '../../domain/appointments.js';
import { DEFAULT_GRID } from '../../domain/appointment-slots.js';
import { parisTimestamp } from '../../domain/calendar.js';
import { AdminError } from '../../errors/admin-error.js';
import { isAppointmentPlanRefusal } from '../../errors/appointment-plan-refusal.js';
import { createAppointmentPlanPorts } from '../../store/appointment-plan-store.js';
import { CSV_OPTION, outputFormat, stringOption, type Command, type CommandArgs, type CommandGroup } from '../command.js';
import type { AdminContext } from '../context.js';
import { render } from '../output.js';

const ADMIN_CODE = { invalid: 'ADMIN_INVALID_INPUT', 'not-found': 'ADMIN_NOT_FOUND', conflict: 'ADMIN_CONFLICT' } as const;

/** An appointments command: the actions over the context's database, their refusals as the CLI's answer (exit 1). */
function command(spec: Omit<Command, 'run'>, run: (actions: AppointmentPlanActions, ctx: AdminContext, args: CommandArgs) => Promise<void>): Command {
  return {
    ...spec,
    async run(ctx, args) {
      try {
        await run(appointmentPlanActions(createAppointmentPlanPorts(ctx.pool, ctx.notificationContract())), ctx, args);
      } catch (e) {
        throw isAppointmentPlanRefusal(e) ? new AdminError(ADMIN_CODE[e.kind], e.message, [], { cause: e }) : e;
      }
    }
  };
}

const KIND = { type: 'string', description: APPOINTMENT_KINDS.join(' | '), required: true } as const;
const opt = (args: CommandArgs, name: string): string | undefined => stringOption(args, name);

function outcomeCommand(name: OutcomeName, summary: string): Command {
  return command({
    name, usage: '<reference> [--note <text>]', summary, positionals: ['reference'],
    options: { note: { type: 'string', description: 'what happened, kept with the appointment (and on its ticket)' } }
  }, async (actions, ctx, args) => {
    const a = await actions.outcome(args.positionals[0], { event: name, note: opt(args, 'note') }, ctx.actor, ctx.clock.now());
    ctx.out(`${a.reference}: ${a.state}${a.ticketReference ? ` (signalisation ${a.ticketReference})` : ''}`);
  });
}

export const appointmentCommands: CommandGroup = {
  name: 'appointments',
  summary: "the OI's appointment plan (zones, grid, capacity, closures) and the outcome of appointments",
  commands: [
    command({
      name: 'zones', usage: '[--csv|--json]', summary: 'intervention zones, their communes and the kinds they have a grid for',
      positionals: [], options: { ...CSV_OPTION }
    }, async (actions, ctx, args) => {
      const zones = await actions.zones();
      ctx.out(render(['zone', 'label', 'communes', 'kinds'], zones.map((z) => [z.code, z.label, z.communes.join(' '), z.kinds.join(' ')]), outputFormat(args)));
    }),
    command({
      name: 'zone define', usage: '<code> --label <text> --communes <INSEE,INSEE…>', summary: 'create a zone or add communes to it (one zone per commune)',
      details: `A new zone gets the default grid of each kind (${DEFAULT_GRID.map((r) => r.kind).join(', ')}).`,
      positionals: ['code'],
      options: {
        label: { type: 'string', description: "the zone's name", required: true },
        communes: { type: 'string', description: 'INSEE codes, comma-separated', required: true }
      }
    }, async (actions, ctx, args) => {
      await actions.defineZone(args.positionals[0], { label: opt(args, 'label'), communes: opt(args, 'communes') }, ctx.actor);
      ctx.out(`zone ${args.positionals[0]} defined`);
    }),
    command({
      name: 'grid',
      usage: '<zone> --kind <kind> [--days 1-5] --start HH:MM --slot-minutes <n> --slots <n> --technicians <n> [--holidays]',
      summary: "set a zone's slot grid for one kind (slots not made yet follow it; made ones keep their capacity)",
      positionals: ['zone'],
      options: {
        kind: KIND, days: { type: 'string', description: 'ISO weekdays', default: '1-5' },
        start: { type: 'string', description: 'first slot, Paris time', required: true },
        'slot-minutes': { type: 'string', description: 'length of a slot', required: true },
        slots: { type: 'string', description: 'slots per day', required: true },
        technicians: { type: 'string', description: 'capacity of each slot', required: true },
        holidays: { type: 'boolean', description: 'also on French public holidays' }
      }
    }, async (actions, ctx, args) => {
      await actions.setGrid(args.positionals[0], {
        kind: opt(args, 'kind'), days: opt(args, 'days') ?? '1-5', start: opt(args, 'start'), slotMinutes: opt(args, 'slot-minutes'),
        slots: opt(args, 'slots'), technicians: opt(args, 'technicians'), holidays: args.values.holidays === true
      }, ctx.actor);
      ctx.out(`grid of ${args.positionals[0]} set`);
    }),
    command({
      name: 'capacity', usage: '<zone> --kind <kind> --date YYYY-MM-DD --technicians <n>',
      summary: "set the capacity of a day's slots (refused below what is booked)", positionals: ['zone'],
      options: {
        kind: KIND, date: { type: 'string', description: 'Paris date', required: true },
        technicians: { type: 'string', description: 'capacity of each slot', required: true }
      }
    }, async (actions, ctx, args) => {
      const input = { kind: opt(args, 'kind'), date: opt(args, 'date'), technicians: opt(args, 'technicians') };
      const n = await actions.setCapacity(args.positionals[0], input, ctx.actor);
      ctx.out(`${n} slot(s) set`);
    }),
    command({
      name: 'close', usage: '<YYYY-MM-DD> [--zone <code>] --reason <text>', summary: 'close a day (one zone, or every zone): its slots take no more bookings',
      positionals: ['date'],
      options: { zone: { type: 'string', description: 'the zone (default: every zone)' }, reason: { type: 'string', description: 'why', required: true } }
    }, async (actions, ctx, args) => {
      const n = await actions.closeDay({ zone: opt(args, 'zone'), date: args.positionals[0], reason: opt(args, 'reason') }, ctx.actor);
      ctx.out(`closed (${n} slot(s) already made closed; their appointments stand)`);
    }),
    command({
      name: 'reopen', usage: '<YYYY-MM-DD> [--zone <code>]', summary: 'remove a closure', positionals: ['date'],
      options: { zone: { type: 'string', description: 'the zone (default: the closure of every zone)' } }
    }, async (actions, ctx, args) => {
      await actions.reopenDay({ zone: opt(args, 'zone'), date: args.positionals[0] }, ctx.actor);
      ctx.out('reopened');
    }),
    command({
      name: 'slots', usage: '<zone> --kind <kind> --from YYYY-MM-DD [--to YYYY-MM-DD] [--csv|--json]', summary: "a zone's slots with their free capacity",
      positionals: ['zone'],
      options: {
        kind: KIND, from: { type: 'string', description: 'first Paris date', required: true },
        to: { type: 'string', description: 'last Paris date (default: --from)' }, ...CSV_OPTION
      }
    }, async (actions, ctx, args) => {
      const slots = await actions.slots(args.positionals[0], { kind: opt(args, 'kind'), from: opt(args, 'from'), to: opt(args, 'to') });
      const lines = slots.map((s) =>
        [parisTimestamp(s.start), parisTimestamp(s.end), s.capacity, s.booked, s.closed ? 0 : s.capacity - s.booked, s.closed ? 'yes' : '']);
      ctx.out(render(['start', 'end', 'capacity', 'booked', 'free', 'closed'], lines, outputFormat(args)));
    }),
    command({
      name: 'list', usage: '[--operator <code>] [--zone <code>] [--state <state>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv|--json]',
      summary: `appointments by slot start, ${LIST_LIMIT} at most (every operator unless --operator)`, positionals: [],
      options: {
        operator: { type: 'string', description: 'operator code' }, zone: { type: 'string', description: 'zone code' },
        state: { type: 'string', description: 'state' }, from: { type: 'string', description: 'first Paris date' },
        to: { type: 'string', description: 'last Paris date' }, ...CSV_OPTION
      }
    }, async (actions, ctx, args) => {
      const rows = await actions.list({
        operator: opt(args, 'operator'), zone: opt(args, 'zone'), state: opt(args, 'state'), from: opt(args, 'from'), to: opt(args, 'to')
      });
      ctx.out(render(['reference', 'operator', 'kind', 'zone', 'commune', 'start', 'state', 'ticket', 'note'], rows.map((a) =>
        [a.reference, a.operatorCode, a.kind, a.zoneCode, a.inseeCode, parisTimestamp(a.slotStart), a.state, a.ticketReference ?? '', a.outcomeNote ?? '']),
      outputFormat(args)));
    }),
    command({ name: 'show', usage: '<reference>', summary: 'one appointment (any operator) with its transitions', positionals: ['reference'], options: {} },
      async (actions, ctx, args) => {
        const { appointment: a, transitions } = await actions.show(args.positionals[0]);
        ctx.out([`${a.reference} (${a.operatorCode}) — ${a.kind} ${a.state}${a.ticketReference ? `, signalisation ${a.ticketReference}` : ''}`,
          `zone ${a.zoneCode}, commune ${a.inseeCode}, ${parisTimestamp(a.slotStart)} → ${parisTimestamp(a.slotEnd)}`,
          ...(a.outcomeNote ? [`note: ${a.outcomeNote}`] : []), 'transitions:',
          ...transitions.map((x) => `  ${parisTimestamp(x.at)}  ${x.event}  ${x.from ?? '∅'} → ${x.to}  ${x.actorKind}:${x.actor}`
            + (x.toSlotStart && x.fromSlotStart && x.toSlotStart.getTime() !== x.fromSlotStart.getTime() ? `  → ${parisTimestamp(x.toSlotStart)}` : '')
            + (x.reason ? `  « ${x.reason} »` : ''))].join('\n'));
      }),
    outcomeCommand('start', 'the technician started the intervention (EN_COURS)'),
    outcomeCommand('complete', 'the intervention is done (TERMINE): its ticket moves on to its closure'),
    outcomeCommand('missed', 'the OI missed the appointment (MANQUE_OI, recorded against the OI): written on the ticket'),
    outcomeCommand('failed', 'the customer was absent (ECHEC_CLIENT): the ticket is frozen again awaiting an appointment (S2)')
  ]
};
