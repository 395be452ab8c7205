/** The documentation of every fault code (docs/faults.md), generated from the registry so the two never drift. */
import { internalCodes, type InternalCodeDefinition } from './internal-codes.js';
import { errorRegistry, type ErrorDefinition, type Retirement } from './registry.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|');
const retiredMark = (r: Retirement | undefined): string => (r ? `**retired ${r.on}** (${cell(r.reason)}); ` : '');

const ROLE: Record<string, string> = { Client: 'Client (1.1) / Sender (1.2)', Server: 'Server (1.1) / Receiver (1.2)' };

export function faultCatalogueMarkdown(): string {
  const definitions: Readonly<Record<string, ErrorDefinition>> = errorRegistry;
  const rows = Object.entries(definitions).map(([code, d]) => {
    const soapCode = d.soapCode ?? ROLE[d.role];
    const http = d.transport ? `${d.httpStatus}` : `500 (1.1) / ${d.soapCode ? 500 : d.role === 'Client' || d.httpStatus === 503 ? d.httpStatus : 500} (1.2)`;
    return `| \`${d.wireCode}\` | ${d.phase} | ${soapCode} | ${http} | ${retiredMark(d.retired)}${cell(d.message)} | \`${code}\` |`;
  });
  const internals: Readonly<Record<string, InternalCodeDefinition>> = internalCodes;
  const internalRows = Object.entries(internals).map(([code, d]) => `| \`${code}\` | ${d.raisedBy} | ${retiredMark(d.retired)}${cell(d.description)} |`);
  return [
    '# Fault codes of the e-SAV gateway',
    '',
    '<!-- Generated from src/errors/registry.ts by `npm run docs:faults`; a test fails when this file is stale. -->',
    '',
    'Every SOAP Fault carries one `DetailErreur` element (namespace `http://esav.bfc-fibre.fr/commun/v1`, type in',
    '`xsd/common/esav-commun.xsd`): `code` (below), `message`, `idRequete` (quote it to the OI\'s support), and where it',
    'helps a machine: `champEnErreur` (field, rule, value, line — every error of the message, not only the first),',
    '`reessayerApres` (seconds), `versionEnService` (the live versions of the service), `prochaineFenetre`.',
    '',
    'SOAP 1.1 faults are answered with HTTP 500 (WS-I Basic Profile R1126); SOAP 1.2 faults with 400 (Sender) or 500',
    '(Receiver; 503 for a Receiver fault asking to come back later: maintenance, unavailable). Refusals before the SOAP layer keep their HTTP status (404, 405, 413, 415) and still carry a SOAP 1.1',
    'fault. A code is never reused once retired. `{name}` marks a value of the request in the message.',
    '',
    '| code | phase | SOAP fault code | HTTP status | message (French, as sent) | internal code |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'Notes:',
    '- `RESSOURCE_INCONNUE` is the same for a resource that does not exist and for one of another operator (DOMAIN.md',
    '  A6): the two answers are identical apart from the identifier given and the request id.',
    '- `AUTHENTIFICATION_REFUSEE` never says why (unregistered, revoked or expired certificate): the OI\'s support sees',
    '  the reason in the gateway\'s logs under the request id.',
    '- `LIMITE_DEPASSEE` (DOMAIN.md L2: a per-minute limit announced the day before) is the one Client fault with HTTP',
    '  429 in SOAP 1.2 (RFC 6585); in both versions it carries `Retry-After` and `reessayerApres` (seconds to the next',
    '  minute) and `prochaineFenetre` (the start of that minute).',
    '',
    '## Internal error codes',
    '',
    '<!-- Generated from src/errors/internal-codes.ts. -->',
    '',
    '**Never on the wire.** These codes are the `code` of the errors a client never sees: boot failures (configuration,',
    'contracts, catalogue, schemas, migrations, embedded PostgreSQL), background work (notifications), the internal API,',
    'the administration commands and broken invariants. They appear in the gateway\'s logs and in the exit message of',
    'a command; a SOAP request that meets one is answered `ERREUR_INTERNE`, its true cause logged under the request id.',
    'Like the fault codes, a code is never reused once retired (test/unit/errors/issued-codes.json lists every code',
    'ever issued).',
    '',
    '| code | raised by | what it means |',
    '|---|---|---|',
    ...internalRows,
    ''
  ].join('\n');
}
