/**
 * The route schemas of the internal API (JSON Schema 2020-12, as OpenAPI 3.1 embeds it), built from the domain's
 * own lists and limits (states, events, freeze reasons, text lengths, page sizes) so that the document cannot drift
 * from the rules. Fastify serializes each answer with its response schema; the requests are checked by the OI's
 * ticket actions, not by these schemas (src/transport/internal-api.ts says why), so they document the same rules.
 */
import { LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT } from '../domain/oi-ticket-actions.js';
import { TEXT_MAX_LENGTH } from '../domain/free-text.js';
import { FREEZE_REASONS, TICKET_STATES, TRANSITIONS } from '../domain/ticket-lifecycle.js';
import { EQUIPMENT_KINDS, EVENT_CATEGORIES, INTERVENTION_NATURES, COMMENT_MAX } from '../domain/network-event.js';
import { NETWORK_EVENT_MOVES, NETWORK_EVENT_STATES } from '../domain/network-event-lifecycle.js';
import { internalApiErrors } from '../errors/internal-api-errors.js';
import { ticketActionRefusals } from '../errors/ticket-action-refusal.js';

export type JsonSchema = { readonly [k: string]: unknown };

/** Schemas shown once under components/schemas of the OpenAPI document and referenced where they are used. */
export const NAMED_SCHEMAS = new Map<JsonSchema, string>();
/** A schema that the OpenAPI document shows by name (components/schemas). */
export function named<S extends JsonSchema>(name: string, schema: S): S {
  NAMED_SCHEMAS.set(schema, name);
  return schema;
}

const instant = { type: 'string', format: 'date-time' } as const;
/** The schema or null (an enum then lists null too, as JSON Schema asks). */
const nullable = (s: JsonSchema): JsonSchema =>
  ({ ...s, type: [s.type, 'null'], ...(Array.isArray(s.enum) ? { enum: [...(s.enum as unknown[]), null] } : {}) });
const states = { type: 'string', enum: [...TICKET_STATES] } as const;
const freezeReasons = { type: 'string', enum: Object.keys(FREEZE_REASONS) } as const;

export const ERROR_SCHEMA = named('Error', {
  type: 'object',
  description: 'Every refusal and failure of the internal API. `error` is a ticket action refusal (src/errors/ticket-action-refusal.ts) '
    + 'or one of the API\'s own (src/errors/internal-api-errors.ts).',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', enum: [...Object.keys(ticketActionRefusals), ...Object.keys(internalApiErrors)] },
    message: { type: 'string' },
    field: { type: 'string', description: 'The request\'s field in error, when one is (text, reason).' }
  }
});

const text = { type: 'string' } as const;
const FORM_FIELD = { type: 'object', required: ['path', 'label', 'value'], properties: { path: text, label: text, value: text } };

const TICKET_PROPERTIES = {
  id: { type: 'string' }, reference: { type: 'string', examples: ['SIG-2026-0000042'] }, operatorId: { type: 'string' }, operatorCode: { type: 'string' },
  serviceId: text, offerCode: text, operatorReference: text, formId: text, formVersion: { type: 'integer' },
  formFields: { type: 'array', items: FORM_FIELD }, state: states, acceptedAt: instant, stateChangedAt: instant, closedAt: nullable(instant),
  freezeReason: nullable(freezeReasons), freezeDetail: nullable({ type: 'string' }),
  networkEvents: {
    type: 'array', items: { type: 'string', examples: ['DERCO-0000012'] },
    description: 'The planned works and network incidents the ticket was filed inside (the filing cross-check), by reference.'
  }
} as const;

export const TICKET_SCHEMA = named('Ticket', { type: 'object', required: Object.keys(TICKET_PROPERTIES), properties: TICKET_PROPERTIES });

