/**
 * A driver that speaks a real management protocol (issue 17 part 4b): SNMP v2c GETs to the element's agent, with
 * configured OIDs mapped to the readings (an integer scaled, or a code mapped to a state). The agent's timeout is
 * ESAV_ELEMENT_NO_ANSWER (retried by the worker); an error status or an OID the agent lacks is ESAV_ELEMENT_ERROR
 * (ECHEC at once, the reason naming the OID). The topology comes from the configuration, the agent knows none.
 */
import snmp, { type Session, type Varbind } from 'net-snmp';
import type { LineReadings } from '../../domain/line-test-diagnosis.js';
import type { ClaimedLineTest } from '../../store/line-test-queue.js';
import { ElementError, ElementNoAnswer, type DriverAnswer, type NetworkDriver } from './driver.js';

/** A reading and where the agent holds it; `{index}` in the OID is replaced by the line's index (its service's). */
export interface OidMapping { readonly oid: string; readonly scale?: number }

/** The readings an SNMP agent can give, by name. */
export const SNMP_READINGS = ['ont.state', 'ont.lastEvent', 'ont.rxDbm', 'pon.state', 'pon.txDbm', 'pon.rxOltDbm', 'service.provisioned',
  'session.state', 'session.uptimeS', 'reflectometry.breakAtM', 'reflectometry.lengthM', 'reflectometry.lossDb'] as const;
export type SnmpReading = (typeof SNMP_READINGS)[number];

export interface SnmpElementConfig {
  readonly host: string;
  readonly port: number;
  readonly community: string;
  /** Per request; the worker's test timeout bounds the whole. */
  readonly timeoutMs: number;
  readonly retries: number;
  readonly oids: Readonly<Partial<Record<SnmpReading, OidMapping>>>;
  /** The line's index in the agent's tables, by service id (default "0"). */
  readonly indexes?: Readonly<Record<string, string>>;
  readonly topology: { readonly pboDistanceM: number; readonly ptoDistanceM: number };
}

function get(session: Session, oids: string[]): Promise<Varbind[]> {
  return new Promise((resolve, reject) => session.get(oids, (e, vbs) => (e ? reject(e) : resolve(vbs))));
}

const UP_DOWN = (v: number): 'UP' | 'DOWN' => (v === 1 ? 'UP' : 'DOWN');

/** The readings from the agent's values (integers): states as ifOperStatus (1 up, 2 down), levels scaled. */
export function readingsFromValues(v: ReadonlyMap<SnmpReading, number>, scaleOf: (r: SnmpReading) => number): LineReadings {
  const n = (r: SnmpReading): number | null => (v.has(r) ? v.get(r)! * scaleOf(r) : null);
  const out: Record<string, unknown> = {};
  if (v.has('ont.state')) {
    const ev = v.get('ont.lastEvent');
    out.ont = { state: v.get('ont.state') === 1 ? 'EN_LIGNE' : 'HORS_LIGNE', lastEvent: ev === 2 ? 'DYING_GASP' : ev === 3 ? 'LOS' : null, rxDbm: n('ont.rxDbm') };
  }
  if (v.has('pon.state')) out.pon = { state: UP_DOWN(v.get('pon.state')!), txDbm: n('pon.txDbm'), rxOltDbm: n('pon.rxOltDbm') };
  if (v.has('service.provisioned')) out.service = { provisioned: v.get('service.provisioned') === 1, profile: null };
  if (v.has('session.state')) out.session = { state: v.get('session.state') === 1 ? 'CONNECTEE' : 'DECONNECTEE', uptimeS: n('session.uptimeS') };
  if (v.has('reflectometry.lengthM')) {
    const b = n('reflectometry.breakAtM');
    out.reflectometry = { breakAtM: b === null || b === 0 ? null : b, lengthM: n('reflectometry.lengthM')!, lossDb: n('reflectometry.lossDb') ?? 0 };
  }
  return out as LineReadings;
}

export function snmpDriver(elementConfig: (elementKey: string) => SnmpElementConfig): NetworkDriver {
  return {
    name: 'snmp',
    async run(test: ClaimedLineTest, signal: AbortSignal): Promise<DriverAnswer> {
      const c = elementConfig(test.elementKey);
      const index = c.indexes?.[test.serviceId] ?? '0';
      const wanted = (Object.entries(c.oids) as Array<[SnmpReading, OidMapping]>).map(([r, m]) => ({ r, m, oid: m.oid.replaceAll('{index}', index) }));
      if (wanted.length === 0) throw new ElementError(`aucun OID configuré pour l'élément ${test.elementKey}`);
      const session = snmp.createSession(c.host, c.community, { port: c.port, retries: c.retries, timeout: c.timeoutMs, version: snmp.Version2c });
      session.on('error', () => { /* a socket error ends the pending request with an error too */ });
      const aborted = new Promise<never>((_, reject) => {
        const onAbort = (): void => reject(new ElementNoAnswer(`l'agent SNMP ${c.host}:${c.port} n'a pas répondu dans le délai du test`));
        if (signal.aborted) onAbort(); else signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const vbs = await Promise.race([get(session, wanted.map((w) => w.oid)), aborted]);
        const values = new Map<SnmpReading, number>();
        vbs.forEach((vb, i) => {
          const w = wanted[i]!;
          if (snmp.isVarbindError(vb)) throw new ElementError(`l'agent SNMP ${c.host}:${c.port} répond ${snmp.varbindError(vb)} pour ${w.r} (${w.oid})`);
          if (typeof vb.value !== 'number') throw new ElementError(`l'agent SNMP ${c.host}:${c.port} répond une valeur non entière pour ${w.r} (${w.oid})`);
          values.set(w.r, vb.value);
        });
        const readings = readingsFromValues(values, (r) => c.oids[r]?.scale ?? 1);
        return { readings, topology: { ...c.topology, pboWideSymptom: false } };
      } catch (e) {
        if (e instanceof ElementError || e instanceof ElementNoAnswer) throw e;
        const name = (e as Error).name;
        if (name === 'RequestTimedOutError') throw new ElementNoAnswer(`l'agent SNMP ${c.host}:${c.port} n'a pas répondu (${c.retries + 1} essai(s) de ${c.timeoutMs} ms)`, { cause: e });
        throw new ElementError(`l'agent SNMP ${c.host}:${c.port} répond une erreur : ${(e as Error).message}`, { cause: e });
      } finally {
        session.close();
      }
    }
  };
}
