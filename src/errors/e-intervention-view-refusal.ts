/**
 * Why a read of the e-intervention hub is refused, whichever way in asked (esav-admin interventions, the internal
 * API): its kind is mapped once by each (an AdminError code, an HTTP status).
 */
import { CodedError } from './coded-error.js';

export type InterventionViewRefusalKind = 'invalid' | 'not-found';

export class InterventionViewRefusal extends CodedError<'ESAV_E_INTERVENTION_VIEW_REFUSED'> {
  constructor(message: string, readonly kind: InterventionViewRefusalKind, readonly field?: string) {
    super('ESAV_E_INTERVENTION_VIEW_REFUSED', message);
  }
}

export function isInterventionViewRefusal(e: unknown): e is InterventionViewRefusal {
  return e instanceof InterventionViewRefusal;
}
