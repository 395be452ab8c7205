/**
 * The wire side of a push notification (contract wsdl/notification, implemented by operators): the SOAP request
 * made from a ticket event (notificationSignalisation, every version), a limit announcement (notificationLimiteDebit,
 * from v2), a planned work or incident (notificationTravaux, from v2), an appointment's change (notificationRendezVous,
 * from v2) or a line test's outcome (notificationTestLigne, from v2), and the reading of the operator's answer. Element names follow xsd/notification/v<N>/notification.xsd;
 * the namespace, SOAPAction and element names of each operation come from the WSDL loaded at boot
 * (NotificationOperation), never from constants here.
 */
import { APPOINTMENT_EVENT_WIRE, isAppointmentKind, isAppointmentState } from '../domain/appointments.js';
import { FREEZE_REASONS, TICKET_STATES, type FreezeReason, type TicketState } from '../domain/ticket-lifecycle.js';
import { isLimitScope, type LimitScope } from '../domain/load-rules.js';
import { CodedError } from '../errors/coded-error.js';
import { isEsavError } from '../errors/esav-error.js';
import { element, escapeAttribute, optionalElement } from '../xml/escape.js';
import { parseXmlHardened } from '../xml/hardened-parser.js';
import type { XmlElement } from '../xml/libxml.js';

export interface NotificationOperation {
  readonly namespace: string;
  readonly requestElement: string;
  readonly responseElement: string;
  readonly soapAction: string;
}

export interface TicketNotification {
  readonly eventId: string;
  readonly sequence: number;
  readonly at: Date;
  readonly reference: string;
  readonly operatorReference: string;
  readonly kind: 'state' | 'comment';
  /** ticket_event.payload as the ticket store wrote it. */
  readonly payload: unknown;
}

export interface LimitNotification {
  readonly eventId: string;
  /** When the limit was declared (ANNONCEE) or lifted (LEVEE). */
  readonly at: Date;
  readonly kind: 'limit';
  readonly status: 'ANNONCEE' | 'LEVEE';
  /** limit_announcement.payload as the limit store wrote it (LimitAnnouncementPayload). */
  readonly payload: unknown;
}

/** A planned work or network incident that impacts the operator's services (notificationTravaux, from v2). */
export interface WorksNotification {
  readonly eventId: string;
  /** numeroOrdre: the rank of this message among the event's messages to this operator. */
  readonly sequence: number;
  /** When the OI declared or changed the event. */
  readonly at: Date;
  readonly kind: 'works';
  /** operator_notice.payload as the network event store wrote it (WorksNoticePayload). */
  readonly payload: unknown;
}

/** A change of an appointment (notificationRendezVous, from v2). */
export interface AppointmentNotification extends Omit<WorksNotification, 'kind'> {
  readonly kind: 'appointment';
}

/** A line test's outcome (notificationTestLigne, from v2); sequence is always 1 (a test has one outcome). */
export interface LineTestNotification extends Omit<WorksNotification, 'kind'> {
  readonly kind: 'line_test';
}

export type NotificationEvent = TicketNotification | LimitNotification | WorksNotification | AppointmentNotification | LineTestNotification;

/** The request categories of article 6 on the wire (CategorieRequeteType of notification v2): code word → wire word. */
export const WIRE_CATEGORY: Readonly<Record<LimitScope, string>> = Object.freeze({
  ALL: 'TOUTES', LINE_TEST: 'TEST_LIGNE', WORKS_INFO: 'INFO_TRAVAUX', FILING: 'DEPOT', STATE: 'CONSULTATION_ETAT', HISTORY: 'HISTORIQUE'
});

export type SoapVersionId = '1.1' | '1.2';

const ENVELOPE_NS: Readonly<Record<SoapVersionId, string>> = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' };
const COMMON_NS = 'http://esav.bfc-fibre.fr/commun/v1';
// An acknowledgement is a few hundred bytes; these limits only bound what a misbehaving endpoint can make us parse.
const ANSWER_LIMITS = { maxDepth: 32, maxAttributes: 32 };

