/** esav-admin certificates …: the registry (DOMAIN.md A2, A3). */
import { parisTimestamp } from '../../domain/calendar.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AdminError } from '../../errors/admin-error.js';
import { certificateFacts, CsrError, issueCertificate, issueFromCsr } from '../../pki/certificate-authority.js';
import { issuerOf } from '../../pki/chain.js';
import { clientCertificateProblems } from '../../pki/client-certificate-profile.js';
import { assertRoomForCertificate, certificates, expiringWithin, registerCertificate, revokeCertificate } from '../../store/registry/certificates.js';
import { assignProfile } from '../../store/registry/profiles.js';
import { CSV_OPTION, stringOption, type CommandGroup, type OptionSpec, outputFormat } from '../command.js';
import type { AdminContext } from '../context.js';
import { render } from '../output.js';

const PROFILE: Record<string, OptionSpec> = { profile: { type: 'string', description: 'profile of the certificate', default: 'complet' } };
const DEFAULT_VALIDITY_DAYS = 397;

/** register and issue both end here: a certificate is checked as a client certificate before anything else. */
async function register(ctx: AdminContext, code: string, certPem: string, profile: string, source: string): Promise<void> {
  const problems = clientCertificateProblems(certPem);
  if (problems.length > 0) throw new AdminError('ADMIN_INVALID_INPUT', `${source} cannot be a client certificate:`, problems);
  const anchors = await ctx.trustAnchors();
  const issuer = issuerOf(certPem, anchors);
  const facts = certificateFacts(certPem);
  if (!issuer) {
    throw new AdminError('ADMIN_TRUST', `the certificate's CA is not in the trust store (issuer: ${facts.issuer}). Add the CA first with: esav-admin trust add <ca.pem>`);
  }
  await registerCertificate(ctx.pool, { operatorCode: code, facts, source: issuer.kind === 'oi' ? 'oi_ca' : 'recognised_ca', profileName: profile }, ctx.actor, ctx.clock.now());
  ctx.out(`registered for ${code} (profile ${profile}, ${issuer.kind === 'oi' ? "OI's CA" : 'recognised CA'}):\n  fingerprint  ${facts.fingerprint256}\n  subject      ${facts.subject}\n  valid until  ${parisTimestamp(facts.notAfter)}`);
}

function days(args: { values: Readonly<Record<string, string | boolean | undefined>> }): number {
  const raw = args.values.days;
  const n = typeof raw === 'string' ? Number(raw) : DEFAULT_VALIDITY_DAYS;
  if (!Number.isInteger(n) || n < 1 || n > 825) throw new AdminError('ADMIN_INVALID_INPUT', `--days must be an integer from 1 to 825, not ${String(raw)}`);
  return n;
}

