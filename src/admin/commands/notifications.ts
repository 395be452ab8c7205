/**
 * esav-admin notifications …: operators' push-notification endpoints (contract wsdl/notification, implemented by
 * the operator, in the version its endpoint implements) and the delivery log. Changes are audited and apply to every
 * gateway instance at their next poll.
 */
import { parisTimestamp } from '../../domain/calendar.js';
import { sendProblem } from '../../domain/limit-announcement.js';
import { AdminError } from '../../errors/admin-error.js';
import { deliveryLog, disableEndpoint, endpointStatus, retryNow, setEndpoint, type EndpointRecord } from '../../store/notification-endpoints.js';
import { CSV_OPTION, stringOption, type CommandGroup, outputFormat } from '../command.js';
import { render } from '../output.js';

/** https only, with a host, no credentials or fragment: the gateway authenticates by certificate, never in a URL. */
function endpointUrl(raw: string | undefined): string {
  if (!raw) throw new AdminError('ADMIN_USAGE', '--url is required');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AdminError('ADMIN_INVALID_INPUT', `${raw} is not a URL`);
  }
  const problems = [
    ...(url.protocol !== 'https:' ? ['the endpoint must be https:// (mutual TLS)'] : []),
    ...(url.username || url.password ? ['no user or password in the URL: the gateway authenticates with its client certificate'] : []),
    ...(url.hash ? ['no fragment (#…)'] : []),
    ...(raw.length > 2000 ? ['at most 2000 characters'] : [])
  ];
  if (problems.length > 0) throw new AdminError('ADMIN_INVALID_INPUT', `${raw} cannot be a notification endpoint:`, problems);
  return url.toString();
}

const when = (d: Date | null): string => (d ? parisTimestamp(d) : '—');

function describe(e: EndpointRecord): string[] {
  return [
    `endpoint            ${e.url} (SOAP ${e.soap_version}, contract notification v${e.contract_version})${e.enabled ? '' : ' — DISABLED'}`,
    `registered          ${when(e.registered_at)} (changed ${when(e.updated_at)})`,
    `last success        ${when(e.last_success_at)}`,
    `last failure        ${when(e.last_failure_at)}${e.last_error ? `  ${e.last_error}` : ''}`,
    `failing             ${e.consecutive_failures > 0 ? `yes, ${e.consecutive_failures} failed attempt(s) in a row, next try ${when(e.probe_after)}` : 'no'}`
  ];
}

