/**
 * The internal API's appointment routes (issue 16 part 1: the capacity plan "managed with esav-admin appointments …
 * and the internal API, audited"; part 5: the outcomes). Every route calls the OI's appointment actions
 * (src/domain/appointment-plan-actions.ts), as esav-admin appointments does, so that both refuse the same things in
 * the same words; their refusal (AppointmentPlanRefusal) becomes the API's one error shape in appointmentRefusal,
 * which the API's one error handler calls. Plan changes are audited by the plan's store under the agent's CN.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppointmentPlanActions } from '../domain/appointment-plan-actions.js';
import type { GridRule } from '../domain/appointment-slots.js';
import type { Clock } from '../domain/clock.js';
import { isAppointmentPlanRefusal, type PlanRefusalKind } from '../errors/appointment-plan-refusal.js';
import type { InternalApiErrorCode } from '../errors/internal-api-errors.js';
import {
  ADD_CLOSURE, DEFINE_ZONE, LIST_APPOINTMENTS, LIST_ZONES, RECORD_OUTCOME, REMOVE_CLOSURE, SET_CAPACITY, SET_GRID, SHOW_APPOINTMENT, ZONE_SLOTS
} from './internal-api-appointment-schemas.js';

/** What the internal API serves of appointments: the OI's plan and outcome actions. */
export type InternalAppointmentPort = AppointmentPlanActions;

const CODE_OF: Readonly<Record<PlanRefusalKind, InternalApiErrorCode & `APPOINTMENT_${string}`>> = Object.freeze({
  invalid: 'APPOINTMENT_INVALID', 'not-found': 'APPOINTMENT_NOT_FOUND', conflict: 'APPOINTMENT_CONFLICT'
});
const STATUS_OF: Readonly<Record<PlanRefusalKind, 400 | 404 | 409>> = Object.freeze({ invalid: 400, 'not-found': 404, conflict: 409 });

export interface AppointmentRefusalAnswer {
  readonly status: 400 | 404 | 409;
  readonly body: { readonly error: InternalApiErrorCode; readonly message: string; readonly field?: string };
}

/** An appointment action's refusal as the API's answer, or null for any other error. */
export function appointmentRefusal(error: unknown): AppointmentRefusalAnswer | null {
  if (!isAppointmentPlanRefusal(error)) return null;
  return { status: STATUS_OF[error.kind], body: { error: CODE_OF[error.kind], message: error.message, ...(error.field ? { field: error.field } : {}) } };
}

type Input = Record<string, unknown>;
const objectOr = (v: unknown): Input => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Input : {});
const param = (request: FastifyRequest, name: string): string => (request.params as Record<string, string>)[name] ?? '';

/** A grid as recorded, in the words of the request that sets it. */
function gridAnswer(zone: string, rule: GridRule): Input {
  const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return {
    zone, kind: rule.kind, days: rule.weekdays, start: hhmm(rule.firstStartMinute), slotMinutes: rule.slotMinutes, slots: rule.slotsPerDay,
    technicians: rule.capacity, holidays: rule.onHolidays
  };
}

/** Registers the routes on the internal API; `agentOf` names the agent of a request (its certificate's CN). */
export function appointmentRoutes(api: FastifyInstance, actions: InternalAppointmentPort, clock: Clock, agentOf: (r: FastifyRequest) => string): void {
  const query = (request: FastifyRequest): Input => objectOr(request.query);
  const body = (request: FastifyRequest): Input => objectOr(request.body);

  api.get('/appointments/zones', { schema: LIST_ZONES }, async () => ({ zones: await actions.zones() }));
  api.put('/appointments/zones/:zone', { schema: DEFINE_ZONE }, async (request) => {
    const zone = param(request, 'zone');
    await actions.defineZone(zone, body(request), agentOf(request));
    return (await actions.zones()).find((z) => z.code === zone);
  });
  api.put('/appointments/zones/:zone/grids/:kind', { schema: SET_GRID }, async (request) => {
    const zone = param(request, 'zone');
    return gridAnswer(zone, await actions.setGrid(zone, { ...body(request), kind: param(request, 'kind') }, agentOf(request)));
  });
  api.put('/appointments/zones/:zone/capacity', { schema: SET_CAPACITY }, async (request) =>
    ({ slots: await actions.setCapacity(param(request, 'zone'), body(request), agentOf(request)) }));
  api.get('/appointments/zones/:zone/slots', { schema: ZONE_SLOTS }, async (request) => {
    const slots = await actions.slots(param(request, 'zone'), query(request));
    return { slots: slots.map((s) => ({ ...s, free: s.closed ? 0 : s.capacity - s.booked })) };
  });
  api.post('/appointments/closures', { schema: ADD_CLOSURE }, async (request, reply) =>
    reply.code(201).send({ slotsClosed: await actions.closeDay(body(request), agentOf(request)) }));
  api.delete('/appointments/closures/:date', { schema: REMOVE_CLOSURE }, async (request, reply) => {
    await actions.reopenDay({ zone: query(request).zone, date: param(request, 'date') }, agentOf(request));
    return reply.code(204).send();
  });
  api.get('/appointments', { schema: LIST_APPOINTMENTS }, async (request) => ({ appointments: await actions.list(query(request)) }));
  api.get('/appointments/:reference', { schema: SHOW_APPOINTMENT }, async (request) => {
    const { appointment, transitions } = await actions.show(param(request, 'reference'));
    return { ...appointment, transitions };
  });
  api.post('/appointments/:reference/outcome', { schema: RECORD_OUTCOME }, async (request) =>
    actions.outcome(param(request, 'reference'), body(request), agentOf(request), clock.now()));
}
