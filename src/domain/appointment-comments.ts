/**
 * What the OI writes on a ticket when an appointment that serves it changes (issue 16 part 5: "shown in the ticket's
 * detail"): one comment of the OI per change, in French, with the slot in Paris time, so that the operator reads the
 * appointment's life in consultationDetail, in its ticket notifications and on the portal, without a new version of
 * signalisation. Pure: the appointment use cases write it on the locked ticket in the change's own transaction.
 */
import type { AppointmentEvent, AppointmentKind } from './appointments.js';
import { parisTimestamp } from './calendar.js';

const KIND_LABEL: Readonly<Record<AppointmentKind, string>> = Object.freeze({ SAV: 'SAV', SAV_PLUS: 'SAV+', EXPERTISE: "d'expertise contradictoire" });

/** "le 05/12/2026 de 09:00 à 11:00 (heure de Paris)"; an end on another day is written with its date. */
export function parisSlot(start: Date, end: Date): string {
  const [sd, st] = parisTimestamp(start).split('T') as [string, string];
  const [ed, et] = parisTimestamp(end).split('T') as [string, string];
  const day = (d: string): string => d.split('-').reverse().join('/');
  const endText = ed === sd ? et.slice(0, 5) : `${day(ed)} ${et.slice(0, 5)}`;
  return `le ${day(sd)} de ${st.slice(0, 5)} à ${endText} (heure de Paris)`;
}

export interface AppointmentChangeFacts {
  readonly event: AppointmentEvent | 'book';
  readonly reference: string;
  readonly kind: AppointmentKind;
  readonly start: Date;
  readonly end: Date;
  /** The slot it left (move, rebook). */
  readonly previousStart: Date | null;
  readonly previousEnd: Date | null;
  /** The operator's reason or the OI's note given with the change. */
  readonly reason: string | null;
}

/** The OI's comment on the ticket for one change of its appointment (at most 4,000 characters, the comment's limit). */
export function appointmentComment(c: AppointmentChangeFacts): string {
  const name = `Rendez-vous ${KIND_LABEL[c.kind]} ${c.reference}`;
  const slot = parisSlot(c.start, c.end);
  const before = c.previousStart && c.previousEnd ? ` (au lieu de ${parisSlot(c.previousStart, c.previousEnd).slice(3)})` : '';
  const why = c.reason ? ` : ${c.reason}` : '';
  const text: Record<AppointmentEvent | 'book', string> = {
    book: `${name} pris pour ${slot}.`,
    confirm: `${name} confirmé pour ${slot}.`,
    move: `${name} reporté ${slot.replace(/^le /, 'au ')}${before}.`,
    rebook: `${name} : nouveau rendez-vous pris pour ${slot}${before}.`,
    cancel: `${name} prévu ${slot} annulé${why}.`,
    start: `${name} : intervention du technicien commencée${why}.`,
    complete: `${name} : intervention réalisée${why}.`,
    miss: `${name} manqué par l'OI${why}. Prenez un nouveau rendez-vous (NOUVEAU_RDV) sans frais.`,
    fail: `${name} : client absent${why}. Prenez un nouveau rendez-vous (NOUVEAU_RDV).`
  };
  return text[c.event].slice(0, 4000);
}
