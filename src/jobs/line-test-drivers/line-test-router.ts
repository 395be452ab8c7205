/**
 * Which driver serves which network element (issue 17 part 4: configuration, not code). The configuration lists
 * elements by key (the PM reference that runs a line's tests; a trailing * matches a prefix) with their driver and,
 * for SNMP, their agent; every other element gets the default driver.
 */
import type { Pool } from '../../store/database.js';
import type { NetworkDriver } from './driver.js';
import { simulatedDriver } from './simulated-driver.js';
import { snmpDriver, type SnmpElementConfig } from './snmp-driver.js';

export type DriverName = 'simule' | 'snmp';

export interface DriverRoute {
  /** An element key, or a prefix ending in *. */
  readonly match: string;
  readonly driver: DriverName;
  readonly snmp?: SnmpElementConfig;
}

export interface DriverRouting {
  readonly default: DriverName;
  readonly elements: readonly DriverRoute[];
}

export const ALL_SIMULATED: DriverRouting = Object.freeze({ default: 'simule', elements: [] });

const matches = (pattern: string, key: string): boolean => (pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : pattern === key);

/** Problems of a routing (a route to SNMP without its agent, an unknown driver), for the configuration's check. */
export function routingProblems(r: DriverRouting): string[] {
  const problems: string[] = [];
  for (const d of [r.default, ...r.elements.map((e) => e.driver)]) if (d !== 'simule' && d !== 'snmp') problems.push(`unknown line-test driver ${String(d)}`);
  if (r.default === 'snmp') problems.push('the default line-test driver cannot be snmp (an agent is configured per element)');
  for (const e of r.elements) if (e.driver === 'snmp' && !e.snmp) problems.push(`line-test route ${e.match}: snmp needs its agent (host, port, community, oids)`);
  return problems;
}

/** The driver of each element key. */
export function driverRouter(pool: Pool, routing: DriverRouting): (elementKey: string) => NetworkDriver {
  const simulated = simulatedDriver(pool);
  const route = (key: string): DriverRoute | undefined => routing.elements.find((e) => matches(e.match, key));
  const snmp = snmpDriver((key) => route(key)!.snmp!);
  return (key) => (route(key)?.driver ?? routing.default) === 'snmp' ? snmp : simulated;
}
