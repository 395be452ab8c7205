/**
 * The e-intervention rules' vocabulary (issue 18; DOMAIN.md E1, E2, E3): the error codes of the Interop'Fibre
 * E-Intervention API v2.5 files, the OI's standing consent per operator (E2), and the delays the OI enforces
 * (DELAI_NON_RESPECTE). The files name the codes but give no figures: ours are settings, documented in the README.
 */

/** Every code of the files' 400 answers (their `error` enums). */
export type EInterventionCode =
  | 'CHAMPS_NON_RENSEIGNE' | 'MAUVAIS_FORMAT' | 'CODE_OI_INCONNU' | 'PM_INCONNU' | 'INCOHERENCE'
  | 'REF_INTERV_OI_INCONNUE' | 'REF_INTERV_INCONNUE' | 'REF_INTERVOI_INCONNUE' | 'DELAI_NON_RESPECTE' | 'ERREUR_ITERATION'
  | 'TEST_NON_REALISE' | 'TEST_PRECEDENT_DEJA_EMIS' | 'TEST_PRECEDENT_NON_ACQUITTE' | 'M3TX_NON_DEMANDE';

/** A move refused: the code, the field it concerns (path in the body) and why, in French for the operator. */
export interface Refusal {
  readonly refused: EInterventionCode;
  readonly field: string | null;
  readonly reason: string;
}

export function refuse(code: EInterventionCode, field: string | null, reason: string): Refusal {
  return { refused: code, field, reason };
}

/**
 * When an operation's file has no such code, the nearest one it has (the files are not uniform: the DO's file says
 * REF_INTERV_INCONNUE where the OI's says REF_INTERV_OI_INCONNUE, and M3 has neither nor INCOHERENCE).
 */
const NEAREST: Readonly<Partial<Record<EInterventionCode, readonly EInterventionCode[]>>> = Object.freeze({
  REF_INTERV_OI_INCONNUE: ['REF_INTERV_INCONNUE', 'REF_INTERVOI_INCONNUE', 'MAUVAIS_FORMAT'],
  REF_INTERV_INCONNUE: ['REF_INTERV_OI_INCONNUE', 'REF_INTERVOI_INCONNUE', 'MAUVAIS_FORMAT'],
  INCOHERENCE: ['MAUVAIS_FORMAT'],
  DELAI_NON_RESPECTE: ['INCOHERENCE', 'MAUVAIS_FORMAT'],
  ERREUR_ITERATION: ['INCOHERENCE', 'MAUVAIS_FORMAT'],
  PM_INCONNU: ['MAUVAIS_FORMAT'],
  TEST_PRECEDENT_DEJA_EMIS: ['INCOHERENCE', 'MAUVAIS_FORMAT'],
  TEST_PRECEDENT_NON_ACQUITTE: ['INCOHERENCE', 'MAUVAIS_FORMAT'],
  M3TX_NON_DEMANDE: ['INCOHERENCE', 'MAUVAIS_FORMAT']
});

/** The code an operation may answer for `wanted`: itself, else the nearest its file lists, else MAUVAIS_FORMAT. */
export function codeFor(wanted: EInterventionCode, allowed: readonly string[]): string {
  if (allowed.includes(wanted)) return wanted;
  return (NEAREST[wanted] ?? []).find((c) => allowed.includes(c)) ?? 'MAUVAIS_FORMAT';
}

/** E2: the OI's standing setting per operator — always, never, or ask each time. */
export const STANDING_CONSENTS = ['TOUJOURS', 'JAMAIS', 'A_DEMANDER'] as const;
export type StandingConsent = (typeof STANDING_CONSENTS)[number];

export function isStandingConsent(s: string): s is StandingConsent {
  return (STANDING_CONSENTS as readonly string[]).includes(s);
}

export interface EInterventionPolicy {
  /** An operator's report (M5TX) on a test is accepted up to this long after the test was opened (M2, M4TX, M4). */
  readonly reportWindowMs: number;
  /** "Ask each time": an operator's repair answer is accepted this long after the start; none by then is a refusal. */
  readonly consentWindowMs: number;
}

export const DEFAULT_E_INTERVENTION_POLICY: EInterventionPolicy = Object.freeze({ reportWindowMs: 30 * 60_000, consentWindowMs: 15 * 60_000 });
