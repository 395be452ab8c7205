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
