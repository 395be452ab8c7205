/**
 * Every date option of esav-admin goes through here, read by the strict readers of src/domain/strict-dates.ts: a
 * date that does not exist (2027-02-30), a year past 9999 or an instant without its offset is refused naming the
 * option and the rule, never moved to another day. An absent option is undefined (the command says whether it is
 * required).
 */
import { readIsoDate, readIsoInstant, readIsoMonth, type Reading } from '../domain/strict-dates.js';
import { AdminError } from '../errors/admin-error.js';
import { stringOption, type CommandArgs } from './command.js';

function read<T>(args: CommandArgs, name: string, reader: (text: string) => Reading<T>): T | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const r = reader(text);
  if (r.problem !== undefined) throw new AdminError('ADMIN_INVALID_INPUT', `--${name} ${text}:`, [r.problem]);
  return r.value;
}

/** An instant with its offset (e.g. 2026-12-02T22:00:00+01:00). */
export function instantOption(args: CommandArgs, name: string): Date | undefined {
  return read(args, name, readIsoInstant);
}

/** The same, required. */
export function requiredInstantOption(args: CommandArgs, name: string): Date {
  const at = instantOption(args, name);
  if (at === undefined) throw new AdminError('ADMIN_USAGE', `--${name} is required (ISO date-time with its offset, e.g. 2026-12-02T22:00:00+01:00)`);
  return at;
}

/** A date YYYY-MM-DD. */
export function dateOption(args: CommandArgs, name: string): string | undefined {
  return read(args, name, readIsoDate);
}

/** A month YYYY-MM. */
export function monthOption(args: CommandArgs, name: string): string | undefined {
  return read(args, name, readIsoMonth);
}
