/**
 * Profiles (DOMAIN.md A5): the operations and offers one caller may use. '*' grants all. An operation is named
 * "<service>.<operation>" (e.g. "prestation.consultationPrestation"); "<service>.*" grants a whole service.
 */
export interface Profile {
  readonly name: string;
  readonly operations: readonly string[];
  readonly offers: readonly string[];
}

export const FULL_PROFILE: Profile = Object.freeze({ name: 'complet', operations: Object.freeze(['*']), offers: Object.freeze(['*']) });

export function allowsOperation(p: Profile, service: string, operation: string): boolean {
  return p.operations.some((o) => o === '*' || o === `${service}.*` || o === `${service}.${operation}`);
}

export function allowsOffer(p: Profile, offer: string): boolean {
  return p.offers.some((o) => o === '*' || o === offer);
}

const OPERATION = /^(\*|[a-z][a-z0-9-]*\.(\*|[A-Za-z][A-Za-z0-9]*))$/;
const OFFER = /^(\*|[A-Z][A-Z0-9_]{1,19})$/;

/** Problems of a profile definition, naming each bad entry. */
export function profileProblems(p: Profile): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(p.name)) problems.push(`nom de profil invalide : « ${p.name} » (minuscules, chiffres, - et _)`);
  if (p.operations.length === 0) problems.push('au moins une opération (ou *)');
  if (p.offers.length === 0) problems.push('au moins une offre (ou *)');
  for (const o of p.operations) if (!OPERATION.test(o)) problems.push(`opération invalide : « ${o} » (attendu service.operation, service.* ou *)`);
  for (const o of p.offers) if (!OFFER.test(o)) problems.push(`offre invalide : « ${o} »`);
  return problems;
}

/** What a profile may name: the gateway's services and their operations (from wsdl/), the offers of the catalogue. */
export interface ProfileVocabulary {
  readonly operations: ReadonlyMap<string, ReadonlySet<string>>;
  readonly offers: ReadonlySet<string>;
}

/** Entries of a well-formed profile that name nothing that exists (a typo would grant nothing, silently). */
export function profileReferenceProblems(p: Profile, known: ProfileVocabulary): string[] {
  const problems: string[] = [];
  for (const o of p.operations) {
    if (o === '*') continue;
    const [service, operation] = o.split('.') as [string, string];
    const operations = known.operations.get(service);
    if (!operations) problems.push(`service inconnu : « ${service} » dans « ${o} » (services : ${[...known.operations.keys()].sort().join(', ')})`);
    else if (operation !== '*' && !operations.has(operation)) {
      problems.push(`opération inconnue : « ${o} » (${service} : ${[...operations].sort().join(', ')})`);
    }
  }
  for (const o of p.offers) {
    if (o !== '*' && !known.offers.has(o)) problems.push(`offre inconnue : « ${o} » (offres : ${[...known.offers].sort().join(', ')})`);
  }
  return problems;
}
