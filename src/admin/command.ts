/** The shape of an administration command: its usage, help, options, and what it does. */
import type { AdminContext } from './context.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  readonly default?: string | boolean;
  /** A usage error (exit code 2) when absent: checked before the database is opened. */
  readonly required?: boolean;
}

export interface CommandArgs {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

export interface Command {
  readonly name: string;
  /** The arguments after the command name, e.g. "<code> --notified-on <date> [--end-date <date>]". */
  readonly usage: string;
  readonly summary: string;
  /** Longer explanation, printed by --help. */
  readonly details?: string;
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  run(ctx: AdminContext, args: CommandArgs): Promise<void>;
}

export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}

export const CSV_OPTION: Readonly<Record<string, OptionSpec>> = Object.freeze({
  csv: { type: 'boolean', description: 'CSV instead of a table' },
  json: { type: 'boolean', description: 'JSON instead of a table: an array of objects keyed by the column names' }
});

/** The output format a list command was asked for (--csv, --json, else a table). */
export function outputFormat(args: CommandArgs): 'table' | 'csv' | 'json' {
  if (args.values.json === true) return 'json';
  return args.values.csv === true ? 'csv' : 'table';
}

export function stringOption(args: CommandArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}
