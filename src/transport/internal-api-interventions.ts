/**
 * The internal API's e-intervention views (issue 18 part 4: "the OI sees interventions, their impacts and their
 * delays with esav-admin interventions … and the internal API"). Both routes call the views' actions
 * (src/domain/e-intervention-views.ts), as esav-admin interventions list|show does, so that both refuse the same
 * things in the same words; their refusal becomes the API's one error shape in interventionRefusal, which the API's
 * one error handler calls. Reads only: nothing is audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../domain/clock.js';
import type { InterventionViews } from '../domain/e-intervention-views.js';
import { isInterventionViewRefusal } from '../errors/e-intervention-view-refusal.js';
import { LIST_INTERVENTIONS, SHOW_INTERVENTION } from './internal-api-intervention-schemas.js';

export type InternalInterventionPort = Pick<InterventionViews, 'list' | 'show'>;

export interface InterventionRefusalAnswer {
  readonly status: 400 | 404;
  readonly body: { readonly error: 'INTERVENTION_INVALID' | 'INTERVENTION_NOT_FOUND'; readonly message: string; readonly field?: string };
}

/** A view's refusal as the API's answer, or null for any other error. */
export function interventionRefusal(error: unknown): InterventionRefusalAnswer | null {
  if (!isInterventionViewRefusal(error)) return null;
  const notFound = error.kind === 'not-found';
  return {
    status: notFound ? 404 : 400,
    body: { error: notFound ? 'INTERVENTION_NOT_FOUND' : 'INTERVENTION_INVALID', message: error.message, ...(error.field ? { field: error.field } : {}) }
  };
}

export function interventionRoutes(api: FastifyInstance, views: InternalInterventionPort, clock: Clock): void {
  api.get('/interventions', { schema: LIST_INTERVENTIONS }, async (request: FastifyRequest) =>
    views.list((request.query ?? {}) as Record<string, unknown>));
  api.get('/interventions/:refIntervOI', { schema: SHOW_INTERVENTION }, async (request: FastifyRequest) =>
    views.show((request.params as { refIntervOI: string }).refIntervOI, clock.now()));
}
