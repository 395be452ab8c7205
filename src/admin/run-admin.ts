/**
 * The administration command line: `esav-admin <group> <command> [arguments]`, `--help` at every level.
 * Exit codes: 0 done, 1 refused (the message says why), 2 usage error (unknown group, command or option — with the
 * nearest known name —, a missing argument or required option, ADMIN_USAGE).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.js';
import { ContractError } from '../contracts/contract-loader.js';
import type { Clock } from '../domain/clock.js';
import { freeTextProblem } from '../domain/free-text.js';
import { AdminError } from '../errors/admin-error.js';
import type { Command, CommandGroup } from './command.js';
import { certificateCommands } from './commands/certificates.js';
import { notificationCommands } from './commands/notifications.js';
import { interventionCommands } from './commands/interventions.js';
import { operatorCommands } from './commands/operators.js';
import { auditCommands, profileCommands, trustCommands } from './commands/profiles-trust-audit.js';
import { ticketCommands } from './commands/tickets.js';
import { loadCommands } from './commands/load.js';
import { maintenanceCommands } from './commands/maintenance.js';
import { goLiveCommands } from './commands/golive.js';
import { networkCommands } from './commands/network.js';
import { userCommands } from './commands/users.js';
import { appointmentCommands } from './commands/appointments.js';
import { openAdminContext } from './context.js';

export const GROUPS: readonly CommandGroup[] = [
  operatorCommands, certificateCommands, profileCommands, trustCommands, ticketCommands, notificationCommands, maintenanceCommands, loadCommands,
  goLiveCommands, networkCommands, appointmentCommands, interventionCommands, userCommands, auditCommands
];

export interface AdminIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** An agent's name (a login, "Prénom Nom"): 200 characters are plenty, as the network events' OI contact. */
const ACTOR_MAX_LENGTH = 200;

const GLOBAL = '  --actor <name>   who is recorded in the audit trail (default: the system user)\n  --help           this help\n  --version        the gateway\'s version';

/** Edit distance (insertions, deletions, substitutions): enough for "did you mean" over a few dozen names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** « did you mean … » for the nearest known name, when one is near enough (a third of the word, at least 2 edits). */
export function didYouMean(word: string, known: readonly string[]): string {
  const scored = known.map((k) => ({ k, d: Math.min(distance(word, k), k.startsWith(word) && word.length >= 3 ? 1 : Infinity) }));
  const best = scored.sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? ` — did you mean "${best.k}"?` : '';
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${pkg.name} ${pkg.version} (node ${process.version})`;
}

/** parseArgs's English for an unknown option or a missing value, in our words. */
function optionProblem(e: Error, c: Command): string {
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(e.message);
  if (unknown) {
    const name = unknown[1]!.replace(/^-+/, '');
    const hint = didYouMean(name, [...Object.keys(c.options), 'actor', 'help']);
    return `unknown option ${unknown[1]}${hint.replace(/"([^"]+)"/, '"--$1"')}`;
  }
  const noValue = /Option '(-{1,2}[^' ]+)[^']*' argument missing/.exec(e.message);
  if (noValue) return `option ${noValue[1]} needs a value`;
  const noArg = /Option '(-{1,2}[^' ]+)[^']*' does not take an argument/.exec(e.message);
  if (noArg) return `option ${noArg[1]} takes no value`;
  return e.message;
}

function topHelp(): string {
  return ['esav-admin — administration of the e-SAV gateway (works on the embedded database or DATABASE_URL)', '',
    'usage: esav-admin <group> <command> [arguments]   (npm run admin -- …)', '',
    ...GROUPS.map((g) => `  ${g.name.padEnd(14)} ${g.summary}`), '', GLOBAL, '', 'esav-admin <group> --help lists the commands of a group.'].join('\n');
}

function groupHelp(g: CommandGroup): string {
  return [`esav-admin ${g.name} — ${g.summary}`, '', ...g.commands.map((c) => `  ${`${c.name} ${c.usage}`.padEnd(60)} ${c.summary}`), '',
    `esav-admin ${g.name} <command> --help for its options.`].join('\n');
}

