/** esav-admin operators …: subscriptions (DOMAIN.md O1). */
import { readFileSync } from 'node:fs';
import { parisDate } from '../../domain/calendar.js';
import { AdminError } from '../../errors/admin-error.js';
import { operatorStatus } from '../../domain/operator-subscription.js';
import { createOperator, findOperator, listOperators, terminateOperator, type OperatorRecord } from '../../store/registry/operators.js';
import { CSV_OPTION, stringOption, type CommandGroup, outputFormat } from '../command.js';
import { dateOption } from '../date-options.js';
import { parseOrderForm } from '../order-form.js';
import { render } from '../output.js';

function status(o: OperatorRecord, today: string): string {
  const s = operatorStatus(o.activation_date, o.end_date, today);
  return s.state === 'active' ? (o.end_date ? `active until ${o.end_date}` : 'active') : s.state === 'terminated' ? `terminated on ${s.endDate}` : `starts on ${s.activationDate}`;
}

function describe(o: OperatorRecord, today: string): string {
  const j = (v: unknown): string => (v === null || v === undefined ? '—' : Object.values(v as Record<string, unknown>).filter(Boolean).join(', '));
  return [
    `operator            ${o.code} — ${o.name}`,
    `contract            ${o.contract_reference ?? '—'}`,
    `SIREN / SIRET       ${o.siren} / ${o.siret ?? '—'}`,
    `representative      ${j(o.representative)}`,
    `contact             ${j(o.contact)}`,
    `address             ${j(o.address)}`,
    `e-SAV contact       ${j(o.esav_contact)}`,
    `access              ${[o.access_online ? 'online' : '', o.access_integrated ? 'integrated' : ''].filter(Boolean).join(' + ')}`,
    `activation          ${o.activation_date}`,
    `termination         ${o.termination_notified_on ? `notified ${o.termination_notified_on}, ends ${o.end_date}` : '—'}`,
    `status today        ${status(o, today)}`
  ].join('\n');
}

export const operatorCommands: CommandGroup = {
  name: 'operators',
  summary: 'subscribed operators: create from an order form, show, list, terminate',
  commands: [
    {
      name: 'create', usage: '--file <order-form.json|order-form.xml>', summary: 'create an operator from its order form (O1)',
      details: 'The JSON form has code, contractReference, companyName, siret, representative{name,title}, contact{name,email,phone},\n' +
        'address{street,postcode,city}, esavContact{…} (optional), access{online,integrated}, activationDate (YYYY-MM-DD).\n' +
        'The XML form is <bonDeCommande> with codeOperateur, referenceContrat, raisonSociale, siret, representant{nom,qualite},\n' +
        'contact{nom,courriel,telephone}, adresse{voie,codePostal,commune}, correspondantESAV, accesDemande{enLigne,integre}, dateActivation.\n' +
        'See docs/order-form.example.json and .xml. The operator gets the profile "complet" (all operations, all offers).',
      positionals: [], options: { file: { type: 'string', description: 'the order form', required: true } },
      async run(ctx, args) {
        const file = stringOption(args, 'file');
        if (!file) throw new AdminError('ADMIN_USAGE', '--file is required');
        const created = await createOperator(ctx.pool, parseOrderForm(readFileSync(file, 'utf8'), file), ctx.actor);
        ctx.out(`created:\n${describe(created, parisDate(ctx.clock.now()))}`);
      }
    },
    {
      name: 'show', usage: '<code>', summary: 'everything the order form said, and the status today',
      positionals: ['code'], options: {},
      async run(ctx, args) { ctx.out(describe(await findOperator(ctx.pool, args.positionals[0]!), parisDate(ctx.clock.now()))); }
    },
    {
      name: 'list', usage: '[--csv|--json]', summary: 'all operators with their status', positionals: [], options: CSV_OPTION,
      async run(ctx, args) {
        const today = parisDate(ctx.clock.now());
        const rows = (await listOperators(ctx.pool)).map((o) => [o.code, o.name, o.contract_reference, o.siret, o.activation_date, o.end_date, status(o, today)]);
        ctx.out(render(['code', 'name', 'contract', 'siret', 'activation', 'end', 'status'], rows, outputFormat(args)));
      }
    },
    {
      name: 'terminate', usage: '<code> --notified-on <YYYY-MM-DD> [--end-date <YYYY-MM-DD>]',
      summary: 'record a termination; the service ends two months after notice at the earliest (O1)',
      details: 'Without --end-date the service ends exactly two months after the notice. From the end date every call of the\noperator gets the fault OPERATEUR_INACTIF.',
      positionals: ['code'],
      options: { 'notified-on': { type: 'string', description: 'date the termination was notified', required: true }, 'end-date': { type: 'string', description: 'requested end date' } },
      async run(ctx, args) {
        const notified = dateOption(args, 'notified-on');
        if (!notified) throw new AdminError('ADMIN_USAGE', '--notified-on is required');
        const o = await terminateOperator(ctx.pool, args.positionals[0]!, notified, dateOption(args, 'end-date') ?? null, ctx.actor);
        ctx.out(`${o.code}: termination notified on ${o.termination_notified_on}, service ends on ${o.end_date}`);
      }
    }
  ]
};