const TRANSITION_SCHEMA = named('Transition', {
  type: 'object', required: ['from', 'to', 'at', 'actorKind', 'actor', 'reason'],
  properties: { from: nullable(states), to: states, at: instant, actorKind: { type: 'string', enum: ['oi', 'operator', 'system'] }, actor: { type: 'string' },
    reason: nullable({ type: 'string' }) }
});
const COMMENT_SCHEMA = named('Comment', {
  type: 'object', required: ['at', 'authorKind', 'author', 'text'],
  properties: { at: instant, authorKind: { type: 'string', enum: ['oi', 'operator'] }, author: { type: 'string' }, text: { type: 'string' } }
});

const TICKET_WITH_HISTORY = named('TicketWithHistory', {
  type: 'object', required: [...Object.keys(TICKET_PROPERTIES), 'transitions', 'comments', 'lineTest'],
  properties: {
    ...TICKET_PROPERTIES, transitions: { type: 'array', items: TRANSITION_SCHEMA }, comments: { type: 'array', items: COMMENT_SCHEMA },
    lineTest: nullable({
      type: 'object', required: ['reference', 'testCode', 'state', 'diagnosis', 'finishedAt', 'failureReason'],
      description: 'The line test the filing relied on (issue 17: the offer\'s prerequisite or the form\'s testPrealable); its outcome is null once the test is purged (90 days).',
      properties: { reference: { type: 'string', examples: ['TST-20261202-000042'] }, testCode: nullable(text), state: nullable(text), diagnosis: nullable(text),
        finishedAt: nullable(instant), failureReason: nullable(text) }
    })
  }
});

const TICKET_PAGE = named('TicketPage', {
  type: 'object', required: ['tickets', 'total', 'page', 'limit', 'pages'],
  properties: {
    tickets: { type: 'array', items: TICKET_SCHEMA }, total: { type: 'integer', description: 'Tickets matching the filter, on every page.' },
    page: { type: 'integer' }, limit: { type: 'integer' }, pages: { type: 'integer' }
  }
});

/** The error answers of a route, one per status, all in the one error shape. */
export const errors = (...statuses: number[]): Record<string, JsonSchema> => Object.fromEntries(statuses.map((s) => [String(s), ERROR_SCHEMA]));
const REFERENCE_PARAMS = { type: 'object', required: ['reference'], properties: { reference: { type: 'string', description: 'The ticket\'s reference.' } } };

export interface RouteSchema {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly querystring?: JsonSchema;
  readonly params?: JsonSchema;
  readonly body?: JsonSchema;
  readonly response: Readonly<Record<string, JsonSchema>>;
}

export const LIST_TICKETS: RouteSchema = {
  operationId: 'listTickets', tags: ['tickets'], summary: 'Every ticket (closed ones too), newest first, filtered and paged by the database',
  querystring: {
    type: 'object',
    properties: {
      state: states,
      operator: { type: 'string', pattern: '^[A-Z0-9]{2,16}$',
        description: 'An operator code; an unknown one is refused (UNKNOWN_OPERATOR), never an empty list.' },
      limit: { type: 'integer', minimum: 1, maximum: LIST_MAX_LIMIT, default: LIST_DEFAULT_LIMIT },
      page: { type: 'integer', minimum: 1, default: 1, description: 'A page past the last is empty, not an error.' }
    }
  },
  response: { 200: TICKET_PAGE, ...errors(400, 503, 500) }
};

export const SHOW_TICKET: RouteSchema = {
  operationId: 'showTicket', tags: ['tickets'], summary: 'One ticket with its transitions and comments',
  params: REFERENCE_PARAMS, response: { 200: TICKET_WITH_HISTORY, ...errors(404, 503, 500) }
};

