/**
 * esav-admin appointments …: the OI's capacity plan (issue 16 part 1: zones of INSEE codes, a slot grid per zone and
 * kind, the technicians per slot, closures) and the outcome of appointments (part 5: complete, missed, failed), every
 * plan change audited (esav-admin audit) and every outcome a recorded transition of the appointment and its ticket.
 */
import { recordOutcome } from '../../domain/appointment-service.js';
import { APPOINTMENT_KINDS, isAppointmentKind, isAppointmentState, type AppointmentKind } from '../../domain/appointments.js';
import { DEFAULT_GRID, parisInstant } from '../../domain/appointment-slots.js';
import { parisTimestamp } from '../../domain/calendar.js';
import { AdminError } from '../../errors/admin-error.js';
import { isEsavError } from '../../errors/esav-error.js';
import {
  AppointmentPlanRefusal, closeDay, defineZone, listZones, reopenDay, setDayCapacity, setGrid, slotsOf
} from '../../store/appointment-plan-store.js';
import { createAppointmentStore } from '../../store/appointment-store.js';
import { CSV_OPTION, outputFormat, stringOption, type Command, type CommandArgs, type CommandGroup } from '../command.js';
import type { AdminContext } from '../context.js';
import { dateOption } from '../date-options.js';
import { render } from '../output.js';

/** A plan refusal or a domain fault as the CLI's answer (exit status 1). */
function adminError(e: unknown): unknown {
  if (e instanceof AppointmentPlanRefusal) {
    return new AdminError(e.kind === 'invalid' ? 'ADMIN_INVALID_INPUT' : e.kind === 'not-found' ? 'ADMIN_NOT_FOUND' : 'ADMIN_CONFLICT', e.message, [], { cause: e });
  }
  if (isEsavError(e)) return new AdminError(e.code === 'ESAV_RESOURCE_NOT_FOUND' ? 'ADMIN_NOT_FOUND' : 'ADMIN_CONFLICT', `${e.definition.wireCode}: ${e.message}`, [], { cause: e });
  return e;
}

function command(spec: Omit<Command, 'run'>, run: (ctx: AdminContext, args: CommandArgs) => Promise<void>): Command {
  return { ...spec, async run(ctx, args) { try { await run(ctx, args); } catch (e) { throw adminError(e); } } };
}

function kindOption(args: CommandArgs): AppointmentKind {
  const k = (stringOption(args, 'kind') ?? '').toUpperCase();
  if (!isAppointmentKind(k)) throw new AdminError('ADMIN_INVALID_INPUT', `--kind ${k}: one of ${APPOINTMENT_KINDS.join(', ')}`);
  return k;
}

function requiredDate(args: CommandArgs, name: string): string {
  const d = dateOption(args, name) ?? (args.positionals[0] && /^\d{4}-\d{2}-\d{2}$/.test(args.positionals[0]) ? args.positionals[0] : undefined);
  if (d === undefined) throw new AdminError('ADMIN_INVALID_INPUT', `--${name}: a date YYYY-MM-DD`);
  return d;
}

function integer(args: CommandArgs, name: string, fallback?: number): number {
  const raw = stringOption(args, name);
  if (raw === undefined && fallback !== undefined) return fallback;
  if (raw === undefined || !/^[0-9]{1,4}$/.test(raw)) throw new AdminError('ADMIN_INVALID_INPUT', `--${name}: a whole number`);
  return Number(raw);
}

/** "1-5" or "1,2,3,6": ISO weekdays. */
function weekdays(raw: string): number[] {
  const range = /^([1-7])-([1-7])$/.exec(raw);
  if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
  if (/^[1-7](,[1-7])*$/.test(raw)) return [...new Set(raw.split(',').map(Number))];
  throw new AdminError('ADMIN_INVALID_INPUT', `--days ${raw}: ISO weekdays, e.g. 1-5 or 1,2,3,4,5,6`);
}

