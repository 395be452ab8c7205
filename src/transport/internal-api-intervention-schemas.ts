/**
 * The route schemas of the internal API's e-intervention views (issue 18 part 4), beside the ticket, network and
 * appointment ones, from the domain's own lists (states, consents, limits). As there, they document and serialize;
 * the views' actions (src/domain/e-intervention-views.ts) check the requests.
 */
import { STANDING_CONSENTS } from '../domain/e-intervention-rules.js';
import { INTERVENTION_STATES, VIEW_DEFAULT_LIMIT, VIEW_MAX_LIMIT } from '../domain/e-intervention-views.js';
import { errors, named, type JsonSchema, type RouteSchema } from './internal-api-schemas.js';

const text = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const instant = { type: 'string', format: 'date-time' } as const;
const nullable = (s: JsonSchema): JsonSchema => ({ ...s, type: [s.type, 'null'] });
const object = (properties: Record<string, JsonSchema>, description?: string): JsonSchema =>
  ({ type: 'object', required: Object.keys(properties), properties, ...(description ? { description } : {}) });
const state = { type: 'string', enum: [...INTERVENTION_STATES] } as const;
const operatorCode = { type: 'string', pattern: '^[A-Z0-9]{2,16}$' } as const;
const dateOrInstant = { type: 'string', description: 'A Paris date YYYY-MM-DD (its midnight) or an ISO 8601 instant with its offset.' } as const;
const TAGS = ['e-intervention'] as const;

const SUMMARY = named('InterventionSummary', object({
  refIntervOI: { type: 'string', examples: ['BFCF-EI-20261202-000001'] }, doOperator: text, refIntervDO: text, refPM: text, refPBO: text, nature: text, state,
  test: { type: 'integer', description: '0: the start\'s test (M2); n: the DO\'s n-th intermediate test; after M3, the end\'s.' },
  startedAt: instant, endedAt: nullable(instant), declaredAt: instant, closedAt: nullable(instant),
  operators: { type: 'integer', description: 'Operators told of it (present at the PM, the DO aside).' },
  linesCut: int, linesRestored: int, messagesPending: { type: 'integer', description: 'Messages of the OI not yet delivered.' }
}));

const RECIPIENT = named('InterventionRecipient', object({
  operator: text, standing: { type: 'string', enum: [...STANDING_CONSENTS], description: 'The OI\'s standing consent when it was declared (E2).' },
  answer: nullable(bool),
  consent: { type: 'string', enum: ['ACCORDEE', 'REFUSEE', 'EN_ATTENTE'], description: 'May the DO\'s technician repair its lines now.' },
  reportedTest: { type: 'integer', description: '-1: no report yet.' }, closedTest: bool,
  late: { type: 'boolean', description: 'The current test\'s report window has passed without its closing report (DELAI_NON_RESPECTE from then on).' }
}));

const LINE = named('InterventionLine', object({
  operator: text, refPTO: text, refPBO: text, nomModulePM: text, positionModulePM: text, positionCoupleurOC: text, fibre: text, tube: text,
  numeroSerieONT: nullable(text), serviceId: nullable(text), cutAt: instant, restoredAt: nullable(instant),
  restoredByDo: { type: 'boolean', description: 'Restored by the DO\'s technician (its report), not seen restored by the operator.' }, reportedInTest: int
}));

const MESSAGE = named('InterventionMessage', object({
  id: text, operator: text, role: { type: 'string', enum: ['OC', 'DO'] }, operation: { type: 'string', description: 'The files\' operationId.' },
  state: { type: 'string', enum: ['pending', 'delivered', 'refused'] }, attempts: int, createdAt: instant, doneAt: nullable(instant),
  lastError: nullable(text), delayMs: { type: 'integer', description: 'Written → delivered or refused; → now while pending.' }
}));

const LINKED_TICKET = object({ reference: text, operator: text, state: text });

const DETAIL = named('Intervention', object({
  refIntervOI: text, doOperator: text, refIntervDO: text, refPM: text, refPMTechnique: text, refPBO: text, refPTO: nullable(text), nature: text,
  elementReseau: nullable(text), description: nullable(text), state, test: int, testOpenedAt: instant, startedAt: instant, endedAt: nullable(instant),
  declaredAt: instant, closedAt: nullable(instant),
  deadlines: object({
    reportBy: { ...nullable(instant), description: 'The operators\' reports on the current test are accepted until then (null once closed).' },
    consentBy: {
      ...instant, description: 'An operator\'s repair answer (M5TX demandeReparation) is accepted until then; none by then under "ask" is a refusal.'
    }
  }, 'The delays the OI enforces, from ESAV_EI_REPORT_WINDOW_MS and ESAV_EI_CONSENT_WINDOW_MS.'),
  recipients: { type: 'array', items: RECIPIENT }, lines: { type: 'array', items: LINE }, messages: { type: 'array', items: MESSAGE },
  tickets: { type: 'array', items: LINKED_TICKET, description: 'Tickets filed on a line it cut, linked at filing.' }
}));

export const LIST_INTERVENTIONS: RouteSchema = {
  operationId: 'listInterventions', tags: TAGS, summary: 'The e-interventions of every DO, newest declared first, filtered and paged by the database',
  querystring: {
    type: 'object',
    properties: {
      state, pm: { type: 'string', maxLength: 50, description: 'The PM (refPM).' }, do: { ...operatorCode, description: 'The order giver.' },
      operator: { ...operatorCode, description: 'The DO or an operator told of it; an unknown code is refused, never an empty list.' },
      from: { ...dateOrInstant, description: 'Started at or after.' }, to: { ...dateOrInstant, description: 'Started before (a date: its end).' },
      limit: { type: 'integer', minimum: 1, maximum: VIEW_MAX_LIMIT, default: VIEW_DEFAULT_LIMIT },
      page: { type: 'integer', minimum: 1, default: 1, description: 'A page past the last is empty, not an error.' }
    }
  },
  response: {
    200: named('InterventionPage', object({ interventions: { type: 'array', items: SUMMARY }, total: int, page: int, limit: int, pages: int })),
    ...errors(400, 503, 500)
  }
};

export const SHOW_INTERVENTION: RouteSchema = {
  operationId: 'showIntervention', tags: TAGS,
  summary: 'One e-intervention: operators told and their consent, cut lines, messages and their delays, deadlines, linked tickets',
  params: { type: 'object', required: ['refIntervOI'], properties: { refIntervOI: text } },
  response: { 200: DETAIL, ...errors(400, 404, 503, 500) }
};
