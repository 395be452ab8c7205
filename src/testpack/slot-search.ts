/**
 * Scenarios that search slots (rendezvous rechercheCreneaux, planChargeSav rechercheCreneauxLibres): the search is
 * closed from 01:00 to 04:00 Paris time (the contract's article 10.1). A scenario marked
 * `"requires": ["slot-search-open"]` is skipped with that reason, not failed, when run then: by the pack's clock
 * before it starts, or by the gateway's answer (RECHERCHE_CRENEAUX_FERMEE, planChargeSav codeErreur 20) should the
 * two clocks disagree. Its periods are variables relative to the pack's clock, in Paris time.
 */
import type { FaultInfo } from './xml-text.js';

export const SLOT_SEARCH_OPEN = 'slot-search-open';

/** The answers that say the search is closed now: our code, and Interop'Fibre's InfoErreurType code for it. */
const CLOSED_ANSWERS = new Set(['RECHERCHE_CRENEAUX_FERMEE', '20']);

const CLOSED = 'la recherche de créneaux est fermée de 01:00 à 04:00, heure de Paris (contrat, article 10.1) : relancez ce scénario après 04:00';

function paris(d: Date): { date: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23'
  }).formatToParts(d);
  const part = (t: string): string => parts.find((p) => p.type === t)!.value;
  return { date: `${part('year')}-${part('month')}-${part('day')}`, hour: Number(part('hour')) };
}

/** Why a slot-search scenario is skipped at this instant of the pack's clock, or null. */
export function closedByClock(now: Date): string | null {
  const { hour } = paris(now);
  return hour >= 1 && hour < 4 ? `${CLOSED} (il est ${String(hour).padStart(2, '0')} h à Paris)` : null;
}

/** Why a slot-search scenario is skipped after this step's answer (closed, and not what the step expected), or null. */
export function closedByGateway(fault: FaultInfo | undefined, expected: string): string | null {
  if (!fault || !CLOSED_ANSWERS.has(fault.code) || CLOSED_ANSWERS.has(expected)) return null;
  return `${CLOSED} ; la passerelle a répondu ${fault.code}${fault.message ? ` (${fault.message})` : ''}`;
}

const DAY_MS = 86_400_000;

/**
 * The search periods of the scenarios, Paris wall-clock times as the contracts read them: `searchFrom`..`searchTo`
 * (from 2 to 8 days ahead: past every cut-off, and a week holds working days) and `laterFrom`..`laterTo` (9 to 15
 * days ahead: other slots, to move an appointment to).
 */
export function slotSearchVariables(now: Date): Record<string, string> {
  const day = (n: number): string => paris(new Date(now.getTime() + n * DAY_MS)).date;
  return {
    searchFrom: `${day(2)}T00:00:00`, searchTo: `${day(8)}T23:59:59`, laterFrom: `${day(9)}T00:00:00`, laterTo: `${day(15)}T23:59:59`
  };
}