function minuteOfDay(raw: string): number {
  const m = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(raw);
  if (!m) throw new AdminError('ADMIN_INVALID_INPUT', `--start ${raw}: HH:MM, Paris time`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function outcomeCommand(name: 'start' | 'complete' | 'missed' | 'failed', event: 'start' | 'complete' | 'miss' | 'fail', summary: string): Command {
  return command({
    name, usage: '<reference> [--note <text>]', summary, positionals: ['reference'],
    options: { note: { type: 'string', description: 'what happened, kept with the appointment (and on its ticket)' } }
  }, async (ctx, args) => {
    const note = stringOption(args, 'note') ?? null;
    if (note !== null && note.length > 500) throw new AdminError('ADMIN_INVALID_INPUT', '--note: 500 characters at most');
    const a = await recordOutcome(createAppointmentStore(ctx.pool), args.positionals[0]!, event, ctx.actor, note, ctx.clock.now());
    ctx.out(`${a.reference}: ${a.state}${a.ticketReference ? ` (signalisation ${a.ticketReference})` : ''}`);
  });
}

export const appointmentCommands: CommandGroup = {
  name: 'appointments',
  summary: "the OI's appointment plan (zones, grid, capacity, closures) and the outcome of appointments",
  commands: [
    command({ name: 'zones', usage: '[--csv|--json]', summary: 'intervention zones, their communes and the kinds they have a grid for', positionals: [], options: { ...CSV_OPTION } },
      async (ctx, args) => {
        const zones = await listZones(ctx.pool);
        ctx.out(render(['zone', 'label', 'communes', 'kinds'], zones.map((z) => [z.code, z.label, z.communes.join(' '), z.kinds.join(' ')]), outputFormat(args)));
      }),
    command({
      name: 'zone define', usage: '<code> --label <text> --communes <INSEE,INSEE…>', summary: 'create a zone or add communes to it (one zone per commune)',
      details: `A new zone gets the default grid of each kind (${DEFAULT_GRID.map((r) => r.kind).join(', ')}) unless it has one already.`,
      positionals: ['code'],
      options: { label: { type: 'string', description: 'the zone\'s name', required: true }, communes: { type: 'string', description: 'INSEE codes, comma-separated', required: true } }
    }, async (ctx, args) => {
      const code = args.positionals[0]!;
      await defineZone(ctx.pool, code, stringOption(args, 'label')!, stringOption(args, 'communes')!.split(',').map((c) => c.trim()).filter(Boolean), ctx.actor);
      const known = (await listZones(ctx.pool)).find((z) => z.code === code);
      for (const rule of DEFAULT_GRID) if (!known?.kinds.includes(rule.kind)) await setGrid(ctx.pool, code, rule, ctx.actor);
      ctx.out(`zone ${code} defined`);
    }),
    command({
      name: 'grid', usage: '<zone> --kind SAV|SAV_PLUS|EXPERTISE --days 1-5 --start HH:MM --slot-minutes <n> --slots <n> --technicians <n> [--holidays]',
      summary: "set a zone's slot grid for one kind (slots not made yet follow it; made ones keep their capacity)",
      positionals: ['zone'],
      options: {
        kind: { type: 'string', description: 'appointment kind', required: true }, days: { type: 'string', description: 'ISO weekdays', default: '1-5' },
        start: { type: 'string', description: 'first slot, Paris time', required: true }, 'slot-minutes': { type: 'string', description: 'length of a slot', required: true },
        slots: { type: 'string', description: 'slots per day', required: true }, technicians: { type: 'string', description: 'capacity of each slot', required: true },
        holidays: { type: 'boolean', description: 'also on French public holidays' }
      }
    }, async (ctx, args) => {
      await setGrid(ctx.pool, args.positionals[0]!, {
        kind: kindOption(args), weekdays: weekdays(stringOption(args, 'days') ?? '1-5'), firstStartMinute: minuteOfDay(stringOption(args, 'start')!),
        slotMinutes: integer(args, 'slot-minutes'), slotsPerDay: integer(args, 'slots'), capacity: integer(args, 'technicians'), onHolidays: args.values.holidays === true
      }, ctx.actor);
      ctx.out(`grid of ${args.positionals[0]} set`);
    }),
    command({
      name: 'capacity', usage: '<zone> --kind <kind> --date YYYY-MM-DD --technicians <n>', summary: "set the capacity of a day's slots (refused below what is booked)",
      positionals: ['zone'],
      options: { kind: { type: 'string', description: 'appointment kind', required: true }, date: { type: 'string', description: 'Paris date', required: true },
        technicians: { type: 'string', description: 'capacity of each slot', required: true } }
    }, async (ctx, args) => {
      const n = await setDayCapacity(ctx.pool, args.positionals[0]!, kindOption(args), requiredDate(args, 'date'), integer(args, 'technicians'), ctx.actor);
      ctx.out(`${n} slot(s) set`);
    }),
    command({
      name: 'close', usage: '<YYYY-MM-DD> [--zone <code>] --reason <text>', summary: 'close a day (one zone, or every zone): its slots take no more bookings',
      positionals: ['date'], options: { zone: { type: 'string', description: 'the zone (default: every zone)' }, reason: { type: 'string', description: 'why', required: true } }
    }, async (ctx, args) => {
      const n = await closeDay(ctx.pool, stringOption(args, 'zone') ?? null, requiredDate(args, 'date'), stringOption(args, 'reason')!, ctx.actor);
      ctx.out(`closed (${n} slot(s) already made closed; their appointments stand)`);
    }),
    command({
      name: 'reopen', usage: '<YYYY-MM-DD> [--zone <code>]', summary: 'remove a closure', positionals: ['date'],
      options: { zone: { type: 'string', description: 'the zone (default: the closure of every zone)' } }
    }, async (ctx, args) => {
      await reopenDay(ctx.pool, stringOption(args, 'zone') ?? null, requiredDate(args, 'date'), ctx.actor);
      ctx.out('reopened');
    }),
    command({
      name: 'slots', usage: '<zone> --kind <kind> --from YYYY-MM-DD [--to YYYY-MM-DD] [--csv|--json]', summary: "a zone's slots with their free capacity",
      positionals: ['zone'],
      options: { kind: { type: 'string', description: 'appointment kind', required: true }, from: { type: 'string', description: 'first Paris date', required: true },
        to: { type: 'string', description: 'last Paris date (default: --from)' }, ...CSV_OPTION }
    }, async (ctx, args) => {
      const from = requiredDate(args, 'from');
      const slots = await slotsOf(ctx.pool, args.positionals[0]!, kindOption(args), from, dateOption(args, 'to') ?? from);
      ctx.out(render(['start', 'end', 'capacity', 'booked', 'free', 'closed'],
        slots.map((s) => [parisTimestamp(s.start), parisTimestamp(s.end), s.capacity, s.booked, s.closed ? 0 : s.capacity - s.booked, s.closed ? 'yes' : '']), outputFormat(args)));
    }),
    command({
      name: 'list', usage: '[--operator <code>] [--zone <code>] [--state <state>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv|--json]',
      summary: 'appointments by slot start (every operator unless --operator)', positionals: [],
      options: { operator: { type: 'string', description: 'operator code' }, zone: { type: 'string', description: 'zone code' }, state: { type: 'string', description: 'state' },
        from: { type: 'string', description: 'first Paris date' }, to: { type: 'string', description: 'last Paris date' }, ...CSV_OPTION }
    }, async (ctx, args) => {
      const state = stringOption(args, 'state') ?? null;
      if (state !== null && !isAppointmentState(state)) throw new AdminError('ADMIN_INVALID_INPUT', `--state ${state}: not an appointment state`);
      const from = dateOption(args, 'from');
      const to = dateOption(args, 'to');
      const rows = await createAppointmentStore(ctx.pool).list({
        operatorCode: stringOption(args, 'operator') ?? null, zoneCode: stringOption(args, 'zone') ?? null, state,
        from: from ? parisInstant(from, 0) : null, to: to ? parisInstant(to, 24 * 60) : null
      }, 500);
      ctx.out(render(['reference', 'operator', 'kind', 'zone', 'commune', 'start', 'state', 'ticket', 'note'],
        rows.map((a) => [a.reference, a.operatorCode, a.kind, a.zoneCode, a.inseeCode, parisTimestamp(a.slotStart), a.state, a.ticketReference ?? '', a.outcomeNote ?? '']),
        outputFormat(args)));
    }),
    outcomeCommand('start', 'start', 'the technician started the intervention (EN_COURS)'),
    outcomeCommand('complete', 'complete', 'the intervention is done (TERMINE): its ticket moves on to its closure'),
    outcomeCommand('missed', 'miss', 'the OI missed the appointment (MANQUE_OI, recorded against the OI): written on the ticket'),
    outcomeCommand('failed', 'fail', 'the customer was absent (ECHEC_CLIENT): the ticket is frozen again awaiting an appointment (S2)')
  ]
};
