/**
 * What a profile (A5) may name, from the contracts: the gateway's services and their operations (wsdl/) and the
 * e-intervention flows the OI serves (issue 18, granted as "e-intervention.<operationId>"), with the catalogue's
 * offers given by the caller. Shared by esav-admin (profiles, users) and the internal API's users routes.
 */
import { E3_OPERATION } from '../domain/e-intervention-views.js';
import type { ProfileVocabulary } from '../domain/profile.js';
import type { ContractSet } from './service-descriptor.js';
import { loadEInterventionContract } from './e-intervention-contract.js';

export function gatewayOperations(contracts: ContractSet, rootDir: string): Map<string, Set<string>> {
  const known = new Map<string, Set<string>>();
  for (const [name, service] of contracts.services) {
    if (service.implementedBy !== 'gateway') continue;
    known.set(name, new Set([...service.versions.values()].flatMap((d) => [...d.operations.values()].map((o) => o.name))));
  }
  const ei = [...loadEInterventionContract(rootDir).operations.values()].filter((o) => o.servedBy === 'OI').map((o) => o.id);
  // E3's read of the gateway's own, beside them (src/transport/e-intervention-alerting.ts).
  known.set('e-intervention', new Set([...ei, E3_OPERATION]));
  return known;
}

export function profileVocabulary(contracts: ContractSet, rootDir: string, offers: Iterable<string>): ProfileVocabulary {
  return { operations: gatewayOperations(contracts, rootDir), offers: new Set(offers) };
}
