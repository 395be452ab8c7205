/**
 * Version facts for one call (DOMAIN.md V1): refuses retired and not-yet-live versions with the list of live ones,
 * and for the older of two live versions produces the Deprecation (RFC 9745), Sunset (RFC 8594) and Link headers
 * and the AvisVersion SOAP header.
 */
import type { ServiceContract, ServiceVersionDescriptor } from '../contracts/service-descriptor.js';
import { parisMidnight } from '../domain/calendar.js';
import { liveVersions, versionState } from '../domain/version-policy.js';
import { EsavError, type LiveVersionInfo } from '../errors/esav-error.js';
import { COMMON_NS } from './fault-writer.js';

export interface VersionNotice {
  readonly httpHeaders: Record<string, string>;
  /** The AvisVersion header block, or '' for the current version. */
  readonly soapHeader: string;
}

const NO_NOTICE: VersionNotice = Object.freeze({ httpHeaders: Object.freeze({}), soapHeader: '' });

export function liveVersionInfo(contract: ServiceContract, now: Date, baseUrl: string): LiveVersionInfo[] {
  return liveVersions(contract.plan, now).map((v) => ({
    version: `v${v.version}`,
    url: `${baseUrl}/esav/${contract.plan.service}/v${v.version}`,
    production: v.production,
    ...(v.sunset ? { sunset: v.sunset } : {})
  }));
}

export function unavailableVersion(contract: ServiceContract, version: string, state: string, now: Date, baseUrl: string): EsavError {
  const live = liveVersionInfo(contract, now, baseUrl);
  return new EsavError('ESAV_VERSION_UNAVAILABLE', {
    params: { service: contract.plan.service, version, state, live: live.length > 0 ? live.map((l) => l.version).join(', ') : 'aucune' },
    liveVersions: live
  });
}

/** Throws for a version that cannot be called now; returns the notice to attach to the answer otherwise. */
export function gateVersion(contract: ServiceContract, descriptor: ServiceVersionDescriptor, now: Date, baseUrl: string): VersionNotice {
  const state = versionState(contract.plan, descriptor.declaration, now);
  if (state === 'announced') {
    throw unavailableVersion(contract, String(descriptor.version), `n'est pas encore en service (mise en production le ${descriptor.declaration.production})`, now, baseUrl);
  }
  if (state === 'retired') {
    throw unavailableVersion(contract, String(descriptor.version), `est retirée depuis le ${descriptor.declaration.sunset}`, now, baseUrl);
  }
  if (state === 'live') return NO_NOTICE;

  const successor = liveVersions(contract.plan, now)[0]!;
  const sunset = descriptor.declaration.sunset!;
  const deprecatedSince = parisMidnight(successor.production);
  const successorUrl = `${baseUrl}/esav/${contract.plan.service}/v${successor.version}`;
  return {
    httpHeaders: {
      deprecation: `@${Math.floor(deprecatedSince.getTime() / 1000)}`,
      sunset: parisMidnight(sunset).toUTCString(),
      link: `<${successorUrl}?wsdl>; rel="successor-version"`
    },
    soapHeader: `<AvisVersion xmlns="${COMMON_NS}"><versionAppelee>v${descriptor.version}</versionAppelee><obsoleteDepuis>${successor.production}</obsoleteDepuis><dateRetrait>${sunset}</dateRetrait><versionRecommandee><version>v${successor.version}</version><url>${successorUrl}</url><dateMiseEnProduction>${successor.production}</dateMiseEnProduction></versionRecommandee></AvisVersion>`
  };
}