export const MOVE_TICKET: RouteSchema = {
  operationId: 'moveTicket', tags: ['tickets'], summary: 'Moves a ticket through its lifecycle (DOMAIN.md S2), recorded under the agent\'s certificate CN',
  description: `A reason is required for ${Object.entries(TRANSITIONS).filter(([, r]) => r.reasonRequired).map(([e]) => e).join(', ')}; `
    + 'a freeze also needs what it awaits. The move and the agent are in the audit trail (entity ticket).',
  params: REFERENCE_PARAMS,
  body: {
    type: 'object', required: ['event'],
    properties: {
      event: { type: 'string', enum: Object.keys(TRANSITIONS) }, reason: { type: 'string', maxLength: TEXT_MAX_LENGTH.reason },
      awaiting: { ...freezeReasons, description: 'What a freeze awaits (required with event freeze).' }
    }
  },
  response: { 200: { type: 'object', required: ['state'], properties: { state: states } }, ...errors(400, 404, 409, 413, 415, 503, 500) }
};

export const COMMENT_TICKET: RouteSchema = {
  operationId: 'commentTicket', tags: ['tickets'], summary: 'Adds an OI comment (sent to the operator), recorded under the agent\'s certificate CN',
  params: REFERENCE_PARAMS,
  body: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1, maxLength: TEXT_MAX_LENGTH.comment } } },
  response: { 204: { description: 'Recorded.', type: 'null' }, ...errors(400, 404, 409, 413, 415, 503, 500) }
};

// Planned works (TP) and network incidents (DERCO), issue 15: the same actions as esav-admin network works|incidents.
const category = { type: 'string', enum: [...EVENT_CATEGORIES] } as const;
const eventState = { type: 'string', enum: [...NETWORK_EVENT_STATES] } as const;
const NETWORK_EVENT_PROPERTIES = {
  reference: { type: 'string', examples: ['DERCO-0000012'] }, category, equipmentKind: { type: 'string', enum: [...EQUIPMENT_KINDS] },
  equipmentRef: text, pmRef: text, state: eventState, nature: nullable({ type: 'string', enum: [...INTERVENTION_NATURES] }),
  start: nullable(instant), end: nullable(instant), curative: { type: 'boolean' }, interventionRequired: { type: 'boolean' },
  comments: nullable(text), oiContact: nullable(text), createdAt: instant, modifiedAt: instant, closedAt: nullable(instant)
} as const;
const NETWORK_EVENT = named('NetworkEvent', { type: 'object', required: Object.keys(NETWORK_EVENT_PROPERTIES), properties: NETWORK_EVENT_PROPERTIES });
const NETWORK_EVENT_LISTED = named('NetworkEventListed', {
  type: 'object', required: [...Object.keys(NETWORK_EVENT_PROPERTIES), 'prises', 'services'],
  properties: { ...NETWORK_EVENT_PROPERTIES, prises: { type: 'integer' }, services: { type: 'integer' } }
});
const OPERATOR_TOLD = named('OperatorTold', {
  type: 'object', required: ['operator', 'pushed', 'reason'], description: 'How an impacted operator was told of the change (notificationTravaux).',
  properties: { operator: text, pushed: { type: 'boolean' }, reason: nullable(text) }
});
const EVENT_FIELDS_BODY = {
  nature: { type: 'string', enum: [...INTERVENTION_NATURES] }, start: { ...instant, description: 'ISO 8601 with its offset.' },
  end: { ...instant, description: 'For an incident, the expected restoration.' }, curative: { type: 'boolean' },
  interventionRequired: { type: 'boolean', description: 'The operator must intervene.' }, comments: { type: 'string', maxLength: COMMENT_MAX },
  contact: { type: 'string', maxLength: 200, description: 'The OI contact (coordonneesContactOI).' }
} as const;
const EVENT_REFERENCE_PARAMS = { type: 'object', required: ['reference'], properties: { reference: { type: 'string', description: 'TP-… or DERCO-….' } } };

export const LIST_NETWORK_EVENTS: RouteSchema = {
  operationId: 'listNetworkEvents', tags: ['network'], summary: 'The open planned works and incidents (all=true: the closed ones not purged yet), newest first',
  querystring: { type: 'object', properties: { category, all: { type: 'boolean', default: false }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 } } },
  response: { 200: { type: 'object', required: ['events'], properties: { events: { type: 'array', items: NETWORK_EVENT_LISTED } } }, ...errors(400, 503, 500) }
};

