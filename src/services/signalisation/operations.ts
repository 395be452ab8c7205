/**
 * The operations of the signalisation service, written once; each version's adapter picks them and its options
 * (ARCHITECTURE.md §1: two versions differ on the wire only).
 */
import type { Catalog } from '../../catalog/catalog-types.js';
import type { Caller } from '../../domain/identity.js';
import type { ServiceRepository } from '../../domain/service-inventory.js';
import { TICKET_STATES, type TicketState } from '../../domain/ticket-lifecycle.js';
import { addComplement, answerClosure, cancelTicket, fileTicket, searchTickets, visibleTicket, visibleTicketState } from '../../domain/ticket-service.js';
import type { TicketStore } from '../../domain/tickets.js';
import { EsavError } from '../../errors/esav-error.js';
import type { OperationHandler, OperationResult } from '../../soap/types.js';
import { element } from '../../xml/escape.js';
import { filingInput } from './filing-input.js';
import { detailXml, stateXml, summaryXml, type TicketXmlOptions } from './ticket-xml.js';
import { childText, childTexts } from '../../xml/element-tree.js';
import { iso } from './wire.js';

export interface SignalisationDeps {
  readonly tickets: TicketStore;
  readonly services: ServiceRepository;
  readonly catalog: Catalog;
  /** S5: refuses a filing that lacks the line test its offer requires, or names a prior test that does not qualify. */
  readonly filingTests?: {
    check(caller: Caller, serviceId: string, priorTest: string | null, now: Date): Promise<{ readonly reference: string } | null>;
  };
}

export interface VersionOptions extends TicketXmlOptions {
  readonly namespace: string;
  /** v1: at most 100 results and a truncation flag; v2: pages. */
  readonly paged: boolean;
}

const MAX_RESULTS = 100;

function dateOrNull(v: string | null): Date | null {
  return v === null ? null : new Date(v);
}

export function signalisationOperations(deps: SignalisationDeps, o: VersionOptions): Record<string, OperationHandler> {
  const wrap = (name: string, body: string): OperationResult => ({ body: `<${name} xmlns="${o.namespace}">${body}</${name}>` });
  const ref = (el: Parameters<OperationHandler>[0]): string => childText(el, 'referenceSignalisation') ?? '';

  return {
    async depotSignalisation(request, ctx) {
      const input = filingInput(deps.catalog, request, ctx.now);
      const relied = await deps.filingTests?.check(ctx.caller, input.serviceId, input.formFields.find((f) => f.path === 'testPrealable')?.value ?? null, ctx.now);
      // The ticket and its link to the test it relied on are written in one statement (a retried filing links nothing more).
      const { ticket, replay } = await fileTicket(deps.tickets, ctx.caller, input, ctx.now, relied?.reference ?? null);
      return wrap('DepotSignalisationReponse', `${element('referenceSignalisation', ticket.reference)}${element('dateAcceptation', iso(ticket.acceptedAt))}${element('etat', o.wireState(ticket.state))}${element('dejaDeposee', String(replay))}`);
    },
    async consultationEtat(request, ctx) {
      return wrap('ConsultationEtatReponse', stateXml(await visibleTicketState(deps.tickets, ctx.caller, ref(request), ctx.now), o));
    },
    async consultationDetail(request, ctx) {
      const t = await visibleTicket(deps.tickets, ctx.caller, ref(request), ctx.now);
      const service = await deps.services.findForOperator(ctx.caller.operator.id, t.serviceId);
      if (!service) throw new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'signalisation', id: t.reference } });
      return wrap('ConsultationDetailReponse', detailXml(t, service, await deps.tickets.history(t.id), o));
    },
    async ajoutComplement(request, ctx) {
      const state = await addComplement(deps.tickets, ctx.caller, ref(request), childText(request, 'texte') ?? '', childText(request, 'reponseAuGel') === 'true' || childText(request, 'reponseAuGel') === '1', ctx.now);
      return wrap('AjoutComplementReponse', `${element('referenceSignalisation', ref(request))}${element('etat', o.wireState(state))}`);
    },
    async reponseCloture(request, ctx) {
      const accept = childText(request, 'decision') === 'ACCEPTEE';
      const reason = childText(request, 'motif');
      // S2: a refusal says why. Checked with the request, before the ticket: a validation fault naming the field,
      // whatever the ticket's state (the lifecycle's own check stays, for the other ways in).
      if (!accept && !reason?.trim()) throw refusalReasonMissing();
      const state = await answerClosure(deps.tickets, ctx.caller, ref(request), accept, reason, ctx.now);
      return wrap('ReponseClotureReponse', `${element('referenceSignalisation', ref(request))}${element('etat', o.wireState(state))}`);
    },
    async rechercheSignalisations(request, ctx) {
      const asked = childTexts(request, 'etat').filter((s): s is TicketState => (TICKET_STATES as readonly string[]).includes(s));
      // A state this version shows for another (v1: ANNULE as CLOS_TABLEAU_DE_BORD) is searched under its wire name too.
      const states = TICKET_STATES.filter((s) => asked.includes(s) || asked.includes(o.wireState(s) as TicketState));
      const criteria = { states, serviceId: childText(request, 'identifiantPrestation'), from: dateOrNull(childText(request, 'dateDebut')), to: dateOrNull(childText(request, 'dateFin')) };
      if (o.paged) {
        const page = Number(childText(request, 'page') ?? '1');
        const size = Number(childText(request, 'taillePage') ?? '20');
        const { rows, total } = await searchTickets(deps.tickets, ctx.caller, criteria, { page, size }, ctx.now);
        return wrap('RechercheSignalisationsReponse', `${rows.map((r) => summaryXml(r, o)).join('')}${element('page', page)}${element('taillePage', size)}${element('nombreTotal', total)}`);
      }
      const { rows, total } = await searchTickets(deps.tickets, ctx.caller, criteria, { page: 1, size: MAX_RESULTS }, ctx.now);
      return wrap('RechercheSignalisationsReponse', `${rows.map((r) => summaryXml(r, o)).join('')}${element('resultatTronque', String(total > rows.length))}`);
    },
    ...(o.paged ? {
      async annulationSignalisation(request, ctx) {
        const state = await cancelTicket(deps.tickets, ctx.caller, ref(request), childText(request, 'motif') ?? '', ctx.now);
        return wrap('AnnulationSignalisationReponse', `${element('referenceSignalisation', ref(request))}${element('etat', o.wireState(state))}`);
      }
    } satisfies Record<string, OperationHandler> : {})
  };
}

function refusalReasonMissing(): EsavError {
  return new EsavError('ESAV_FIELD_REQUIRED', {
    params: { count: 1 },
    fields: [{ field: 'motif', rule: 'obligatoire-si:decision-refusee', message: 'Avec la décision REFUSEE, le motif est obligatoire : dites ce qui ne va toujours pas.' }]
  });
}
