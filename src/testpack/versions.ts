/**
 * The versions an endpoint publishes and, of them, those in production on the gateway's day, with their dates as the
 * gateway lists them (nothing of it is written in the pack).
 */
import type { Http } from './http.js';
import type { Scenario } from './scenario.js';
import { outcomeOf, textOf } from './xml-text.js';

export interface LiveVersion {
  readonly service: string;
  readonly version: number;
  readonly url: string;
  readonly status: number;
  /** In production on the gateway's day: its WSDL is published and the gateway lists it among its versions in service. */
  readonly live: boolean;
  /** dateMiseEnProduction and dateRetrait, as the gateway lists them for a version in service. */
  readonly production?: string;
  readonly sunset?: string;
  readonly note: string;
}

interface InService {
  readonly production: string;
  readonly sunset?: string;
}

/**
 * The versions of a service in production today, with their dates, as the gateway lists them: the versionEnService
 * elements of the VERSION_INDISPONIBLE fault it answers for a version that does not exist (v999). Undefined when the
 * endpoint does not answer such a list (then a published WSDL is taken as in service).
 */
async function versionsInService(http: Http, service: string): Promise<Map<number, InService> | undefined> {
  try {
    const r = await http.send('GET', `/esav/${service}/v999?wsdl`);
    if (outcomeOf(r.body) !== 'VERSION_INDISPONIBLE') return undefined;
    const out = new Map<number, InService>();
    for (const m of r.body.matchAll(/<(?:[\w.-]+:)?versionEnService[\s>][\s\S]*?<\/(?:[\w.-]+:)?versionEnService\s*>/g)) {
      const version = Number(/^v?(\d+)$/.exec(textOf(m[0], 'version') ?? '')?.[1]);
      const production = textOf(m[0], 'dateMiseEnProduction');
      const sunset = textOf(m[0], 'dateRetrait');
      if (Number.isInteger(version) && production) out.set(version, { production, ...(sunset ? { sunset } : {}) });
    }
    return out;
  } catch {
    return undefined;
  }
}

/**
 * The versions the endpoint publishes (the paths its SERVICE_INCONNU fault lists, plus those the scenarios name), each
 * read with GET ?wsdl, and whether it is in production today: a version announced but not yet in production (its
 * WSDL is readable so that operators build against it) or retired is not live.
 */
export async function discoverVersions(http: Http, scenarios: readonly Scenario[], servicesAnswer: string): Promise<LiveVersion[]> {
  const candidates = new Map<string, { service: string; version: number }>();
  for (const m of servicesAnswer.matchAll(/\/esav\/([a-z][a-z0-9-]*)\/v(\d+)/g)) candidates.set(`${m[1]}/v${m[2]}`, { service: m[1]!, version: Number(m[2]) });
  for (const s of scenarios) for (const st of s.steps) {
    const service = st.service ?? s.service; const version = st.version ?? s.version;
    if (!candidates.has(`${service}/v${version}`) && !st.path) candidates.set(`${service}/v${version}`, { service, version });
  }
  const inService = new Map<string, Map<number, InService> | undefined>();
  const out: LiveVersion[] = [];
  for (const { service, version } of [...candidates.values()].sort((a, b) => a.service.localeCompare(b.service) || a.version - b.version)) {
    const url = `/esav/${service}/v${version}?wsdl`;
    if (!inService.has(service)) inService.set(service, await versionsInService(http, service));
    const listed = inService.get(service);
    try {
      const r = await http.send('GET', url);
      const isWsdl = r.status === 200 && /<(?:\w+:)?definitions[\s>]/.test(r.body);
      if (!isWsdl) {
        const message = textOf(r.body, 'message');
        out.push({ service, version, url, status: r.status, live: false, note: `${outcomeOf(r.body)}${message ? ` — ${message}` : ''}` });
        continue;
      }
      const name = /<(?:\w+:)?service\s+name="([^"]+)"/.exec(r.body)?.[1] ?? 'WSDL';
      const dates = listed?.get(version);
      if (listed && !dates) {
        const live = [...listed.entries()].map(([v, d]) => `v${v} depuis le ${d.production}`).join(', ') || 'aucune';
        out.push({ service, version, url, status: r.status, live: false, note: `${name} — contrat publié, pas en production ce jour (en service : ${live})` });
        continue;
      }
      const when = dates ? ` — en production depuis le ${dates.production}${dates.sunset ? `, retrait le ${dates.sunset}` : ''}` : '';
      const known = dates ? { production: dates.production, ...(dates.sunset ? { sunset: dates.sunset } : {}) } : {};
      out.push({ service, version, url, status: r.status, live: true, ...known, note: `${name}${when}` });
    } catch (e) {
      out.push({ service, version, url, status: 0, live: false, note: (e as Error).message });
    }
  }
  return out;
}