const isState = (v: unknown): v is TicketState => typeof v === 'string' && (TICKET_STATES as readonly string[]).includes(v);
const isFreezeReason = (v: unknown): v is FreezeReason => typeof v === 'string' && Object.hasOwn(FREEZE_REASONS, v);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function stateChange(payload: Record<string, unknown>): string {
  const { from, to, reason, freezeReason } = payload;
  if (!isState(to) || (from !== null && from !== undefined && !isState(from))) {
    throw new CodedError('ESAV_EVENT_PAYLOAD_UNREADABLE', `unreadable state event payload: ${JSON.stringify(payload)}`);
  }
  // S2: a frozen ticket says what the operator must do; the reason is the OI's free text given with the freeze.
  const gel = to === 'GELE' && isFreezeReason(freezeReason)
    ? `<gel>${element('motif', freezeReason)}${element('attendu', FREEZE_REASONS[freezeReason].label)}${element('leveParReponseOperateur', String(FREEZE_REASONS[freezeReason].operatorAnswerUnfreezes))}</gel>`
    : '';
  return `<type>CHANGEMENT_ETAT</type><changementEtat>${optionalElement('etatPrecedent', isState(from) ? from : null)}${element('etat', to)}${optionalElement('motif', text(reason))}${gel}</changementEtat>`;
}

function comment(payload: Record<string, unknown>): string {
  const t = text(payload.text);
  if (t === null) throw new CodedError('ESAV_EVENT_PAYLOAD_UNREADABLE', 'unreadable comment event payload: no text');
  return `<type>COMMENTAIRE_OI</type><commentaireOI>${element('texte', t)}</commentaireOI>`;
}

const instant = (v: unknown): string | null => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null);

/** L2: the limit as declared, and for a LEVEE why it is lifted. */
function limitAnnouncement(e: LimitNotification, payload: Record<string, unknown>): string {
  const { limitId, scope, perMinute } = payload;
  const start = instant(payload.start);
  const declaredAt = instant(payload.declaredAt);
  const end = payload.end === null || payload.end === undefined ? null : instant(payload.end);
  if (typeof limitId !== 'string' || !/^[1-9]\d{0,17}$/.test(limitId) || typeof scope !== 'string' || !isLimitScope(scope) ||
    typeof perMinute !== 'number' || !Number.isInteger(perMinute) || perMinute < 1 || start === null || declaredAt === null ||
    (payload.end !== null && payload.end !== undefined && end === null)) {
    throw new CodedError('ESAV_EVENT_PAYLOAD_UNREADABLE', `unreadable limit announcement payload: ${JSON.stringify(payload)}`);
  }
  return `${element('statut', e.status)}<limite>${element('identifiantLimite', limitId)}${element('categorie', WIRE_CATEGORY[scope])}` +
    `${element('requetesParMinute', perMinute)}${element('debut', start)}${optionalElement('fin', end)}${element('dateDeclaration', declaredAt)}` +
    `${optionalElement('motif', text(payload.reason))}</limite>${e.status === 'LEVEE' ? optionalElement('motifLevee', text(payload.liftReason)) : ''}`;
}

const WORKS_STATES = ['NOUVEAU', 'MAJ', 'REPLANIFICATION', 'CLOTURE', 'ANNULE'];
const EQUIPMENT_KINDS = ['PM', 'PMT', 'PBO', 'LIENPMPBO'];
const NATURES = ['DEPL', 'REFE', 'DSCM', 'EXTE', 'INGE', 'CHGC', 'AUTR'];
const oneOf = (v: unknown, values: readonly string[]): v is string => typeof v === 'string' && values.includes(v);
const optionalInstant = (v: unknown): string | null | undefined => (v === null || v === undefined ? null : instant(v) ?? undefined);

/** S5: the TP or DERCO as it stands after the change, and the operator's impacted services (its own only, A6). */
function worksNotice(payload: Record<string, unknown>): string {
  const { status, reference, category, equipmentKind, equipmentRef, pmRef, nature, curative, interventionRequired, servicesCount, services } = payload;
  const start = optionalInstant(payload.start);
  const end = optionalInstant(payload.end);
  if (!oneOf(status, WORKS_STATES) || typeof reference !== 'string' || !oneOf(category, ['TP', 'DERCO']) || !oneOf(equipmentKind, EQUIPMENT_KINDS) ||
    typeof equipmentRef !== 'string' || typeof pmRef !== 'string' || (nature !== null && !oneOf(nature, NATURES)) || start === undefined ||
    end === undefined || typeof curative !== 'boolean' || typeof interventionRequired !== 'boolean' || typeof servicesCount !== 'number' ||
    !Array.isArray(services) || !services.every((x) => typeof x === 'string')) {
    throw new CodedError('ESAV_EVENT_PAYLOAD_UNREADABLE', `unreadable works notice payload: ${JSON.stringify(payload)}`);
  }
  return `${element('statut', status)}<travaux>${element('reference', reference)}${element('type', category)}` +
    `${element('equipementConcerne', equipmentKind)}${element('referenceEquipement', equipmentRef)}${element('referencePM', pmRef)}` +
    `${optionalElement('nature', nature)}${optionalElement('dateDebut', start)}${optionalElement('dateFin', end)}` +
    `${element('curatif', String(curative))}${element('interventionOperateurRequise', String(interventionRequired))}` +
    `${optionalElement('commentaire', text(payload.comments))}${optionalElement('contactOI', text(payload.oiContact))}</travaux>` +
    `${element('nombreServicesImpactes', servicesCount)}${(services as string[]).map((x) => element('serviceImpacte', x)).join('')}`;
}

