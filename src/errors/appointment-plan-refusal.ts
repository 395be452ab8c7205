/**
 * Why a change of the appointments' capacity plan or an OI outcome is refused, whichever way in asked (esav-admin
 * appointments, the internal API): its kind is mapped once by each (an AdminError code, an HTTP status).
 */
import { CodedError } from './coded-error.js';

export type PlanRefusalKind = 'invalid' | 'not-found' | 'conflict';

export class AppointmentPlanRefusal extends CodedError<'ESAV_APPOINTMENT_PLAN_REFUSED'> {
  constructor(message: string, readonly kind: PlanRefusalKind, readonly field?: string) {
    super('ESAV_APPOINTMENT_PLAN_REFUSED', message);
  }
}

export function isAppointmentPlanRefusal(e: unknown): e is AppointmentPlanRefusal {
  return e instanceof AppointmentPlanRefusal;
}
