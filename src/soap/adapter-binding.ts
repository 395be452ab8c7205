/**
 * Binds the version adapters to the contracts at boot, and refuses to start on any disagreement: a WSDL operation
 * with no handler, a handler with no operation, an adapter with no contract, or a fault shape whose element is not
 * the one the WSDL names in the wsdl:fault of each of its operations.
 */
import { ContractError } from '../contracts/contract-loader.js';
import type { ContractSet } from '../contracts/service-descriptor.js';
import type { FaultDialect, OperationHandler, ServiceAdapter } from './types.js';

export interface BoundVersion {
  readonly handlers: ReadonlyMap<string, OperationHandler>;
  readonly faults: FaultDialect | undefined;
}

/** Bound versions keyed `<service>/v<N>`. */
export function bindAdapters(contracts: ContractSet, adapters: readonly ServiceAdapter[]): Map<string, BoundVersion> {
  const problems: string[] = [];
  const bound = new Map<string, BoundVersion>();
  const byKey = new Map(adapters.map((a) => [`${a.service}/v${a.version}`, a]));
  for (const [, contract] of contracts.services) {
    // A contract the operators implement (notifications) is published, never answered: no adapter binds to it.
    if (contract.implementedBy === 'operator') continue;
    for (const [, d] of contract.versions) {
      const key = `${d.service}/v${d.version}`;
      const adapter = byKey.get(key);
      byKey.delete(key);
      const handlers = new Map<string, OperationHandler>();
      const declared = [...d.operations.values()];
      for (const op of declared) {
        const handler = adapter?.operations[op.name];
        if (handler) handlers.set(op.name, handler);
        else problems.push(`${key}: no adapter handles operation ${op.name} of the WSDL`);
      }
      for (const op of Object.keys(adapter?.operations ?? {})) {
        if (!declared.some((o) => o.name === op)) problems.push(`${key}: the adapter handles ${op}, which the WSDL does not declare`);
      }
      const dialect = adapter?.faults;
      if (dialect) {
        const element = `{${dialect.element.namespace}}${dialect.element.name}`;
        for (const op of declared) {
          if (op.faults.includes(element)) continue;
          problems.push(`${key}: faults are written as ${element}, which operation ${op.name} does not declare in wsdl:fault`);
        }
      }
      bound.set(key, { handlers, faults: dialect });
    }
  }
  for (const key of byKey.keys()) problems.push(`adapter ${key} has no contract in wsdl/`);
  if (problems.length > 0) throw new ContractError(problems);
  return bound;
}
