/**
 * The operator-implemented contract "notification" (wsdl/notification/service.json "implementedBy": "operator") as
 * the gateway's rules need it: its version plan and each version's operations, read from the loaded WSDLs.
 */
import type { NotificationContractFacts } from '../domain/limit-announcement.js';
import type { ContractSet, ServiceContract } from './service-descriptor.js';

export const NOTIFICATION_SERVICE = 'notification';

/** The contract the gateway calls operators with, when wsdl/ has one. */
export function notificationService(contracts: ContractSet): ServiceContract | null {
  const contract = contracts.services.get(NOTIFICATION_SERVICE);
  return contract && contract.implementedBy === 'operator' ? contract : null;
}

export function notificationContractFacts(contracts: ContractSet): NotificationContractFacts | null {
  const contract = notificationService(contracts);
  if (!contract) return null;
  return Object.freeze({
    plan: contract.plan,
    operations: new Map([...contract.versions].map(([version, d]) => [version, new Set([...d.operations.values()].map((o) => o.name))]))
  });
}
