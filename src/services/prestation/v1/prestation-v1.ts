/**
 * Adapter of the "prestation" service, version 1: wire XML ⇄ domain (ARCHITECTURE.md §1). The request has been
 * validated against xsd/prestation/v1/prestation.xsd before it reaches this code.
 */
import { readService, type Address, type RentedService, type ServiceEnd, type ServiceRepository } from '../../../domain/service-inventory.js';
import type { OperationContext, OperationResult, ServiceAdapter } from '../../../soap/types.js';
import { element, optionalElement } from '../../../xml/escape.js';
import { childText, type XmlTreeElement } from '../../../xml/element-tree.js';

export const NS = 'http://esav.bfc-fibre.fr/prestation/v1';

const STATE: Record<RentedService['state'], string> = { active: 'EN_SERVICE', terminated: 'RESILIEE', archived: 'RESILIEE' };

function addressXml(a: Address): string {
  return `<adresse>${optionalElement('numeroVoie', a.streetNumber)}${element('voie', a.street)}${optionalElement('complement', a.complement)}${element('codePostal', a.postcode)}${element('commune', a.city)}${optionalElement('codeInsee', a.inseeCode)}</adresse>`;
}

function endXml(name: string, e: ServiceEnd): string {
  return `<${name}>${element('libelle', e.label)}${addressXml(e.address)}${optionalElement('referencePM', e.pmRef)}${optionalElement('referencePBO', e.pboRef)}${optionalElement('referencePTO', e.ptoRef)}</${name}>`;
}

export function prestationXml(s: RentedService): string {
  const guarantees = s.guarantees.map((g) =>
    `<garantie>${element('type', g.kind)}${element('libelle', g.label)}${optionalElement('delaiRetablissementHeures', g.restorationHours)}${optionalElement('plageHoraire', g.hours)}</garantie>`).join('');
  return `<prestation>${element('identifiantPrestation', s.serviceId)}<offre>${element('code', s.offer.code)}${element('libelle', s.offer.label)}</offre>${element('etat', STATE[s.state])}${element('dateMiseEnService', s.activatedOn)}${endXml('extremiteA', s.endA)}${endXml('extremiteZ', s.endZ)}${optionalElement('informationsComplementaires', s.complementaryInfo)}${guarantees}</prestation>`;
}

export function prestationV1(repo: ServiceRepository): ServiceAdapter {
  return {
    service: 'prestation',
    version: 1,
    operations: {
      async consultationPrestation(request: XmlTreeElement, ctx: OperationContext): Promise<OperationResult> {
        const service = await readService(repo, ctx.caller, childText(request, 'identifiantPrestation') ?? '');
        return { body: `<ConsultationPrestationReponse xmlns="${NS}">${prestationXml(service)}</ConsultationPrestationReponse>` };
      }
    }
  };
}
