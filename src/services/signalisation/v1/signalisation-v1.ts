/** Adapter of "signalisation" v1: service ends as text, searches truncated at 100, no cancellation. */
import type { ServiceAdapter } from '../../../soap/types.js';
import { signalisationOperations, type SignalisationDeps } from '../operations.js';
import { V1_STATE } from '../ticket-xml.js';

export const NS = 'http://esav.bfc-fibre.fr/signalisation/v1';

export function signalisationV1(deps: SignalisationDeps): ServiceAdapter {
  return { service: 'signalisation', version: 1, operations: signalisationOperations(deps, { namespace: NS, structuredEnds: false, tmf621: false, paged: false, wireState: V1_STATE }) };
}
