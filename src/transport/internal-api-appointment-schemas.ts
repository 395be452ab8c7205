/**
 * The route schemas of the internal API's appointment routes (issue 16 parts 1 and 5: the capacity plan and the
 * outcomes), beside the ticket and network ones (internal-api-schemas.ts), from the domain's own lists (kinds,
 * states, outcomes, the list's limit). As there, they document and serialize; the plan's actions check the requests.
 */
import { LIST_LIMIT, OUTCOME_NAMES } from '../domain/appointment-plan-actions.js';
import { DEFAULT_GRID } from '../domain/appointment-slots.js';
import { APPOINTMENT_KINDS, APPOINTMENT_STATES } from '../domain/appointments.js';
import { errors, named, type JsonSchema, type RouteSchema } from './internal-api-schemas.js';

const text = { type: 'string' } as const;
const instant = { type: 'string', format: 'date-time' } as const;
/** The schema or null (an enum then lists null too, as JSON Schema asks). */
const nullable = (s: JsonSchema): JsonSchema =>
  ({ ...s, type: [s.type, 'null'], ...(Array.isArray(s.enum) ? { enum: [...(s.enum as unknown[]), null] } : {}) });
const kind = { type: 'string', enum: [...APPOINTMENT_KINDS] } as const;
const state = { type: 'string', enum: [...APPOINTMENT_STATES] } as const;
const parisDate = { type: 'string', format: 'date', description: 'A Paris date, YYYY-MM-DD.' } as const;
const zoneCode = { type: 'string', pattern: '^[A-Z0-9][A-Z0-9_-]{0,31}$', description: 'The zone\'s code.' } as const;
const TAGS = ['appointments'] as const;

const ZONE = named('AppointmentZone', {
  type: 'object', required: ['code', 'label', 'communes', 'kinds'],
  properties: {
    code: text, label: text, communes: { type: 'array', items: { type: 'string', examples: ['21231'] }, description: 'INSEE codes.' },
    kinds: { type: 'array', items: kind, description: 'The kinds the zone has a slot grid for.' }
  }
});

const GRID_FIELDS = {
  days: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 }, description: 'ISO weekdays (also "1-5" or "1,2,3" in a request).' },
  start: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'The first slot, Paris time.' },
  slotMinutes: { type: 'integer', minimum: 0, maximum: 720 }, slots: { type: 'integer', minimum: 0, maximum: 48, description: 'Slots per day.' },
  technicians: { type: 'integer', minimum: 0, maximum: 1000, description: 'The capacity of each slot.' },
  holidays: { type: 'boolean', default: false, description: 'Also on French public holidays.' }
} as const;

const GRID = named('AppointmentGrid', {
  type: 'object', required: ['zone', 'kind', ...Object.keys(GRID_FIELDS)], properties: { zone: text, kind, ...GRID_FIELDS }
});

const SLOT = named('AppointmentSlot', {
  type: 'object', required: ['kind', 'start', 'end', 'capacity', 'booked', 'free', 'closed'],
  properties: {
    kind, start: instant, end: instant, capacity: { type: 'integer' }, booked: { type: 'integer' },
    free: { type: 'integer', description: 'capacity − booked; 0 when closed.' }, closed: { type: 'boolean' }
  }
});

const APPOINTMENT_PROPERTIES = {
  reference: { type: 'string', examples: ['RDV-2026-0000001'] }, operatorCode: text, kind, state, zoneCode: text, inseeCode: text,
  marketSegment: nullable(text), slotStart: instant, slotEnd: instant, ticketReference: nullable(text),
  outcomeNote: nullable({ type: 'string', description: 'What the OI wrote with the outcome.' }), createdAt: instant, stateChangedAt: instant
} as const;
const APPOINTMENT = named('Appointment', { type: 'object', required: Object.keys(APPOINTMENT_PROPERTIES), properties: APPOINTMENT_PROPERTIES });

const APPOINTMENT_TRANSITION = named('AppointmentTransition', {
  type: 'object', required: ['event', 'from', 'to', 'fromSlotStart', 'toSlotStart', 'at', 'actorKind', 'actor', 'reason'],
  properties: {
    event: text, from: nullable(state), to: state, fromSlotStart: nullable(instant), toSlotStart: nullable(instant), at: instant,
    actorKind: text, actor: text, reason: nullable(text)
  }
});

const ZONE_PARAMS = { type: 'object', required: ['zone'], properties: { zone: zoneCode } };
const REFERENCE_PARAMS = { type: 'object', required: ['reference'], properties: { reference: { type: 'string', description: 'RDV-YYYY-NNNNNNN.' } } };
const READ_ERRORS = errors(400, 404, 503, 500);
const WRITE_ERRORS = errors(400, 404, 409, 413, 415, 503, 500);

export const LIST_ZONES: RouteSchema = {
  operationId: 'listAppointmentZones', tags: TAGS, summary: 'The intervention zones, their communes and the kinds they have a grid for',
  response: { 200: { type: 'object', required: ['zones'], properties: { zones: { type: 'array', items: ZONE } } }, ...errors(503, 500) }
};

export const DEFINE_ZONE: RouteSchema = {
  operationId: 'defineAppointmentZone', tags: TAGS, summary: 'Creates a zone, or renames it and adds communes to it (a commune is in one zone at most)',
  description: `A new zone gets the default grid of each kind (${DEFAULT_GRID.map((r) => r.kind).join(', ')}). Audited (entity appointment_plan).`,
  params: ZONE_PARAMS,
  body: {
    type: 'object', required: ['label', 'communes'],
    properties: { label: { type: 'string', maxLength: 200 }, communes: { type: 'array', items: { type: 'string', pattern: '^[0-9][0-9AB][0-9]{3}$' }, minItems: 1 } }
  },
  response: { 200: ZONE, ...WRITE_ERRORS }
};

