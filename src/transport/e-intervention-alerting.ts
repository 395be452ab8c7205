/**
 * E3, the "Lot 1" alerting (issue 18 part 4; DOMAIN.md E3): an operator asks which interventions impacted its
 * customers over a period. The E-Intervention files define no such read (their flows are pushes), so it is served
 * beside them under the same prefix and the same guard (certificate → operator, profile right
 * "e-intervention.consulterImpactsClientsOC"), as GET /e-intervention/v2/esav/impacts-clients?debut=…&fin=…, its
 * query and answer checked against the schemas below (documented in the README) and its refusals in the files' 400
 * shape. Only the caller's own lines are read: another operator's impacts are indistinguishable from none.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Clock } from '../domain/clock.js';
import { E3_OPERATION, IMPACTS_MAX_DAYS, type InterventionViews } from '../domain/e-intervention-views.js';
import { isInterventionViewRefusal } from '../errors/e-intervention-view-refusal.js';

export const ALERTING_PATH = '/esav/impacts-clients';
const dateOrInstant = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$' } as const;
const instant = { type: 'string', format: 'date-time' } as const;
const nullableInstant = { type: ['string', 'null'], format: 'date-time' } as const;

export const ALERTING_SCHEMAS = Object.freeze({
  query: {
    type: 'object', additionalProperties: false,
    properties: {
      debut: { ...dateOrInstant, description: 'Lines cut at or after (a Paris date: its midnight). Default: a day before fin.' },
      fin: { ...dateOrInstant, description: `Lines cut before (a Paris date: its end). Default: now. ${IMPACTS_MAX_DAYS} days at most from debut.` }
    }
  },
  answer: {
    type: 'object', additionalProperties: false, required: ['codeOC', 'debut', 'fin', 'interventions'],
    properties: {
      codeOC: { type: 'string' }, debut: instant, fin: instant,
      interventions: {
        type: 'array',
        items: {
          type: 'object', additionalProperties: false,
          required: ['refIntervOI', 'pointMutualisation', 'nature', 'etat', 'dateDebutIntervention', 'dateFinIntervention', 'dateCompteRendu', 'lignes'],
          properties: {
            refIntervOI: { type: 'string' }, nature: { type: 'string' }, etat: { type: 'string', enum: ['EN_COURS', 'TERMINEE', 'CLOTUREE'] },
            pointMutualisation: {
              type: 'object', additionalProperties: false, required: ['refPM', 'refPMTechnique'],
              properties: { refPM: { type: 'string' }, refPMTechnique: { type: 'string' } }
            },
            dateDebutIntervention: instant, dateFinIntervention: nullableInstant, dateCompteRendu: nullableInstant,
            lignes: {
              type: 'array', minItems: 1,
              items: {
                type: 'object', additionalProperties: false,
                required: ['refPTO', 'refPBO', 'referencePrestationPrise', 'dateCoupure', 'dateRetablissement', 'retablieParDO'],
                properties: {
                  refPTO: { type: 'string' }, refPBO: { type: 'string' }, referencePrestationPrise: { type: ['string', 'null'] }, dateCoupure: instant,
                  dateRetablissement: nullableInstant, retablieParDO: { type: 'boolean' }
                }
              }
            }
          }
        }
      }
    }
  },
  error: {
    type: 'object', additionalProperties: false, required: ['error'],
    properties: {
      error: { type: 'string', enum: ['MAUVAIS_FORMAT'] }, error_description: { type: 'string', maxLength: 256 },
      error_parameters: { type: 'array', items: { type: 'string', maxLength: 64 } }
    }
  }
});

export interface AlertingRouteOptions {
  readonly views: Pick<InterventionViews, 'impacts'>;
  readonly clock: Clock;
  /** The e-intervention routes' guard for an operation: authenticates and authorises, or answers. */
  readonly guard: (operationId: string) => (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** The caller the guard let in. */
  readonly callerOf: (request: FastifyRequest) => string;
}

function compiled(): { request: ValidateFunction; answer: ValidateFunction; error: ValidateFunction } {
  const ajv = new Ajv({ allErrors: true, strict: false });
  (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
  return { request: ajv.compile(ALERTING_SCHEMAS.query), answer: ajv.compile(ALERTING_SCHEMAS.answer), error: ajv.compile(ALERTING_SCHEMAS.error) };
}

export function alertingRoute(app: FastifyInstance, o: AlertingRouteOptions): void {
  const v = compiled();
  const refuse = (reply: FastifyReply, field: string, description: string): FastifyReply =>
    reply.code(400).header('x-request-id', reply.request.id)
      .send({ error: 'MAUVAIS_FORMAT', error_description: description.slice(0, 256), error_parameters: [field.slice(0, 64)] });
  app.route({
    method: 'GET', url: ALERTING_PATH, onRequest: o.guard(E3_OPERATION),
    handler: async (request, reply) => {
      const query = { ...(request.query as Record<string, unknown>) };
      if (!v.request(query)) {
        const e = v.request.errors![0]!;
        const field = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : e.instancePath.slice(1);
        return refuse(reply, field, e.keyword === 'additionalProperties' ? 'paramètre inconnu (debut, fin)' : 'une date AAAA-MM-JJ ou un instant ISO 8601');
      }
      const operator = o.callerOf(request);
      let found;
      try {
        found = await o.views.impacts(operator, query, o.clock.now());
      } catch (e) {
        if (isInterventionViewRefusal(e)) return refuse(reply, e.field === 'debut' || e.field === 'from' ? 'debut' : 'fin', e.message);
        throw e;
      }
      const body = {
        codeOC: operator, debut: found.from.toISOString(), fin: found.to.toISOString(),
        interventions: found.interventions.map((i) => ({
          refIntervOI: i.refIntervOI, pointMutualisation: { refPM: i.refPM, refPMTechnique: i.refPMTechnique }, nature: i.nature, etat: i.state,
          dateDebutIntervention: i.startedAt.toISOString(), dateFinIntervention: i.endedAt?.toISOString() ?? null,
          dateCompteRendu: i.closedAt?.toISOString() ?? null,
          lignes: i.lines.map((l) => ({
            refPTO: l.refPTO, refPBO: l.refPBO, referencePrestationPrise: l.serviceId, dateCoupure: l.cutAt, dateRetablissement: l.restoredAt,
            retablieParDO: l.restoredByDo
          }))
        }))
      };
      // Our answer is checked as the files' are: a defect shows here, not at the operator's.
      if (!v.answer(body)) {
        request.log.error({ operation: E3_OPERATION, problems: v.answer.errors }, 'e-intervention answer does not match its schema');
        return reply.code(500).send({ error: 'server_error', error_description: 'erreur interne de la passerelle' });
      }
      request.log.info({ operator, operation: E3_OPERATION, status: 200, interventions: body.interventions.length }, 'e-intervention');
      return reply.code(200).header('x-request-id', request.id).send(body);
    }
  });
}
