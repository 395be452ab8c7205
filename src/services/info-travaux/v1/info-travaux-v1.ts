/**
 * Adapter of the "info-travaux" service, version 1: Interop'Fibre's getInfoTravauxFTTH (issue 15 part 3), wire XML
 * ⇄ the operator's view of planned works and incidents (VisibleNetworkEvent). The request (body and its
 * InfoTravauxFTTHHeader) has been validated against xsd/info-travaux/v1/info-travaux.xsd before it reaches this
 * code. Every criterion is optional and they combine; an operator sees only the events touching its own services
 * or PM prestations, and only its own references in the impacted lists (A6, done by the store's query).
 */
import type { Caller } from '../../../domain/identity.js';
import { parisOffsetMinutes } from '../../../domain/calendar.js';
import { isCategory, type NetworkEventFilter, type Period, type VisibleNetworkEvent } from '../../../domain/network-event.js';
import { NETWORK_EVENT_STATES, type NetworkEventState } from '../../../domain/network-event-lifecycle.js';
import { EsavError } from '../../../errors/esav-error.js';
import type { OperationContext, OperationResult, ServiceAdapter } from '../../../soap/types.js';
import { escapeAttribute, element, optionalElement } from '../../../xml/escape.js';
import { childElement, childText, childTexts, type XmlTreeElement } from '../../../xml/element-tree.js';
import { infoFtthErrorDialect, NS } from './fault-codes.js';

/** What the adapter needs of the store: the operator's view, and what identifies an operator in the header. */
export interface InfoTravauxPorts {
  visibleEvents(operatorId: string, filter: NetworkEventFilter, limit: number): Promise<VisibleNetworkEvent[]>;
  /** The values that name this operator in InfoTravauxFTTHHeader/serviceProviderID: its code and its SIREN. */
  callerIdentifiers(caller: Caller): Promise<readonly string[]>;
}

/** The most events one answer carries; the contract has no paging, so a larger answer asks for narrower criteria. */
export const MAX_EVENTS = 1000;

const HEADER = 'InfoTravauxFTTHHeader';
/**
 * The header field that names the caller, checked against its certificate (issue 15: "a serviceProviderID that is
 * not the caller's is refused"). Interop'Fibre's presentation of the flow (v2.6) describes the fields the other way
 * round (supplierID: the OC's SIREN, serviceProviderID: the OI's); README "Planned works and incidents: the
 * infoTravaux web service" says so. The other field is not checked (this gateway speaks for one OI).
 */
const CALLER_FIELD: 'serviceProviderID' | 'supplierID' = 'serviceProviderID';
const yesNo = (b: boolean): string => (b ? 'OUI' : 'NON');

/**
 * A wire xsd:dateTime as an instant. Interop'Fibre writes them without an offset ("aaaa-mm-jjThh:mm:ss"): such a
 * value is a Paris wall-clock time (ARCHITECTURE.md §5), daylight saving included; with an offset or Z it is exact.
 */
export function wireInstant(text: string): Date {
  if (/(Z|[+-]\d{2}:\d{2})$/.test(text)) return new Date(text);
  const asUtc = new Date(`${text}Z`).getTime();
  const offset = parisOffsetMinutes(new Date(asUtc - 60 * 60_000));
  const guess = asUtc - offset * 60_000;
  const check = parisOffsetMinutes(new Date(guess));
  return new Date(check === offset ? guess : asUtc - check * 60_000);
}

function period(request: XmlTreeElement, local: string): Period | undefined {
  const p = childElement(request, local);
  if (!p) return undefined;
  return { from: wireInstant(childText(p, 'dateDebutRecherche') ?? ''), to: wireInstant(childText(p, 'dateFinRecherche') ?? '') };
}

/** The criteria of getInfoTravauxFTTHRequest as the store's filter; an absent criterion is no filter. */
export function filterOf(request: XmlTreeElement): NetworkEventFilter {
  const text = (local: string): string | undefined => childText(request, local) ?? undefined;
  const category = text('type');
  const state = text('etat');
  const intervention = text('interventionRequiseOC');
  const pm = childElement(request, 'referencePrestationPm');
  const f: { -readonly [K in keyof NetworkEventFilter]: NetworkEventFilter[K] } = {};
  if (text('referenceTPDERCO') !== undefined) f.reference = text('referenceTPDERCO');
  if (category !== undefined && isCategory(category)) f.category = category;
  if (pm) f.pmPrestations = childTexts(pm, 'prestationPm');
  const created = period(request, 'dateCreation');
  const start = period(request, 'dateDebutTravaux');
  const end = period(request, 'dateFinTravaux');
  if (created) f.created = created;
  if (start) f.start = start;
  if (end) f.end = end;
  if (intervention !== undefined) f.interventionRequired = intervention === 'OUI';
  if (state !== undefined && (NETWORK_EVENT_STATES as readonly string[]).includes(state)) f.state = state as NetworkEventState;
  if (text('referencePriseImpactee') !== undefined) f.impactedPrise = text('referencePriseImpactee');
  if (text('referencePrestationPriseImpactee') !== undefined) f.impactedService = text('referencePrestationPriseImpactee');
  return f;
}