export const notificationCommands: CommandGroup = {
  name: 'notifications',
  summary: "push notifications to operators' endpoints: register, disable, show, delivery log, retry",
  commands: [
    {
      name: 'set-endpoint', usage: '<operator> --url https://… [--soap-version 1.1|1.2] [--contract-version <N>]',
      summary: "register or change the operator's endpoint and the notification contract version it implements; enables it",
      details: 'Every state change and every OI comment of the operator\'s tickets from now on is sent to this URL, over mutual TLS\n' +
        'with the gateway\'s client certificate, in the version of the contract "notification" the endpoint implements: 1 for a\n' +
        'new endpoint, unchanged for an existing one, unless --contract-version says otherwise. The version must be in production\n' +
        '(wsdl/notification/service.json). From v2, per-minute limits (load limit set/remove) are announced there too.\n' +
        'Events before the registration are not sent (the operator reads them by polling). Deliveries still pending go to the new URL.',
      positionals: ['operator'],
      options: {
        url: { type: 'string', description: 'https URL of the endpoint', required: true }, 'soap-version': { type: 'string', description: '1.1 or 1.2', default: '1.1' },
        'contract-version': { type: 'string', description: 'version of the notification contract the endpoint implements (new endpoint: 1)' }
      },
      async run(ctx, args) {
        const url = endpointUrl(stringOption(args, 'url'));
        const soap = stringOption(args, 'soap-version') ?? '1.1';
        if (soap !== '1.1' && soap !== '1.2') throw new AdminError('ADMIN_INVALID_INPUT', `--soap-version ${soap}: 1.1 or 1.2`);
        const raw = stringOption(args, 'contract-version');
        const version = raw === undefined ? null : Number(raw);
        if (version !== null) {
          if (!Number.isInteger(version) || version < 1 || version > 99) throw new AdminError('ADMIN_INVALID_INPUT', `--contract-version ${raw}: a version number (1, 2…)`);
          // DOMAIN.md V1: the gateway only sends a version the plan has in production (the worker checks again at each send).
          const facts = ctx.notificationContract();
          const problem = facts === null ? 'no notification contract in wsdl/' : sendProblem(facts, version, 'ticket', ctx.clock.now());
          if (problem !== null) throw new AdminError('ADMIN_INVALID_INPUT', `--contract-version ${version}: ${problem}`);
        }
        const e = await setEndpoint(ctx.pool, args.positionals[0]!, url, soap, ctx.actor, ctx.clock.now(), version);
        const facts = ctx.notificationContract();
        const limits = facts !== null && sendProblem(facts, e.contract_version, 'limit', ctx.clock.now()) === null;
        ctx.out(`${e.operator_code}: notifications go to ${e.url} (SOAP ${e.soap_version}, contract notification v${e.contract_version}; ` +
          `${limits ? 'limit announcements pushed too' : 'limit announcements by the usual channel'})`);
      }
    },
    {
      name: 'disable', usage: '<operator>', summary: 'stop sending; new events are not queued, pending ones wait until set-endpoint',
      positionals: ['operator'], options: {},
      async run(ctx, args) {
        await disableEndpoint(ctx.pool, args.positionals[0]!, ctx.actor, ctx.clock.now());
        ctx.out(`${args.positionals[0]}: notifications disabled (the operator polls)`);
      }
    },
    {
      name: 'show', usage: '<operator>', summary: 'the endpoint, its health, the pending deliveries and the last attempts',
      positionals: ['operator'], options: {},
      async run(ctx, args) {
        const code = args.positionals[0]!;
        const s = await endpointStatus(ctx.pool, code, ctx.config.notifications.stalledAfterAttempts);
        const recent = await deliveryLog(ctx.pool, { operator: code, ticket: null, limit: 10 });
        ctx.out([
          `operator            ${code}`,
          ...(s.endpoint ? describe(s.endpoint) : ['endpoint            none (the operator polls)']),
          `pending             ${s.pending}${s.oldestPendingAt ? ` (oldest event ${when(s.oldestPendingAt)})` : ''}${s.stalled > 0 ? `, ${s.stalled} STALLED (retried every ${ctx.config.notifications.backoffMaxMs / 1000} s)` : ''}`,
          'last attempts:',
          render(['at', 'ticket', 'no', 'attempt', 'outcome', 'http', 'ms', 'error'],
            recent.map((a) => [a.at, a.reference, a.ticket_sequence, a.attempt, a.outcome, a.http_status, a.duration_ms, a.error]), false)
        ].join('\n'));
      }
    },
    {
      name: 'log', usage: '[--operator <code>] [--ticket <reference>] [--limit 50] [--csv|--json]', summary: 'the delivery log, newest first',
      positionals: [],
      options: { operator: { type: 'string', description: 'operator code' }, ticket: { type: 'string', description: 'ticket reference' }, limit: { type: 'string', description: 'rows', default: '50' }, ...CSV_OPTION },
      async run(ctx, args) {
        const limit = Number(stringOption(args, 'limit') ?? '50');
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new AdminError('ADMIN_INVALID_INPUT', '--limit: an integer from 1 to 10000');
        const rows = await deliveryLog(ctx.pool, { operator: stringOption(args, 'operator') ?? null, ticket: stringOption(args, 'ticket') ?? null, limit });
        ctx.out(render(['at', 'operator', 'ticket', 'no', 'event', 'type', 'attempt', 'outcome', 'http', 'ms', 'error'],
          rows.map((a) => [a.at, a.operator_code, a.reference, a.ticket_sequence, a.event_id, a.kind, a.attempt, a.outcome, a.http_status, a.duration_ms, a.error]), outputFormat(args)));
      }
    },
    {
      name: 'retry', usage: '<event-id>', summary: 'make a pending notification due now instead of at its next backoff step',
      details: 'Use it once the operator has fixed its endpoint. The order per ticket still holds: a later event waits for this one.',
      positionals: ['event-id'], options: {},
      async run(ctx, args) {
        const r = await retryNow(ctx.pool, args.positionals[0]!, ctx.actor, ctx.clock.now());
        ctx.out(`${r.reference}${r.sequence === null ? '' : ` #${r.sequence}`} (${r.operator}): due now`);
      }
    }
  ]
};
