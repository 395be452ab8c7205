/** esav-admin users …: the people of an operator on e-SAV en ligne, the web portal (issue 21; A5, O1). */
import { PORTAL_FUNCTIONS } from '../../domain/portal-access.js';
import { AdminError } from '../../errors/admin-error.js';
import { invitePerson, listPeople, resetPerson, revokeSessions, setEnabled, setPersonFunctions, unlockPersonNow } from '../../store/portal/people.js';
import { CSV_OPTION, outputFormat, stringOption, type CommandArgs, type CommandGroup } from '../command.js';
import type { AdminContext } from '../context.js';
import { render } from '../output.js';

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const ALL_FUNCTIONS = Object.keys(PORTAL_FUNCTIONS);

const PROFILE_OPTIONS = {
  functions: { type: 'string', description: `comma-separated web-service operations, or * (default: every portal function: ${ALL_FUNCTIONS.join(',')})` },
  offers: { type: 'string', description: 'comma-separated offers (FTTE,LFO,…) or * (default *)' }
} as const;

function profileArgs(args: CommandArgs, required: boolean): { functions: string[]; offers: string[] } {
  const functions = list(stringOption(args, 'functions'));
  const offers = list(stringOption(args, 'offers'));
  if (required && functions.length === 0 && offers.length === 0) throw new AdminError('ADMIN_USAGE', 'give --functions and/or --offers');
  return { functions: functions.length > 0 ? functions : ALL_FUNCTIONS, offers: offers.length > 0 ? offers : ['*'] };
}

const known = (ctx: AdminContext): { operations: ReadonlyMap<string, ReadonlySet<string>>; offers: ReadonlySet<string> } =>
  ({ operations: ctx.gatewayOperations(), offers: ctx.catalogueOffers() });

function linkLines(ctx: AdminContext, path: string, token: string, expiresAt: Date): string {
  return `one-time link (give it to the person; valid until ${expiresAt.toISOString()}, shown only now):\n  ${ctx.config.portal.publicUrl}${path}/${token}`;
}

export const userCommands: CommandGroup = {
  name: 'users',
  summary: 'people of an operator on e-SAV en ligne, the web portal (A5; operators with online access, O1)',
  commands: [
    {
      name: 'invite', usage: '<operator> <login> --name <name> --email <email> [--functions <list>] [--offers <list>]',
      summary: 'create a person and print the one-time link where they choose a password and set up their second factor (TOTP)',
      details: 'The operator\'s order form must ask for online access (O1). Functions are named as the web services\' operations\n' +
        '(signalisation.depotSignalisation, …, or *); a function or offer outside the profile is absent from the portal for that person.',
      positionals: ['operator', 'login'],
      options: { name: { type: 'string', description: 'first and last name', required: true }, email: { type: 'string', description: 'e-mail address', required: true }, ...PROFILE_OPTIONS },
      async run(ctx, args) {
        const { functions, offers } = profileArgs(args, false);
        const r = await invitePerson(ctx.pool, { operatorCode: args.positionals[0]!, login: args.positionals[1]!, fullName: stringOption(args, 'name')!,
          email: stringOption(args, 'email')!, functions, offers }, ctx.actor, ctx.clock.now(), known(ctx));
        ctx.out(`invited ${r.person.login} (${r.person.fullName}) of ${r.person.operator.code}: functions ${functions.join(', ')}; offers ${offers.join(', ')}`);
        ctx.out(linkLines(ctx, '/activation', r.token, r.expiresAt));
      }
    },
    {
      name: 'list', usage: '[--operator <code>] [--csv|--json]', summary: 'the portal\'s people, with their state and last sign-in', positionals: [],
      options: { operator: { type: 'string', description: 'one operator only' }, ...CSV_OPTION },
      async run(ctx, args) {
        const now = ctx.clock.now();
        const rows = (await listPeople(ctx.pool, stringOption(args, 'operator') ?? null, now)).map((p) => [
          p.operator.code, p.login, p.fullName, p.email,
          p.lockedUntil && p.lockedUntil.getTime() > now.getTime() ? `${p.state}, locked` : p.state,
          p.profile.operations.join(','), p.profile.offers.join(','), p.lastSignInAt
        ]);
        ctx.out(render(['operator', 'login', 'name', 'email', 'state', 'functions', 'offers', 'last sign-in'], rows, outputFormat(args)));
      }
    },
    {
      name: 'disable', usage: '<login>', summary: 'refuse sign-in from now on and end the person\'s sessions', positionals: ['login'], options: {},
      async run(ctx, args) {
        await setEnabled(ctx.pool, args.positionals[0]!, false, ctx.actor, ctx.clock.now());
        ctx.out(`${args.positionals[0]} disabled; their sessions are ended`);
      }
    },
    {
      name: 'enable', usage: '<login>', summary: 'allow a disabled person again (lockout lifted)', positionals: ['login'], options: {},
      async run(ctx, args) {
        const state = await setEnabled(ctx.pool, args.positionals[0]!, true, ctx.actor, ctx.clock.now());
        ctx.out(`${args.positionals[0]} enabled (${state})`);
      }
    },
    {
      name: 'unlock', usage: '<login>', summary: 'lift a lockout after repeated failed sign-ins before it ends by itself', positionals: ['login'], options: {},
      async run(ctx, args) {
        await unlockPersonNow(ctx.pool, args.positionals[0]!, ctx.actor, ctx.clock.now());
        ctx.out(`${args.positionals[0]} unlocked`);
      }
    },
    {
      name: 'revoke-sessions', usage: '<login>', summary: 'sign the person out everywhere (every live session ended)', positionals: ['login'], options: {},
      async run(ctx, args) {
        const ended = await revokeSessions(ctx.pool, args.positionals[0]!, ctx.actor, ctx.clock.now());
        ctx.out(`${args.positionals[0]}: ${ended} session(s) ended`);
      }
    },
    {
      name: 'reset', usage: '<login>', summary: 'a forgotten password or a lost second factor: a new one-time link; sessions ended',
      positionals: ['login'], options: {},
      async run(ctx, args) {
        const link = await resetPerson(ctx.pool, args.positionals[0]!, ctx.actor, ctx.clock.now());
        ctx.out(`${args.positionals[0]}: password and second factor to be chosen again`);
        ctx.out(linkLines(ctx, '/activation', link.token, link.expiresAt));
      }
    },
    {
      name: 'set-profile', usage: '<login> [--functions <list>] [--offers <list>]', summary: 'change what a person may do (A5)',
      positionals: ['login'], options: PROFILE_OPTIONS,
      async run(ctx, args) {
        const { functions, offers } = profileArgs(args, true);
        await setPersonFunctions(ctx.pool, args.positionals[0]!, functions, offers, ctx.actor, ctx.clock.now(), known(ctx));
        ctx.out(`${args.positionals[0]}: functions ${functions.join(', ')}; offers ${offers.join(', ')}`);
      }
    }
  ]
};