const list = (outer: string, inner: string, values: readonly (string | null)[]): string => {
  const present = values.filter((v): v is string => v !== null);
  return present.length === 0 ? '' : `<${outer}>${present.map((v) => element(inner, v)).join('')}</${outer}>`;
};

/** One typeTravaux, its elements in the contract's order; serviceProviderID as the caller's header gave it. */
export function travauxXml(e: VisibleNetworkEvent, serviceProviderId: string): string {
  return `<travaux reference="${escapeAttribute(e.reference)}" serviceProviderID="${escapeAttribute(serviceProviderId)}">` +
    `${element('type', e.category)}${element('equipementConcerne', e.equipmentKind)}${element('referencePm', e.pmRef)}` +
    `${element('referencePrestationPm', e.pmPrestations[0] ?? '')}${element('dateModification', e.modifiedAt.toISOString())}` +
    `${element('interventionRequiseOC', yesNo(e.interventionRequired))}${optionalElement('dateDebutTravaux', e.start?.toISOString())}` +
    `${optionalElement('dateFinTravaux', e.end?.toISOString())}${element('travauxCuratifs', yesNo(e.curative))}` +
    `${optionalElement('natureIntervention', e.nature)}${element('etat', e.state)}${list('referencePBO', 'PBO', [e.pboRef])}` +
    `${list('referencePmTechnique', 'PMT', [e.pmtRef])}${optionalElement('commentairesIntervention', e.comments)}` +
    `${optionalElement('coordonneesContactOI', e.oiContact)}${list('identifiantImmeuble', 'immeuble', e.buildings)}` +
    `${list('referencePriseImpactees', 'prise', e.impactedPrises)}${list('referencePrestationPriseImpactees', 'prestation', e.impactedServices)}</travaux>`;
}

/**
 * The header, mandatory in Interop'Fibre's description of the flow: the qualified element our WSDL declares (an
 * unqualified one, as Interop'Fibre's example writes it, is refused by the envelope's schema: SOAP 1.1 §4.2). Its
 * CALLER_FIELD must name the caller: its operator code or its SIREN. Answers the serviceProviderID given, which each
 * travaux's attribute repeats.
 */
async function checkHeader(ctx: OperationContext, ports: InfoTravauxPorts): Promise<string> {
  const header = ctx.headers.find((h) => h.name === HEADER && h.namespace === NS);
  if (!header) throw new EsavError('ESAV_CALLER_HEADER_MISMATCH', { params: { header: HEADER, why: 'est absente : elle est obligatoire' } });
  const named = childText(header, CALLER_FIELD) ?? '';
  if (named !== ctx.caller.operator.code && !(await ports.callerIdentifiers(ctx.caller)).includes(named)) {
    throw new EsavError('ESAV_CALLER_HEADER_MISMATCH', {
      params: { header: HEADER, why: `désigne dans ${CALLER_FIELD} « ${named} », qui n'est pas l'opérateur du certificat client (son code ou son SIREN)` }
    });
  }
  return childText(header, 'serviceProviderID') ?? '';
}

export function infoTravauxV1(ports: InfoTravauxPorts): ServiceAdapter {
  return {
    service: 'info-travaux',
    version: 1,
    faults: infoFtthErrorDialect,
    operations: {
      async getInfoTravauxFTTH(request: XmlTreeElement, ctx: OperationContext): Promise<OperationResult> {
        const provider = await checkHeader(ctx, ports);
        const events = await ports.visibleEvents(ctx.caller.operator.id, filterOf(request), MAX_EVENTS + 1);
        if (events.length > MAX_EVENTS) {
          throw new EsavError('ESAV_TOO_MANY_RESULTS', {
            params: { limit: MAX_EVENTS, what: 'travaux ou incidents', criteria: 'type, etat, dateCreation, dateDebutTravaux, referencePrestationPm…' }
          });
        }
        const travaux = events.map((e) => travauxXml(e, provider)).join('');
        // listeTravaux is "mandatory when there is at least one travaux" (Interop'Fibre's description): absent otherwise.
        const liste = travaux === '' ? '' : `<listeTravaux>${travaux}</listeTravaux>`;
        return { body: `<v1:getInfoTravauxFTTHResponse xmlns:v1="${NS}">${liste}</v1:getInfoTravauxFTTHResponse>` };
      }
    }
  };
}
