/** esav-admin profiles … (A5), trust … (A2) and audit. */
import { readFileSync } from 'node:fs';
import { AUDIT_ENTITIES, auditTrail } from '../../store/registry/audit.js';
import { deleteProfile, setProfile, showProfiles } from '../../store/registry/profiles.js';
import { addTrustedCa, removeTrustedCa, trustedCas } from '../../store/registry/trust.js';
import { AdminError } from '../../errors/admin-error.js';
import { CSV_OPTION, stringOption, type CommandGroup, outputFormat } from '../command.js';
import { render } from '../output.js';

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export const profileCommands: CommandGroup = {
  name: 'profiles',
  summary: 'profiles: which operations and offers a certificate may use (A5)',
  commands: [
    {
      name: 'set', usage: '<operator> <name> --operations <list> --offers <list>',
      summary: 'create or replace a profile',
      details: 'Operations: service.operation (prestation.consultationPrestation), service.* or *. Offers: FTTH,FTTE,… or *.\n' +
        'A call outside its profile is answered like an unknown resource (RESSOURCE_INCONNUE) and logged as refused.',
      positionals: ['operator', 'name'],
      options: { operations: { type: 'string', description: 'comma-separated' }, offers: { type: 'string', description: 'comma-separated' } },
      async run(ctx, args) {
        const profile = { name: args.positionals[1]!, operations: list(stringOption(args, 'operations')), offers: list(stringOption(args, 'offers')) };
        const p = await setProfile(ctx.pool, args.positionals[0]!, profile, ctx.actor, { operations: ctx.gatewayOperations(), offers: ctx.catalogueOffers() });
        ctx.out(`profile ${p.name}: operations ${p.operations.join(', ')}; offers ${p.offers.join(', ')}`);
      }
    },
    {
      name: 'delete', usage: '<operator> <name>', summary: 'delete a profile no certificate carries (refused, naming them, otherwise)',
      positionals: ['operator', 'name'], options: {},
      async run(ctx, args) {
        await deleteProfile(ctx.pool, args.positionals[0]!, args.positionals[1]!, ctx.actor);
        ctx.out(`profile ${args.positionals[1]} of ${args.positionals[0]} deleted`);
      }
    },
    {
      name: 'show', usage: '<operator> [--csv|--json]', summary: "an operator's profiles", positionals: ['operator'], options: CSV_OPTION,
      async run(ctx, args) {
        const rows = (await showProfiles(ctx.pool, args.positionals[0]!)).map((p) => [p.name, p.operations.join(','), p.offers.join(','), p.certificates]);
        ctx.out(render(['profile', 'operations', 'offers', 'active certificates'], rows, outputFormat(args)));
      }
    }
  ]
};

export const trustCommands: CommandGroup = {
  name: 'trust',
  summary: 'recognised CAs trusted for client certificates, changed without a restart',
  commands: [
    {
      name: 'add', usage: '<ca.pem>', summary: 'trust a recognised CA (new TLS handshakes, every instance)', positionals: ['ca.pem'], options: {},
      async run(ctx, args) {
        const ca = await addTrustedCa(ctx.pool, readFileSync(args.positionals[0]!, 'utf8'), ctx.actor, ctx.clock.now());
        ctx.out(`trusted: ${ca.subject} (${ca.fingerprint_sha256})`);
      }
    },
    {
      name: 'remove', usage: '<fingerprint or its first 12+ hex digits>', summary: 'stop trusting a CA added with `trust add` (the 16 digits `trust list` shows will do)', positionals: ['fingerprint'], options: {},
      async run(ctx, args) {
        const ca = await removeTrustedCa(ctx.pool, args.positionals[0]!, ctx.actor);
        ctx.out(`no longer trusted: ${ca.subject}`);
      }
    },
    {
      name: 'list', usage: '[--csv|--json]', summary: 'the trust store: configured CAs and those added at run time', positionals: [], options: CSV_OPTION,
      async run(ctx, args) {
        const rows = (await trustedCas(ctx.pool)).map((c) => [c.fingerprint_sha256.slice(0, 16), c.subject, c.not_after, c.added_at, c.removed_at ? `removed ${c.removed_at.toISOString()}` : 'trusted']);
        if (outputFormat(args) === 'table') ctx.out(`configured: OI CA ${ctx.oiCaFile()}${ctx.config.trustedCaFiles.length ? `; ESAV_TRUSTED_CAS ${ctx.config.trustedCaFiles.join(', ')}` : ''}`);
        ctx.out(render(['fingerprint', 'subject', 'not after', 'added', 'state'], rows, outputFormat(args)));
      }
    }
  ]
};

export const auditCommands: CommandGroup = {
  name: 'audit',
  summary: 'the audit trail of administrative changes',
  commands: [
    {
      name: 'list', usage: `[--entity ${AUDIT_ENTITIES.join('|')}] [--key <key>] [--limit N] [--csv|--json]`, summary: 'latest changes first',
      positionals: [],
      options: { entity: { type: 'string', description: 'kind of thing changed' }, key: { type: 'string', description: 'its key' }, limit: { type: 'string', description: 'rows', default: '50' }, ...CSV_OPTION },
      async run(ctx, args) {
        const entity = stringOption(args, 'entity') ?? null;
        // An entity the trail never records would list nothing, silently: a usage error naming the ones it records.
        if (entity !== null && !(AUDIT_ENTITIES as readonly string[]).includes(entity)) {
          throw new AdminError('ADMIN_USAGE', `--entity must be one of ${AUDIT_ENTITIES.join(', ')}; got ${entity}`);
        }
        const limit = Number(stringOption(args, 'limit') ?? '50');
        if (!Number.isInteger(limit) || limit < 1) throw new AdminError('ADMIN_INVALID_INPUT', '--limit must be a positive integer');
        const rows = (await auditTrail(ctx.pool, entity, stringOption(args, 'key') ?? null, limit))
          .map((r) => [r.at, r.actor, r.action, r.entity, r.entity_key, JSON.stringify(r.before), JSON.stringify(r.after)]);
        ctx.out(render(['at', 'actor', 'action', 'entity', 'key', 'before', 'after'], rows, outputFormat(args)));
      }
    }
  ]
};
