/** esav-admin maintenance …: planned maintenance windows (DOMAIN.md M2), announced 2 working days ahead at least. */
import { parisTimestamp } from '../../domain/calendar.js';
import { MAX_PLANNED_MAINTENANCE_DAYS } from '../../domain/maintenance.js';
import { cancelMaintenance, planMaintenance, upcomingPlannedWindows } from '../../store/maintenance-store.js';
import { CSV_OPTION, stringOption, type CommandGroup, outputFormat } from '../command.js';
import { requiredInstantOption } from '../date-options.js';
import { render } from '../output.js';

export const maintenanceCommands: CommandGroup = {
  name: 'maintenance',
  summary: 'planned maintenance windows (M2): every web service answers SERVICE_EN_MAINTENANCE during them',
  commands: [
    {
      name: 'plan', usage: '--from <ISO date-time> --to <ISO date-time> --reason <text>',
      summary: `declare a window, at least 2 working days ahead, at most ${MAX_PLANNED_MAINTENANCE_DAYS} days long (refused otherwise)`,
      details: 'Every instance applies it when due (no restart); operators read the coming windows with the "exploitation" service.\nThe nightly window (M1) is configured (ESAV_NIGHTLY_WINDOW_START, ESAV_NIGHTLY_WINDOW_MINUTES), not declared.',
      positionals: [], options: { from: { type: 'string', description: 'start' }, to: { type: 'string', description: 'end' }, reason: { type: 'string', description: 'shown to operators' } },
      async run(ctx, args) {
        const w = await planMaintenance(ctx.pool, requiredInstantOption(args, 'from'), requiredInstantOption(args, 'to'), stringOption(args, 'reason') ?? '', ctx.actor, ctx.clock.now());
        ctx.out(`planned #${w.id}: ${parisTimestamp(w.start)} → ${parisTimestamp(w.end)} (${w.reason})`);
      }
    },
    {
      name: 'list', usage: '[--csv|--json]', summary: 'the planned windows not over yet', positionals: [], options: CSV_OPTION,
      async run(ctx, args) {
        const rows = (await upcomingPlannedWindows(ctx.pool, ctx.clock.now())).map((w) => [w.id, w.start, w.end, w.reason, w.announcedAt]);
        ctx.out(render(['id', 'start', 'end', 'reason', 'announced'], rows, outputFormat(args)));
      }
    },
    {
      name: 'cancel', usage: '<id>', summary: 'cancel a planned window', positionals: ['id'], options: {},
      async run(ctx, args) {
        await cancelMaintenance(ctx.pool, args.positionals[0]!, ctx.actor, ctx.clock.now());
        ctx.out(`cancelled #${args.positionals[0]}`);
      }
    }
  ]
};