function commandHelp(g: CommandGroup, c: Command): string {
  const options = Object.entries(c.options).map(([k, o]) => `  --${k}${o.type === 'string' ? ' <value>' : ''}`.padEnd(28) + `${o.description}${o.required === true ? ' (required)' : ''}${o.default !== undefined ? ` (default ${String(o.default)})` : ''}`);
  return [`usage: esav-admin ${g.name} ${c.name} ${c.usage}`, '', c.summary, ...(c.details ? ['', c.details] : []), '', ...options, GLOBAL].join('\n');
}

export async function runAdmin(argv: readonly string[], io: AdminIo): Promise<number> {
  const [groupName, firstWord, ...after] = argv;
  if (!groupName || groupName === '--help' || groupName === 'help') { io.out(topHelp()); return groupName ? 0 : 2; }
  if (groupName === '--version') { io.out(version()); return 0; }
  const group = GROUPS.find((g) => g.name === groupName);
  if (!group) { io.err(`unknown group "${groupName}"${didYouMean(groupName, GROUPS.map((g) => g.name))}\n\n${topHelp()}`); return 2; }
  if (!firstWord || firstWord === '--help') { io.out(groupHelp(group)); return firstWord ? 0 : 2; }
  // A command name may have two words ("load limit set"): the two-word name wins.
  const twoWords = group.commands.find((c) => c.name === `${firstWord} ${after[0]}`);
  const command = twoWords ?? group.commands.find((c) => c.name === firstWord);
  const commandName = twoWords ? twoWords.name : firstWord;
  const rest = twoWords ? after.slice(1) : after;
  if (!command) {
    const hint = didYouMean(after[0] ? `${firstWord} ${after[0]}` : firstWord, group.commands.map((c) => c.name));
    const single = hint || didYouMean(firstWord, group.commands.map((c) => c.name));
    io.err(`unknown command "${groupName} ${commandName}"${single}\n\n${groupHelp(group)}`);
    return 2;
  }

  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest], allowPositionals: true, strict: true,
      options: { ...Object.fromEntries(Object.entries(command.options).map(([k, o]) => [k, { type: o.type }])), actor: { type: 'string' }, help: { type: 'boolean' } }
    });
  } catch (e) {
    io.err(`${optionProblem(e as Error, command)}\n\n${commandHelp(group, command)}`);
    return 2;
  }
  if (parsed.values.help) { io.out(commandHelp(group, command)); return 0; }
  const missing = Object.entries(command.options).filter(([k, o]) => o.required === true && typeof (parsed.values as Record<string, unknown>)[k] !== 'string').map(([k]) => `--${k}`);
  if (missing.length > 0) {
    io.err(`ADMIN_USAGE: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required\n\n${commandHelp(group, command)}`);
    return 2;
  }
  if (parsed.positionals.length !== command.positionals.length) {
    io.err(`expected ${command.positionals.length ? command.positionals.map((p) => `<${p}>`).join(' ') : 'no argument'}, got ${parsed.positionals.length ? parsed.positionals.join(' ') : 'none'}\n\n${commandHelp(group, command)}`);
    return 2;
  }

  // The actor is written in every audit row and transition: text PostgreSQL can store (src/domain/free-text.ts).
  const actorProblem = typeof parsed.values.actor === 'string' ? freeTextProblem('--actor', parsed.values.actor, ACTOR_MAX_LENGTH) : null;
  if (actorProblem) { io.err(`ADMIN_INVALID_INPUT: ${actorProblem.message}`); return 1; }

  let ctx;
  try {
    ctx = await openAdminContext(loadConfig(io.env), io.clock, typeof parsed.values.actor === 'string' ? parsed.values.actor : undefined, io.out);
  } catch (e) {
    io.err(e instanceof ConfigError || e instanceof ContractError ? e.message : `cannot reach the database: ${(e as Error).message}`);
    return 1;
  }
  try {
    await command.run(ctx, { positionals: parsed.positionals, values: parsed.values as Record<string, string | boolean | undefined> });
    return 0;
  } catch (e) {
    if (e instanceof AdminError) { io.err(`${e.code}: ${e.message}`); return e.code === 'ADMIN_USAGE' ? 2 : 1; }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') { io.err(`cannot read ${(e as NodeJS.ErrnoException).path}: ${code}`); return 1; }
    throw e;
  } finally {
    await ctx.close();
  }
}