export const SET_GRID: RouteSchema = {
  operationId: 'setAppointmentGrid', tags: TAGS, summary: 'Sets a zone\'s slot grid of one kind (slots not made yet follow it; made ones keep their capacity)',
  description: 'Audited (entity appointment_plan).',
  params: { type: 'object', required: ['zone', 'kind'], properties: { zone: zoneCode, kind } },
  body: { type: 'object', required: ['start', 'slotMinutes', 'slots', 'technicians'], properties: { ...GRID_FIELDS, days: { ...GRID_FIELDS.days, default: [1, 2, 3, 4, 5] } } },
  response: { 200: GRID, ...WRITE_ERRORS }
};

export const SET_CAPACITY: RouteSchema = {
  operationId: 'setAppointmentCapacity', tags: TAGS, summary: 'Sets the capacity of a day\'s slots of one kind in a zone (refused below what is booked)',
  description: 'Audited (entity appointment_plan).',
  params: ZONE_PARAMS,
  body: { type: 'object', required: ['kind', 'date', 'technicians'], properties: { kind, date: parisDate, technicians: GRID_FIELDS.technicians } },
  response: { 200: { type: 'object', required: ['slots'], properties: { slots: { type: 'integer', description: 'The slots set.' } } }, ...WRITE_ERRORS }
};

export const ZONE_SLOTS: RouteSchema = {
  operationId: 'listAppointmentSlots', tags: TAGS, summary: 'A zone\'s slots of one kind over Paris dates, with their free capacity (made from the grid first)',
  params: ZONE_PARAMS,
  querystring: { type: 'object', required: ['kind', 'from'], properties: { kind, from: parisDate, to: { ...parisDate, description: 'Default: from.' } } },
  response: { 200: { type: 'object', required: ['slots'], properties: { slots: { type: 'array', items: SLOT } } }, ...READ_ERRORS }
};

export const ADD_CLOSURE: RouteSchema = {
  operationId: 'closeAppointmentDay', tags: TAGS, summary: 'Closes a day, in one zone or in every zone: its slots take no more bookings (booked ones stand)',
  description: 'Audited (entity appointment_plan).',
  body: { type: 'object', required: ['date', 'reason'], properties: { zone: { ...zoneCode, description: 'Default: every zone.' }, date: parisDate, reason: { type: 'string', maxLength: 200 } } },
  response: {
    201: { type: 'object', description: 'Closed.', required: ['slotsClosed'], properties: { slotsClosed: { type: 'integer', description: 'Slots already made, now closed.' } } },
    ...WRITE_ERRORS
  }
};

export const REMOVE_CLOSURE: RouteSchema = {
  operationId: 'reopenAppointmentDay', tags: TAGS, summary: 'Removes a closure (of one zone, or the one of every zone)',
  description: 'Audited (entity appointment_plan).',
  params: { type: 'object', required: ['date'], properties: { date: parisDate } },
  querystring: { type: 'object', properties: { zone: { ...zoneCode, description: 'Default: the closure of every zone.' } } },
  response: { 204: { description: 'Reopened.', type: 'null' }, ...errors(400, 404, 503, 500) }
};

export const LIST_APPOINTMENTS: RouteSchema = {
  operationId: 'listAppointments', tags: TAGS, summary: `Appointments of every operator by slot start, ${LIST_LIMIT} at most, filtered`,
  querystring: {
    type: 'object',
    properties: {
      operator: { type: 'string', pattern: '^[A-Z0-9]{2,16}$' }, zone: zoneCode, state,
      from: { ...parisDate, description: 'First Paris date of the slots.' }, to: { ...parisDate, description: 'Last Paris date of the slots.' }
    }
  },
  response: { 200: { type: 'object', required: ['appointments'], properties: { appointments: { type: 'array', items: APPOINTMENT } } }, ...errors(400, 503, 500) }
};

export const SHOW_APPOINTMENT: RouteSchema = {
  operationId: 'showAppointment', tags: TAGS, summary: 'One appointment of any operator with its transitions',
  params: REFERENCE_PARAMS,
  response: {
    200: named('AppointmentWithHistory', {
      type: 'object', required: [...Object.keys(APPOINTMENT_PROPERTIES), 'transitions'],
      properties: { ...APPOINTMENT_PROPERTIES, transitions: { type: 'array', items: APPOINTMENT_TRANSITION } }
    }),
    ...READ_ERRORS
  }
};

export const RECORD_OUTCOME: RouteSchema = {
  operationId: 'recordAppointmentOutcome', tags: TAGS, summary: 'Records what happened: start, complete, missed (by the OI), failed (the customer absent)',
  description: 'complete moves the ticket the appointment serves on to its closure; missed writes an OI comment on it; failed freezes it again '
    + 'awaiting an appointment (GELE, RENDEZ_VOUS). Recorded in the appointment\'s and the ticket\'s transitions under the agent\'s certificate CN.',
  params: REFERENCE_PARAMS,
  body: { type: 'object', required: ['event'], properties: { event: { type: 'string', enum: [...OUTCOME_NAMES] }, note: { type: 'string', maxLength: 500 } } },
  response: { 200: APPOINTMENT, ...WRITE_ERRORS }
};