const unreadable = (what: string, payload: unknown): never => {
  throw new CodedError('ESAV_EVENT_PAYLOAD_UNREADABLE', `unreadable ${what} payload: ${JSON.stringify(payload)}`);
};
const reasonText = (v: unknown): string | null => text(v)?.slice(0, 500) ?? null;

/** S4: the appointment as it is after the change, what changed and who changed it. */
function appointmentNotice(p: Record<string, unknown>): string {
  const { event, actorKind, reference, kind, fromState, state, inseeCode, ticketReference } = p;
  const start = instant(p.start);
  const end = instant(p.end);
  const previousStart = optionalInstant(p.previousStart);
  const wireEvent = typeof event === 'string' && Object.hasOwn(APPOINTMENT_EVENT_WIRE, event) ? APPOINTMENT_EVENT_WIRE[event as 'book'] : null;
  if (wireEvent === null || !oneOf(actorKind, ['operator', 'oi']) || typeof reference !== 'string' || !isAppointmentKind(kind) ||
    (fromState !== null && !isAppointmentState(fromState)) || !isAppointmentState(state) || start === null || end === null ||
    previousStart === undefined || typeof inseeCode !== 'string' || (ticketReference !== null && typeof ticketReference !== 'string')) {
    return unreadable('appointment notice', p);
  }
  return `${element('evenement', wireEvent)}${element('auteur', actorKind === 'oi' ? 'OI' : 'OPERATEUR')}<rendezVous>` +
    `${element('referenceRendezVous', reference)}${element('typeRendezVous', kind)}${optionalElement('etatPrecedent', fromState as string | null)}` +
    `${element('etat', state)}${element('debut', start)}${element('fin', end)}${optionalElement('debutPrecedent', previousStart)}` +
    `${element('codeInsee', inseeCode)}${optionalElement('referenceSignalisation', ticketReference as string | null)}</rendezVous>` +
    `${optionalElement('motif', reasonText(p.reason))}`;
}

const VERDICTS = ['CONFORME', 'NON_CONFORME', 'INFORMATION'];
const DIAGNOSES = ['AUCUN_DEFAUT', 'CLIENT', 'PTO', 'PBO', 'PM', 'RESEAU', 'INDETERMINE'];
const isMeasure = (m: unknown): m is Record<string, unknown> => typeof m === 'object' && m !== null &&
  typeof (m as Record<string, unknown>).name === 'string' && typeof (m as Record<string, unknown>).value === 'string' &&
  oneOf((m as Record<string, unknown>).verdict, VERDICTS);

/** S5: the test's outcome, as consultationTest answers it. */
function lineTestNotice(p: Record<string, unknown>): string {
  const { reference, serviceId, testCode, state, measures, diagnosis } = p;
  const launched = instant(p.launchedAt);
  const finished = instant(p.finishedAt);
  if (typeof reference !== 'string' || typeof serviceId !== 'string' || typeof testCode !== 'string' || !oneOf(state, ['TERMINE', 'ECHEC']) ||
    launched === null || finished === null || (measures !== null && !(Array.isArray(measures) && measures.every(isMeasure))) ||
    (diagnosis !== null && !oneOf(diagnosis, DIAGNOSES))) {
    return unreadable('line test notice', p);
  }
  const mesures = ((measures ?? []) as Record<string, unknown>[]).map((m) => `<mesure>${element('nom', m.name as string)}${element('valeur', m.value as string)}` +
    `${optionalElement('unite', text(m.unit))}${optionalElement('seuil', text(m.threshold))}${element('verdict', m.verdict as string)}</mesure>`).join('');
  return `<test>${element('referenceTest', reference)}${element('identifiantPrestation', serviceId)}${element('codeTest', testCode)}` +
    `${element('etat', state)}${element('dateLancement', launched)}${element('dateFin', finished)}${mesures}` +
    `${optionalElement('diagnostic', diagnosis as string | null)}${state === 'ECHEC' ? optionalElement('motifEchec', reasonText(p.failureReason)) : ''}</test>`;
}

