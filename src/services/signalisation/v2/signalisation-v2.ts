/** Adapter of "signalisation" v2 (a major evolution): structured service ends, TMF621 state, paged searches, cancellation. */
import type { ServiceAdapter } from '../../../soap/types.js';
import { signalisationOperations, type SignalisationDeps } from '../operations.js';
import { SAME_STATE } from '../ticket-xml.js';

export const NS = 'http://esav.bfc-fibre.fr/signalisation/v2';

export function signalisationV2(deps: SignalisationDeps): ServiceAdapter {
  return { service: 'signalisation', version: 2, operations: signalisationOperations(deps, { namespace: NS, structuredEnds: true, tmf621: true, paged: true, wireState: SAME_STATE }) };
}
