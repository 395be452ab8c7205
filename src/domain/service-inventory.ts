/**
 * The services an operator rents (DOMAIN.md vocabulary: Identifiant de Prestation, Offre, ends, guarantees) and
 * the read rule: an operator only ever sees its own services (A6), and another operator's service is
 * indistinguishable from a missing one.
 */
import { EsavError } from '../errors/esav-error.js';
import type { Caller } from './identity.js';
import { allowsOffer } from './profile.js';

export interface Address {
  readonly streetNumber: string | null;
  readonly street: string;
  readonly complement: string | null;
  readonly postcode: string;
  readonly city: string;
  readonly inseeCode: string | null;
}

export interface ServiceEnd {
  readonly label: string;
  readonly address: Address;
  readonly pmRef: string | null;
  readonly pboRef: string | null;
  readonly ptoRef: string | null;
}

export interface Guarantee {
  readonly kind: 'GTR' | 'GTI';
  readonly label: string;
  readonly restorationHours: number | null;
  readonly hours: 'HO' | 'HNO' | null;
}

export type ServiceState = 'active' | 'terminated' | 'archived';

export interface RentedService {
  readonly serviceId: string;
  readonly offer: { readonly code: string; readonly label: string };
  readonly state: ServiceState;
  readonly activatedOn: string;
  readonly endA: ServiceEnd;
  readonly endZ: ServiceEnd;
  readonly complementaryInfo: string | null;
  readonly guarantees: readonly Guarantee[];
}

export interface ServiceRepository {
  /** The service if it belongs to this operator, else null (the query itself is scoped to the operator). */
  findForOperator(operatorId: string, serviceId: string): Promise<RentedService | null>;
}

/** S3/A6: the caller's own service; unknown, another operator's, archived or outside its profile: the same fault. */
export async function readService(repo: ServiceRepository, caller: Caller, serviceId: string): Promise<RentedService> {
  const service = await repo.findForOperator(caller.operator.id, serviceId);
  if (service === null || service.state === 'archived') {
    throw new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'prestation', id: serviceId } });
  }
  // A5: an offer outside the caller's profile is answered exactly like a missing service.
  if (!allowsOffer(caller.profile, service.offer.code)) {
    throw new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'prestation', id: serviceId } },
      { logReason: `profile ${caller.profile.name} does not allow offer ${service.offer.code}` });
  }
  return service;
}
