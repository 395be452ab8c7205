/**
 * esav-admin network element-state …: the simulated network's element states (issue 17 part 4a). The OI sets a
 * state on an element of the inventory (ONT offline, low optical level, fibre cut at a distance, PM port down…)
 * and the line tests of every line behind it read it. Audited.
 */
import { parisTimestamp } from '../../domain/calendar.js';
import { AdminError } from '../../errors/admin-error.js';
import { clearElementState, elementStates, setElementState, SIMULATED_FAULTS, type SimulatedFault } from '../../store/line-test-queue.js';
import { stringOption, type Command } from '../command.js';
import { render } from '../output.js';

const isFault = (s: string): s is SimulatedFault => (SIMULATED_FAULTS as readonly string[]).includes(s);

export const elementStateCommands: Command[] = [
  {
    name: 'element-state set', usage: `<reference> ${SIMULATED_FAULTS.join('|')} [--value <n>]`,
    summary: 'give an element of the simulated network a state that its lines\' tests will read',
    details: ['HORS_LIGNE (a PTO: the customer\'s ONT lost its power); NIVEAU_BAS [--value dB, default 8]; COUPURE [--value metres from the PM,',
      'default 340 on a PBO]; PORT_PM_HS (a PM or PBO: the line\'s port at the PM); PON_HS (a PM: the OLT\'s PON port);',
      'SANS_REPONSE (the element does not answer: retried, then ECHEC); LENT [--value ms, default 60000: the test times out].'].join('\n'),
    positionals: ['reference', 'state'], options: { value: { type: 'string', description: 'the state\'s value (dB, metres or milliseconds)' } },
    async run(ctx, args) {
      const [ref, fault] = [args.positionals[0]!, args.positionals[1]!.toUpperCase()];
      if (!isFault(fault)) throw new AdminError('ADMIN_INVALID_INPUT', `state: one of ${SIMULATED_FAULTS.join(', ')}, not ${fault}`);
      const raw = stringOption(args, 'value');
      const value = raw === undefined ? null : Number(raw);
      if (value !== null && !(Number.isFinite(value) && value >= 0 && value <= 1_000_000)) throw new AdminError('ADMIN_INVALID_INPUT', `--value: a number from 0 to 1000000, not ${raw}`);
      if (!await setElementState(ctx.pool, ref, fault, value, ctx.actor, ctx.clock.now())) throw new AdminError('ADMIN_NOT_FOUND', `no network element ${ref}`);
      ctx.out(`${ref}: ${fault}${value === null ? '' : ` ${value}`}`);
    }
  },
  {
    name: 'element-state clear', usage: '<reference>', summary: 'the element is sound again', positionals: ['reference'], options: {},
    async run(ctx, args) {
      const ref = args.positionals[0]!;
      if (!await clearElementState(ctx.pool, ref, ctx.actor)) throw new AdminError('ADMIN_NOT_FOUND', `no state on ${ref}`);
      ctx.out(`${ref}: sound`);
    }
  },
  {
    name: 'element-state list', usage: '', summary: 'the elements with a state (the others are sound)', positionals: [], options: {},
    async run(ctx) {
      const rows = await elementStates(ctx.pool);
      ctx.out(render(['kind', 'reference', 'state', 'value', 'since', 'by'], rows.map((r) => [r.kind, r.ref, r.fault, r.value ?? '', parisTimestamp(r.set_at), r.set_by]), false));
    }
  }
];
