/**
 * The link to after-sales (issue 18 part 4): a ticket filed on a line an open intervention reported cut is linked
 * to it at filing (src/store/queries/tickets.ts); this says what the OI writes on those tickets when the
 * intervention moves on — a line restored (by its operator's report or the DO's), the intervention's end, its
 * report with a line still cut — so the operator reads it in the ticket's detail, history and notifications, as
 * for the network's incidents. Pure: the comments of a move, from the snapshot before and after it.
 */
import { parisOffsetMinutes } from './calendar.js';
import type { Intervention } from './e-intervention.js';

/** Who writes these comments on tickets (a system of the OI, shown as the comment's author). */
export const E_INTERVENTION_AUTHOR = 'hub e-intervention';

/** A comment for the tickets linked to the intervention: those of `operator` on `serviceId`, or all linked when null. */
export interface LinkedTicketComment {
  readonly operator: string | null;
  readonly serviceId: string | null;
  readonly text: string;
}

function paris(at: Date): string {
  const local = new Date(at.getTime() + parisOffsetMinutes(at) * 60_000).toISOString();
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} à ${local.slice(11, 16)} (heure de Paris)`;
}

export function linkedTicketComments(before: Intervention, after: Intervention): LinkedTicketComment[] {
  const name = `Intervention ${after.refIntervOI} au PM ${after.refPM}`;
  const was = new Map(before.lines.map((l) => [`${l.operator}|${l.refPTO}`, l]));
  const comments: LinkedTicketComment[] = [];
  for (const l of after.lines) {
    if (l.serviceId === null) continue;
    const prior = was.get(`${l.operator}|${l.refPTO}`);
    if (l.restoredAt !== null && (!prior || prior.restoredAt === null)) {
      const by = l.restoredByDo ? ' par le technicien de l’opérateur intervenant' : '';
      comments.push({ operator: l.operator, serviceId: l.serviceId, text: `${name} : ligne ${l.refPTO} rétablie${by} le ${paris(l.restoredAt)}.` });
    }
  }
  if (before.state === 'EN_COURS' && after.state !== 'EN_COURS' && after.endedAt) {
    comments.push({ operator: null, serviceId: null, text: `${name} terminée le ${paris(after.endedAt)}.` });
  }
  if (before.state !== 'CLOTUREE' && after.state === 'CLOTUREE') {
    for (const l of after.lines) {
      if (l.restoredAt !== null || l.serviceId === null) continue;
      comments.push({
        operator: l.operator, serviceId: l.serviceId,
        text: `${name} close : la ligne ${l.refPTO} n’a pas été rétablie par l’opérateur intervenant ; votre signalisation suit son cours.`
      });
    }
  }
  return comments;
}