/** The request element (document/literal: the whole Body content). */
export function notificationPayload(op: NotificationOperation, e: NotificationEvent): string {
  if (typeof e.payload !== 'object' || e.payload === null) throw new CodedError('ESAV_EVENT_PAYLOAD_UNREADABLE', 'unreadable event payload');
  const payload = e.payload as Record<string, unknown>;
  const open = `<${op.requestElement} xmlns="${escapeAttribute(op.namespace)}">${element('idEvenement', e.eventId)}`;
  if (e.kind === 'limit') return `${open}${element('horodatage', e.at.toISOString())}${limitAnnouncement(e, payload)}</${op.requestElement}>`;
  if (e.kind === 'appointment') {
    return `${open}${element('numeroOrdre', e.sequence)}${element('horodatage', e.at.toISOString())}${appointmentNotice(payload)}</${op.requestElement}>`;
  }
  if (e.kind === 'line_test') return `${open}${element('horodatage', e.at.toISOString())}${lineTestNotice(payload)}</${op.requestElement}>`;
  if (e.kind === 'works') {
    return `${open}${element('numeroOrdre', e.sequence)}${element('horodatage', e.at.toISOString())}${worksNotice(payload)}</${op.requestElement}>`;
  }
  return `${open}${element('numeroOrdre', e.sequence)}` +
    `${element('horodatage', e.at.toISOString())}${element('referenceSignalisation', e.reference)}${element('referenceOperateur', e.operatorReference)}` +
    `${e.kind === 'state' ? stateChange(payload) : comment(payload)}</${op.requestElement}>`;
}

export interface SoapRequest { readonly body: string; readonly headers: Readonly<Record<string, string>> }

/** The HTTP request: SOAP 1.1 (text/xml + SOAPAction header) or 1.2 (the action in the media type), UTF-8. */
export function notificationRequest(op: NotificationOperation, e: NotificationEvent, soap: SoapVersionId): SoapRequest {
  const body = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${ENVELOPE_NS[soap]}"><soap:Body>${notificationPayload(op, e)}</soap:Body></soap:Envelope>`;
  const headers: Record<string, string> = soap === '1.1'
    ? { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${op.soapAction}"` }
    : { 'content-type': `application/soap+xml; charset=utf-8; action="${op.soapAction}"` };
  return { body, headers };
}

const children = (el: XmlElement): XmlElement[] => el.childNodes().filter((n) => n.type() === 'element') as XmlElement[];
const named = (el: XmlElement, ns: string, local: string): boolean => el.name() === local && (el.namespace()?.href() ?? '') === ns;

function faultReason(fault: XmlElement): string {
  const detail = fault.get('.//c:DetailErreur', { c: COMMON_NS }) as XmlElement | null;
  const code = (detail?.get('c:code', { c: COMMON_NS }) as XmlElement | null)?.text();
  const reason = children(fault).find((c) => c.name() === 'faultstring' || c.name() === 'Reason')?.text().trim();
  return `faute SOAP${code ? ` ${code}` : ''}${reason ? ` : ${reason}` : ''}`;
}

/** Did the operator acknowledge this event? null when it did, else why not (for the delivery log). */
export function acknowledgementProblem(op: NotificationOperation, body: Buffer, eventId: string): string | null {
  let root: XmlElement | null;
  try {
    root = parseXmlHardened(body, ANSWER_LIMITS).root();
  } catch (e) {
    return `réponse illisible : ${isEsavError(e) ? e.message : (e as Error).message}`;
  }
  const soap = root && Object.values(ENVELOPE_NS).includes(root.namespace()?.href() ?? '') && root.name() === 'Envelope' ? root : null;
  const soapBody = soap ? children(soap).find((c) => c.name() === 'Body') : undefined;
  const payload = soapBody ? children(soapBody).at(0) : undefined;
  if (!soap || !payload) return 'réponse sans enveloppe SOAP';
  if (payload.name() === 'Fault') return faultReason(payload);
  if (!named(payload, op.namespace, op.responseElement)) return `réponse inattendue {${payload.namespace()?.href() ?? ''}}${payload.name()}`;
  const acknowledged = children(payload).find((c) => named(c, op.namespace, 'idEvenement'))?.text().trim();
  return acknowledged === eventId ? null : `accusé de réception d'un autre événement (${acknowledged ?? 'aucun'})`;
}