export const SHOW_NETWORK_EVENT: RouteSchema = {
  operationId: 'showNetworkEvent', tags: ['network'], summary: 'A planned work or incident: its impacted prises (the first n), services per operator, tickets filed inside it',
  params: EVENT_REFERENCE_PARAMS,
  querystring: { type: 'object', properties: { first: { type: 'integer', minimum: 0, maximum: 10_000, default: 20 } } },
  response: {
    200: named('NetworkEventView', {
      type: 'object', required: ['event', 'prises', 'firstPrises', 'perOperator', 'tickets'],
      properties: {
        event: NETWORK_EVENT, prises: { type: 'integer' }, firstPrises: { type: 'array', items: text },
        perOperator: { type: 'array', items: { type: 'object', required: ['operator', 'count'], properties: { operator: text, count: { type: 'integer' } } } },
        tickets: { type: 'array', items: { type: 'object', required: ['reference', 'operator', 'state'], properties: { reference: text, operator: text, state: states } } }
      }
    }),
    ...errors(400, 404, 503, 500)
  }
};

export const DECLARE_NETWORK_EVENT: RouteSchema = {
  operationId: 'declareNetworkEvent', tags: ['network'], summary: 'Declares a planned work or incident on an element of the inventory (state NOUVEAU)',
  description: 'A TP needs its nature, start and end; a DERCO its start. The impacted prises and services are computed; every impacted operator is told '
    + '(notificationTravaux). Recorded in the audit trail under the agent\'s certificate CN.',
  body: {
    type: 'object', required: ['category', 'equipmentType', 'equipment'],
    properties: { category, equipmentType: { type: 'string', enum: [...EQUIPMENT_KINDS] }, equipment: { type: 'string', maxLength: 64 }, ...EVENT_FIELDS_BODY }
  },
  response: {
    201: { type: 'object', required: ['event', 'told'], properties: { event: NETWORK_EVENT, told: { type: 'array', items: OPERATOR_TOLD } } },
    ...errors(400, 404, 413, 415, 503, 500)
  }
};

export const MOVE_NETWORK_EVENT: RouteSchema = {
  operationId: 'moveNetworkEvent', tags: ['network'], summary: 'Updates, replans, closes or cancels a planned work or incident',
  description: 'update: fields other than the dates (MAJ); replan: a new start and/or end (REPLANIFICATION); close (CLOTURE, the end defaulting to now); '
    + 'cancel (ANNULE). On close or cancel, the tickets filed inside it and not closed get the OI\'s comment; closeTickets (close only) also closes them.',
  params: EVENT_REFERENCE_PARAMS,
  body: {
    type: 'object', required: ['move'],
    properties: { move: { type: 'string', enum: [...NETWORK_EVENT_MOVES] }, closeTickets: { type: 'boolean', default: false }, ...EVENT_FIELDS_BODY }
  },
  response: {
    200: named('NetworkEventMoved', {
      type: 'object', required: ['event', 'from', 'to', 'told', 'commented', 'closed'],
      properties: {
        event: NETWORK_EVENT, from: eventState, to: eventState, told: { type: 'array', items: OPERATOR_TOLD }, commented: { type: 'array', items: text },
        closed: {
          type: 'array', items: {
            type: 'object', required: ['reference', 'operator', 'from', 'to', 'refusal'],
            properties: { reference: text, operator: text, from: states, to: nullable(states), refusal: nullable(text) }
          }
        }
      }
    }),
    ...errors(400, 404, 409, 413, 415, 503, 500)
  }
};

export const OPENAPI_DOCUMENT: RouteSchema = {
  operationId: 'openApiDocument', tags: ['meta'], summary: 'This document (OpenAPI 3.1)',
  response: { 200: { type: 'object', additionalProperties: true } }
};
