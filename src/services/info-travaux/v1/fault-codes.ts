/**
 * How infoTravaux v1 writes its faults: Interop'Fibre's infoFtthError (codeRetour, messageRetour), as data
 * (ARCHITECTURE.md §4: the fault writer writes every fault; this says which element and which codes).
 *
 * The codes. The original WSDL documents none; the Interop'Fibre presentation of the flow ("Présentation Flux
 * Prévenance Travaux Derco SAV FTTH", before-interop/infoTravauxFTTH) shows one, 14 "SI EN MAINTENANCE", and refers
 * every other code to a document it does not publish ("Harmonisation des codes de retour": the generic codes and
 * the codes 200-299 of this web service). So: 14 for our SERVICE_EN_MAINTENANCE (M1 nightly window, M2 planned
 * maintenance), and one default for every other code, whose messageRetour is our message (with our wire code's
 * meaning; the HTTP status and Retry-After stay ours). A code of the harmonisation document, once obtained, is one
 * more line here.
 */
import type { FaultDialect } from '../../../soap/types.js';

export const NS = 'http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0';

/** Our wire codes (DetailErreur/code, docs/faults.md) to codeRetour. */
export const INFO_FTTH_CODES = Object.freeze({
  SERVICE_EN_MAINTENANCE: 14,
  default: 99
});

export const infoFtthErrorDialect: FaultDialect = {
  element: { namespace: NS, name: 'infoFtthError' },
  unqualifiedChildren: true,
  codeElement: 'codeRetour',
  messageElement: 'messageRetour',
  codes: INFO_FTTH_CODES
};
