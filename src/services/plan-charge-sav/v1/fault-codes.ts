/**
 * How planChargeSav v1 writes its faults: Interop'Fibre's InfoErreurType (codeErreur xs:int, messageErreur), with the
 * EnteteType header on every answer, faults included (issue 16). The original WSDL documents no code: the integer
 * codes below are ours, published in docs/fault-codes-plan-charge-sav.md beside our fault catalogue (docs/faults.md),
 * 14 for the maintenance window as in infoTravaux. A code, once published, keeps its meaning.
 */
import { element } from '../../../xml/escape.js';
import { childText, type XmlTreeElement } from '../../../xml/element-tree.js';
import type { FaultDialect } from '../../../soap/types.js';

export const NS = 'http://interop-fibre.fr';
export const HEADER = 'EnteteType';

/** Our wire codes (DetailErreur/code, docs/faults.md) to codeErreur; `default` for every other one. */
export const PLAN_CHARGE_CODES = Object.freeze({
  MESSAGE_NON_CONFORME: 10,
  ENTETE_APPELANT_INCORRECTE: 11,
  AUTHENTIFICATION_REFUSEE: 12,
  LIMITE_DEPASSEE: 13,
  SERVICE_EN_MAINTENANCE: 14,
  SERVICE_INDISPONIBLE: 15,
  RECHERCHE_CRENEAUX_FERMEE: 20,
  COMMUNE_NON_DESSERVIE: 21,
  PERIODE_RECHERCHE_INVALIDE: 22,
  CRENEAU_INCONNU: 30,
  CRENEAU_PERIME: 31,
  CRENEAU_COMPLET: 32,
  RESSOURCE_INCONNUE: 40,
  TRANSITION_RDV_INTERDITE: 41,
  DELAI_RDV_DEPASSE: 42,
  default: 99
});

export const header = (headers: readonly XmlTreeElement[]): XmlTreeElement | undefined =>
  headers.find((h) => h.name === HEADER && h.namespace === NS);

/**
 * The EnteteType of an answer: the request's versionWS, horodatageRequete and sirenOC (the caller's, checked before any
 * operation runs), horodatageReponse set by us, sirenOI ours. A call refused before its header was read gets
 * horodatageRequete = horodatageReponse and an empty sirenOC (the element is mandatory).
 */
export function responseHeader(request: readonly XmlTreeElement[], now: Date, oiSiren: string): string {
  const h = header(request);
  const at = now.toISOString();
  return `<tns:${HEADER} xmlns:tns="${NS}">${element('versionWS', (h && childText(h, 'versionWS')) || '1.0')}` +
    `${element('horodatageRequete', (h && childText(h, 'horodatageRequete')) || at)}${element('horodatageReponse', at)}` +
    `${element('sirenOC', (h && childText(h, 'sirenOC')) ?? '')}${element('sirenOI', oiSiren)}</tns:${HEADER}>`;
}

export function infoErreurDialect(oiSiren: string): FaultDialect {
  return {
    element: { namespace: NS, name: 'InfoErreurType' },
    unqualifiedChildren: true,
    codeElement: 'codeErreur',
    messageElement: 'messageErreur',
    codes: PLAN_CHARGE_CODES,
    faultHeaders: (ctx) => [responseHeader(ctx.requestHeaders, ctx.now, oiSiren)]
  };
}
