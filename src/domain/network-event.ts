/**
 * A planned work (TP) or network incident (DERCO) as the OI declares it (issue 15 part 2), with the fields of
 * Interop'Fibre's infoTravauxFTTH typeTravaux, and the filters an operator's query may combine (part 3: every
 * filter optional, A6: only what touches the operator's own services or PM prestations).
 */
import { freeTextProblem } from './free-text.js';
import type { ElementKind } from './network-inventory.js';
import type { NetworkEventState } from './network-event-lifecycle.js';

export const EVENT_CATEGORIES = ['TP', 'DERCO'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];
/** typeEquipementConcerne; LIENPMPBO is the link from a PBO to its PM, named by the PBO's reference. */
export const EQUIPMENT_KINDS = ['PM', 'PMT', 'PBO', 'LIENPMPBO'] as const;
export type EquipmentKind = (typeof EQUIPMENT_KINDS)[number];
/** typeNatureIntervention. */
export const INTERVENTION_NATURES = ['DEPL', 'REFE', 'DSCM', 'EXTE', 'INGE', 'CHGC', 'AUTR'] as const;
export type InterventionNature = (typeof INTERVENTION_NATURES)[number];

/** typeCommentaire: 512 characters at most. */
export const COMMENT_MAX = 512;

/** The kind of inventory element each equipment kind names. */
export const EQUIPMENT_ELEMENT: Readonly<Record<EquipmentKind, ElementKind>> = Object.freeze({ PM: 'PM', PMT: 'PMT', PBO: 'PBO', LIENPMPBO: 'PBO' });

/** The fields the OI gives; on an update, absent ones are kept. */
export interface EventFields {
  readonly nature: InterventionNature | null;
  readonly start: Date | null;
  readonly end: Date | null;
  readonly curative: boolean;
  readonly interventionRequired: boolean;
  readonly comments: string | null;
  readonly oiContact: string | null;
}

export interface EventDeclaration extends EventFields {
  readonly category: EventCategory;
  readonly equipmentKind: EquipmentKind;
  readonly equipmentRef: string;
}

export interface NetworkEvent extends EventFields {
  readonly reference: string;
  readonly category: EventCategory;
  readonly equipmentKind: EquipmentKind;
  readonly equipmentRef: string;
  readonly pmRef: string;
  readonly state: NetworkEventState;
  readonly createdAt: Date;
  readonly modifiedAt: Date;
  readonly closedAt: Date | null;
}

const isIn = <T extends string>(values: readonly T[], s: string): s is T => (values as readonly string[]).includes(s);
export const isCategory = (s: string): s is EventCategory => isIn(EVENT_CATEGORIES, s);
export const isEquipmentKind = (s: string): s is EquipmentKind => isIn(EQUIPMENT_KINDS, s);
export const isNature = (s: string): s is InterventionNature => isIn(INTERVENTION_NATURES, s);

/**
 * What is wrong with an event's fields (empty when nothing): the conditional fields of typeTravaux made rules. A TP
 * is announced with its nature and its window; a DERCO has started when it is declared, its end is the expected
 * restoration and may be unknown.
 */
export function eventFieldProblems(category: EventCategory, f: EventFields): string[] {
  const problems: string[] = [];
  if (category === 'TP' && f.nature === null) problems.push('nature: a planned work has a nature (DEPL, REFE, DSCM, EXTE, INGE, CHGC, AUTR)');
  if (category === 'TP' && (f.start === null || f.end === null)) problems.push('start, end: a planned work has a start and an end');
  if (category === 'DERCO' && f.start === null) problems.push('start: an incident has a start');
  if (f.start && f.end && f.end.getTime() < f.start.getTime()) problems.push('end: before the start');
  if (f.comments !== null && f.comments.length > COMMENT_MAX) problems.push(`comments: ${COMMENT_MAX} characters at most (typeCommentaire)`);
  if (f.oiContact !== null && f.oiContact.length > 200) problems.push('contact: 200 characters at most');
  // Sent in getInfoTravauxFTTH's answers: a character XML 1.0 cannot carry (NUL: PostgreSQL refuses it) is refused.
  for (const [field, text] of [['comments', f.comments], ['contact', f.oiContact]] as const) {
    const p = text === null ? null : freeTextProblem(field, text, Number.POSITIVE_INFINITY);
    if (p?.rule === 'caractere-interdit') problems.push(p.message);
  }
  return problems;
}

/** A period of the query (typePeriode): both bounds inclusive. */
export interface Period { readonly from: Date; readonly to: Date }

/** The filters of getInfoTravauxFTTH; every one optional, they combine (AND). */
export interface NetworkEventFilter {
  readonly reference?: string;
  readonly category?: EventCategory;
  /** The operator's PM prestations (service ids); an event at one of their PMs matches. */
  readonly pmPrestations?: readonly string[];
  readonly created?: Period;
  readonly start?: Period;
  readonly end?: Period;
  readonly interventionRequired?: boolean;
  readonly state?: NetworkEventState;
  readonly impactedPrise?: string;
  readonly impactedService?: string;
}

/** An event as one operator may see it: its own references only in the impacted lists (A6). */
export interface VisibleNetworkEvent extends NetworkEvent {
  readonly pmtRef: string | null;
  readonly pboRef: string | null;
  readonly pmPrestations: readonly string[];
  readonly impactedPrises: readonly string[];
  readonly impactedServices: readonly string[];
  readonly buildings: readonly string[];
}
