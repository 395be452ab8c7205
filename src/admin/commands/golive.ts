/**
 * esav-admin golive …: the go-live validation of an operator (DOMAIN.md A4). The integration platform records each
 * operator's successful calls; `export` writes them as a record signed with the OI CA's key, `import` on the
 * production side checks the signature with the OI CA's certificate and opens the web services to the operator.
 * When both platforms share one database, `grant` validates from the recorded calls directly.
 */
import { parisTimestamp } from '../../domain/calendar.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { AdminError } from '../../errors/admin-error.js';
import { signGoLiveRecord, verifyGoLiveRecord, GO_LIVE_FORMAT, type GoLiveRecord } from '../../pki/golive-record.js';
import { transaction } from '../../store/database.js';
import { goLiveValidation, saveGoLiveValidation, successfulCalls, type SuccessfulCalls } from '../../store/golive-store.js';
import { recordChange } from '../../store/registry/audit.js';
import { CSV_OPTION, stringOption, type CommandGroup, outputFormat } from '../command.js';
import type { AdminContext } from '../context.js';
import { render } from '../output.js';

async function calls(ctx: AdminContext, code: string): Promise<SuccessfulCalls> {
  const c = await successfulCalls(ctx.pool, code);
  if (!c) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${code}`);
  return c;
}

function recordOf(c: SuccessfulCalls, now: Date, actor: string): GoLiveRecord {
  if (c.services.length === 0) {
    throw new AdminError('ADMIN_CONFLICT', `${c.operatorCode} has no successful web-service call recorded on this platform: A4 asks at least one, from the integration URLs (see docs/integration-guide.md)`);
  }
  return {
    format: GO_LIVE_FORMAT, operator: c.operatorCode, platform: 'integration',
    services: c.services.map((s) => ({ service: s.service, firstSuccess: s.firstSuccess.toISOString(), lastSuccess: s.lastSuccess.toISOString(), calls: s.calls })),
    issuedAt: now.toISOString(), issuedBy: actor
  };
}

async function save(ctx: AdminContext, operatorId: string, record: GoLiveRecord, signature: string | null, action: string): Promise<void> {
  await transaction(ctx.pool, async (client) => {
    const before = await goLiveValidation(client, operatorId);
    await saveGoLiveValidation(client, { operatorId, validatedAt: new Date(record.issuedAt), record, signature, at: ctx.clock.now(), by: ctx.actor });
    await recordChange(client, { actor: ctx.actor, action, entity: 'golive', entityKey: record.operator, operatorId, before: before?.record ?? null, after: record }, null);
  });
}

export const goLiveCommands: CommandGroup = {
  name: 'golive',
  summary: 'go-live validation (A4): successful integration calls, signed export, import on the production side',
  commands: [
    {
      name: 'status', usage: '<operator> [--csv|--json]', summary: 'the successful calls recorded here and the validation, if any',
      positionals: ['operator'], options: CSV_OPTION,
      async run(ctx, args) {
        const c = await calls(ctx, args.positionals[0]!);
        const v = await goLiveValidation(ctx.pool, c.operatorId);
        ctx.out(v ? `${c.operatorCode}: validated for production (record of ${parisTimestamp(v.validated_at)}, ${v.signature ? 'signed, imported' : 'granted on a shared database'} on ${parisTimestamp(v.imported_at)} by ${v.imported_by})`
          : `${c.operatorCode}: not validated — production refuses its web-service calls with INTEGRATION_NON_VALIDEE`);
        ctx.out(render(['service', 'first success', 'last success', 'calls'], c.services.map((s) => [s.service, s.firstSuccess, s.lastSuccess, s.calls]), outputFormat(args)));
      }
    },
    {
      name: 'export', usage: '<operator> --out <file.json>', summary: 'integration side: write the signed validation record of the operator',
      details: 'Signed with the OI CA key (ESAV_CA_KEY; the development PKI\'s in development and integration), ECDSA P-256 SHA-256.\nRefused while the operator has no successful call recorded on this platform.',
      positionals: ['operator'], options: { out: { type: 'string', description: 'the record file to write', required: true } },
      async run(ctx, args) {
        const out = stringOption(args, 'out');
        if (!out) throw new AdminError('ADMIN_USAGE', '--out <file.json> is required');
        const record = recordOf(await calls(ctx, args.positionals[0]!), ctx.clock.now(), ctx.actor);
        const ca = await ctx.certificateAuthority();
        writeFileSync(out, JSON.stringify(signGoLiveRecord(record, ca.certPem, ca.keyPem), null, 2) + '\n');
        ctx.out(`${record.operator}: validation record written to ${out} (${record.services.map((s) => s.service).join(', ')})`);
      }
    },
    {
      name: 'import', usage: '<file.json>', summary: 'production side: check the record\'s signature with the OI CA certificate and validate the operator',
      details: 'The signature must verify with the OI CA certificate (ESAV_TLS_CA): a modified record, or one signed by another CA, is refused.',
      positionals: ['file'], options: {},
      async run(ctx, args) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(args.positionals[0]!, 'utf8'));
        } catch (e) {
          if (e instanceof SyntaxError) throw new AdminError('ADMIN_INVALID_INPUT', `${args.positionals[0]}: not JSON (${e.message})`);
          throw e;
        }
        const v = verifyGoLiveRecord(parsed, readFileSync(ctx.oiCaFile(), 'utf8'));
        if (!v.ok) throw new AdminError('ADMIN_TRUST', `refused: ${v.reason}`);
        const c = await calls(ctx, v.record.operator);
        await save(ctx, c.operatorId, v.record, (parsed as { signature: { value: string } }).signature.value, 'golive-import');
        ctx.out(`${v.record.operator}: validated for production (record issued ${v.record.issuedAt}; ${v.record.services.map((s) => s.service).join(', ')})`);
      }
    },
    {
      name: 'grant', usage: '<operator>', summary: 'shared database only: validate from the successful calls recorded in this database',
      details: 'For a production gateway that shares its database with the integration platform; otherwise use export/import.',
      positionals: ['operator'], options: {},
      async run(ctx, args) {
        const c = await calls(ctx, args.positionals[0]!);
        const record = recordOf(c, ctx.clock.now(), ctx.actor);
        await save(ctx, c.operatorId, record, null, 'golive-grant');
        ctx.out(`${record.operator}: validated for production (${record.services.map((s) => s.service).join(', ')})`);
      }
    }
  ]
};