export const certificateCommands: CommandGroup = {
  name: 'certificates',
  summary: 'client certificates: register, issue, list, revoke, expiring, set-profile',
  commands: [
    {
      name: 'register', usage: '<operator> --cert <file.pem> [--profile <name>]',
      summary: "register a certificate issued by a recognised CA (or the OI's CA)",
      details: 'The certificate must be issued by a CA of the trust store (the OI\'s CA, ESAV_TRUSTED_CAS, or one added with\n' +
        '`trust add`). At most two active certificates per operator (renewal overlap): revoke one to register a third.\n' +
        'It must be a client certificate: basic constraints cA=FALSE (or absent), key usage digitalSignature, extended key\n' +
        'usage clientAuth; a CA certificate is refused.',
      positionals: ['operator'], options: { cert: { type: 'string', description: 'PEM certificate', required: true }, ...PROFILE },
      async run(ctx, args) {
        const file = stringOption(args, 'cert');
        if (!file) throw new AdminError('ADMIN_USAGE', '--cert is required');
        await register(ctx, args.positionals[0]!, readFileSync(file, 'utf8'), stringOption(args, 'profile') ?? 'complet', `--cert ${file}`);
      }
    },
    {
      name: 'issue', usage: '<operator> (--csr <file.csr> --out <file.crt> | --generate-key --out-dir <dir>) [--days N] [--profile <name>]',
      summary: "issue a certificate from the OI's CA for an operator's CSR, and register it",
      details: `--csr: the operator sent a PKCS#10 request; the certificate is written to --out. Validity: --days (default ${DEFAULT_VALIDITY_DAYS}).\n` +
        '--generate-key: development and integration only: generates the key too (the OI never holds production keys).',
      positionals: ['operator'],
      options: {
        csr: { type: 'string', description: 'PKCS#10 request (PEM)' }, out: { type: 'string', description: 'where to write the certificate' },
        'generate-key': { type: 'boolean', description: 'generate the key pair (not in production)' }, 'out-dir': { type: 'string', description: 'where to write key and certificate' },
        days: { type: 'string', description: 'validity in days' }, ...PROFILE
      },
      async run(ctx, args) {
        const code = args.positionals[0]!;
        // Refused before anything is signed or written: a key and certificate the registry would then refuse help nobody.
        await assertRoomForCertificate(ctx.pool, code, ctx.clock.now());
        const ca = await ctx.certificateAuthority();
        const validityDays = days(args);
        let certPem: string;
        if (args.values['generate-key'] === true) {
          if (ctx.config.env === 'production') throw new AdminError('ADMIN_FORBIDDEN', 'in production the operator generates its key and sends a CSR (--csr)');
          const dir = stringOption(args, 'out-dir');
          if (!dir) throw new AdminError('ADMIN_USAGE', '--out-dir is required with --generate-key');
          const now = ctx.clock.now();
          const issued = await issueCertificate(ca, { subject: `CN=${code} e-SAV integre, O=${code}`, kind: 'client', notAfter: new Date(now.getTime() + validityDays * 86_400_000) }, now);
          mkdirSync(dir, { recursive: true });
          const base = path.join(dir, `${code.toLowerCase()}-${Date.now().toString(36)}`);
          writeFileSync(`${base}.crt`, issued.certPem);
          writeFileSync(`${base}.key`, issued.keyPem, { mode: 0o600 });
          ctx.out(`key and certificate written: ${base}.key, ${base}.crt`);
          certPem = issued.certPem;
        } else {
          const csr = stringOption(args, 'csr');
          const out = stringOption(args, 'out');
          if (!csr || !out) throw new AdminError('ADMIN_USAGE', '--csr and --out are required (or --generate-key --out-dir)');
          try {
            certPem = await issueFromCsr(ca, readFileSync(csr, 'utf8'), { validityDays }, ctx.clock.now());
          } catch (e) {
            if (e instanceof CsrError) throw new AdminError('ADMIN_INVALID_INPUT', `${csr}: ${e.message}`);
            throw e;
          }
          writeFileSync(out, certPem);
          ctx.out(`certificate written: ${out}`);
        }
        await register(ctx, code, certPem, stringOption(args, 'profile') ?? 'complet', 'the issued certificate');
      }
    },
    {
      name: 'list', usage: '[--operator <code>] [--csv|--json]', summary: 'registered certificates', positionals: [],
      options: { operator: { type: 'string', description: 'only this operator' }, ...CSV_OPTION },
      async run(ctx, args) {
        const rows = (await certificates(ctx.pool, stringOption(args, 'operator') ?? null)).map((c) =>
          [c.operator, c.fingerprint_sha256.slice(0, 16), c.subject, c.source === 'oi_ca' ? 'OI CA' : 'recognised', c.profile, c.state, c.not_after, c.revoked_reason]);
        ctx.out(render(['operator', 'fingerprint', 'subject', 'source', 'profile', 'state', 'not after', 'revocation'], rows, outputFormat(args)));
      }
    },
    {
      name: 'revoke', usage: '<fingerprint> --reason <text>', summary: 'revoke a certificate: refused from the next request on, on every instance',
      positionals: ['fingerprint'], options: { reason: { type: 'string', description: 'why (kept in the audit trail)' } },
      async run(ctx, args) {
        const c = await revokeCertificate(ctx.pool, args.positionals[0]!, stringOption(args, 'reason') ?? '', ctx.actor, ctx.clock.now());
        ctx.out(`revoked: ${c.fingerprint_sha256} (${c.operator}, ${c.subject})`);
      }
    },
    {
      name: 'expiring', usage: '[--working-days N] [--csv|--json]', summary: 'certificates to renew: expiring within 15 French working days (A3)',
      positionals: [], options: { 'working-days': { type: 'string', description: 'the window', default: '15' }, ...CSV_OPTION },
      async run(ctx, args) {
        const n = Number(stringOption(args, 'working-days') ?? '15');
        if (!Number.isInteger(n) || n < 0 || n > 260) throw new AdminError('ADMIN_INVALID_INPUT', '--working-days must be an integer from 0 to 260');
        const { limit, certificates: list } = await expiringWithin(ctx.pool, ctx.clock.now(), n);
        const rows = list.map((c) => [c.operator, c.fingerprint_sha256.slice(0, 16), c.subject, c.not_after]);
        if (outputFormat(args) === 'table') ctx.out(`active certificates expiring by ${limit} (${n} working days, French public holidays excluded):`);
        ctx.out(render(['operator', 'fingerprint', 'subject', 'not after'], rows, outputFormat(args)));
      }
    },
    {
      name: 'set-profile', usage: '<fingerprint> <profile>', summary: 'give a certificate another profile of its operator',
      positionals: ['fingerprint', 'profile'], options: {},
      async run(ctx, args) {
        await assignProfile(ctx.pool, args.positionals[0]!, args.positionals[1]!, ctx.actor);
        ctx.out(`certificate ${args.positionals[0]} now has profile ${args.positionals[1]}`);
      }
    }
  ]
};
