/**
 * The authorize phase (ARCHITECTURE.md §2, DOMAIN.md A5, A6): the certificate's profile allows the operation.
 * Outside the profile is answered like an unknown resource, and logged as refused. Which service ids and offers the
 * caller may touch is decided below, where they are read (every query is scoped to caller.operator).
 */
import type { OperationDescriptor } from '../../contracts/service-descriptor.js';
import type { Caller } from '../../domain/identity.js';
import { allowsOperation } from '../../domain/profile.js';
import { EsavError } from '../../errors/esav-error.js';

export function authorize(caller: Caller, service: string, operation: OperationDescriptor): void {
  if (!allowsOperation(caller.profile, service, operation.name)) {
    throw new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'opération', id: operation.name } },
      { logReason: `profile ${caller.profile.name} does not allow ${service}.${operation.name}` });
  }
}
