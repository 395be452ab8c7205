/**
 * A planned work (TP) or network incident (DERCO) as the OI declares it (issue 15 part 2), with the fields of
 * Interop'Fibre's infoTravauxFTTH typeTravaux, and the filters an operator's query may combine (part 3: every
 * filter optional, A6: only what touches the operator's own services or PM prestations).
 */
import { freeTextProblem } from './free-text.js';
import { readIsoInstant } from './strict-dates.js';
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
  /** A commune of the event (e-SAV en ligne): its PM's INSEE code, or an impacted service's INSEE code, postcode or city. */
  readonly commune?: string;
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

/** How one impacted operator is told of a change: pushed (notificationTravaux), or not, and why. */
export interface OperatorTold {
  readonly operator: string;
  readonly pushed: boolean;
  readonly reason: string | null;
}

/** A ticket filed inside an event (the filing cross-check), with its operator and state now. */
export interface LinkedTicket { readonly reference: string; readonly operator: string; readonly state: string }

/** What closing an event's linked tickets did to one of them: moved from → to, or left with why. */
export interface TicketClosure {
  readonly reference: string;
  readonly operator: string;
  readonly from: string;
  readonly to: string | null;
  /** Why it was left as it was (another agent moved it meanwhile, say). */
  readonly refusal: string | null;
}

/** The OI's request to declare an event or change one, as a JSON body or a command line gives it: checked here. */
export interface EventRequest {
  readonly category?: unknown; readonly equipmentType?: unknown; readonly equipment?: unknown; readonly nature?: unknown;
  readonly start?: unknown; readonly end?: unknown; readonly curative?: unknown; readonly interventionRequired?: unknown;
  readonly comments?: unknown; readonly contact?: unknown;
}

/** A field of an event request that cannot be read, with the rule. */
export interface RequestProblem { readonly field: string; readonly message: string }

const optionalText = (field: string, v: unknown, problems: RequestProblem[]): string | null | undefined => {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'string') { problems.push({ field, message: `${field}: a string` }); return undefined; }
  return v;
};
const optionalBoolean = (field: string, v: unknown, problems: RequestProblem[]): boolean | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') { problems.push({ field, message: `${field}: true or false` }); return undefined; }
  return v;
};
const optionalInstant = (field: string, v: unknown, problems: RequestProblem[]): Date | null | undefined => {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'string') { problems.push({ field, message: `${field}: an ISO 8601 date-time with its offset` }); return undefined; }
  const r = readIsoInstant(v);
  if (r.problem !== undefined) { problems.push({ field, message: `${field} ${v}: ${r.problem}` }); return undefined; }
  return r.value;
};

/**
 * The fields a request gives (absent: undefined, kept on a move), or the problems of those it cannot read; instants
 * are strict ISO 8601 with their offset (src/domain/strict-dates.ts).
 */
export function readEventFields(r: EventRequest): { fields: Partial<EventFields>; problems: RequestProblem[] } {
  const problems: RequestProblem[] = [];
  let nature: InterventionNature | null | undefined;
  if (r.nature === null) nature = null;
  else if (r.nature !== undefined) {
    if (typeof r.nature === 'string' && isNature(r.nature)) nature = r.nature;
    else problems.push({ field: 'nature', message: `nature ${String(r.nature)}: one of ${INTERVENTION_NATURES.join(', ')}` });
  }
  const fields: Partial<EventFields> = {
    nature, start: optionalInstant('start', r.start, problems), end: optionalInstant('end', r.end, problems),
    curative: optionalBoolean('curative', r.curative, problems), interventionRequired: optionalBoolean('interventionRequired', r.interventionRequired, problems),
    comments: optionalText('comments', r.comments, problems), oiContact: optionalText('contact', r.contact, problems)
  };
  return { fields, problems };
}

/** A declaration from a request: its category, equipment and fields, or the problems. */
export function readEventDeclaration(r: EventRequest): { declaration: EventDeclaration | null; problems: RequestProblem[] } {
  const { fields, problems } = readEventFields(r);
  if (typeof r.category !== 'string' || !isCategory(r.category)) problems.push({ field: 'category', message: `category: ${EVENT_CATEGORIES.join(' or ')}` });
  if (typeof r.equipmentType !== 'string' || !isEquipmentKind(r.equipmentType)) {
    problems.push({ field: 'equipmentType', message: `equipmentType: one of ${EQUIPMENT_KINDS.join(', ')}` });
  }
  if (typeof r.equipment !== 'string' || r.equipment.trim() === '' || r.equipment.length > 64) {
    problems.push({ field: 'equipment', message: 'equipment: the reference of the PM, PMT or PBO (1 to 64 characters)' });
  }
  if (problems.length > 0) return { declaration: null, problems };
  return {
    declaration: {
      category: r.category as EventCategory, equipmentKind: r.equipmentType as EquipmentKind, equipmentRef: r.equipment as string,
      nature: fields.nature ?? null, start: fields.start ?? null, end: fields.end ?? null, curative: fields.curative ?? false,
      interventionRequired: fields.interventionRequired ?? false, comments: fields.comments ?? null, oiContact: fields.oiContact ?? null
    },
    problems
  };
}
