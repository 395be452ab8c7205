/**
 * Adapter of the "rendezvous" service, version 1 (issue 16 part 3): our own contract for appointments SAV, SAV+ and
 * joint expertise, wire XML ⇄ the appointment use cases that planChargeSav v1 uses too (src/domain/
 * appointment-service.ts). Requests have been validated against xsd/rendezvous/v1/rendezvous.xsd; faults are our
 * DetailErreur. Every read and change is scoped to the caller (A6).
 */
import {
  bookSlot, cancelAppointment, confirmAppointment, consultAppointment, moveAppointment, searchFreeSlots
} from '../../../domain/appointment-service.js';
import type { AppointmentRecord, AppointmentStore, AppointmentTransitionRecord } from '../../../domain/appointment-records.js';
import { APPOINTMENT_CUTOFF_HOURS, APPOINTMENT_EVENT_WIRE, isAppointmentKind, type AppointmentKind } from '../../../domain/appointments.js';
import type { Caller } from '../../../domain/identity.js';
import type { OperationContext, OperationResult, ServiceAdapter } from '../../../soap/types.js';
import { element, optionalElement } from '../../../xml/escape.js';
import { childText, type XmlTreeElement } from '../../../xml/element-tree.js';
import { wireInstant } from '../../info-travaux/v1/info-travaux-v1.js';

export const NS = 'http://esav.bfc-fibre.fr/rendezvous/v1';

const EVENT_WIRE: Readonly<Record<string, string>> = APPOINTMENT_EVENT_WIRE;
const HOUR = 3_600_000;

const text = (el: XmlTreeElement, local: string): string => childText(el, local) ?? '';
const kindOf = (el: XmlTreeElement): AppointmentKind => {
  const k = text(el, 'typeRendezVous');
  return isAppointmentKind(k) ? k : 'SAV';
};

function eventXml(h: AppointmentTransitionRecord): string {
  // The moves of the slot show the slot moved to; the OI's agents are not named to the operator.
  return `<evenement>${element('date', h.at.toISOString())}${element('evenement', EVENT_WIRE[h.event] ?? 'REPORT')}${element('etat', h.to)}` +
    `${element('acteur', h.actorKind === 'operator' ? 'OPERATEUR' : 'OI')}${optionalElement('debutCreneau', h.toSlotStart?.toISOString())}` +
    `${optionalElement('motif', h.reason?.slice(0, 500))}</evenement>`;
}

export function rendezVousXml(a: AppointmentRecord, history: readonly AppointmentTransitionRecord[]): string {
  const cutoff = APPOINTMENT_CUTOFF_HOURS[a.kind];
  const before = (hours: number): string => new Date(a.slotStart.getTime() - hours * HOUR).toISOString();
  return `<rendezVous>${element('referenceRendezVous', a.reference)}${element('typeRendezVous', a.kind)}${element('etat', a.state)}` +
    `${element('debut', a.slotStart.toISOString())}${element('fin', a.slotEnd.toISOString())}${element('codeInsee', a.inseeCode)}` +
    `${optionalElement('referenceSignalisation', a.ticketReference)}${element('dateCreation', a.createdAt.toISOString())}` +
    `${element('dateLimiteAnnulation', before(cutoff.cancel))}${element('dateLimiteReport', before(cutoff.move))}` +
    `${optionalElement('compteRendu', a.outcomeNote)}${history.map(eventXml).join('')}</rendezVous>`;
}

export function rendezvousV1(store: AppointmentStore): ServiceAdapter {
  /** Every change answers the appointment as it now is, with its history. */
  const answer = async (caller: Caller, reference: string): Promise<OperationResult> => {
    const { appointment, history } = await consultAppointment(store, caller, reference);
    return { body: `<RendezVousReponse xmlns="${NS}">${rendezVousXml(appointment, history)}</RendezVousReponse>` };
  };
  return {
    service: 'rendezvous',
    version: 1,
    operations: {
      async rechercheCreneaux(request, ctx: OperationContext) {
        const slots = await searchFreeSlots(store, ctx.caller, {
          kind: kindOf(request), inseeCode: text(request, 'codeInsee'), from: wireInstant(text(request, 'debut')), to: wireInstant(text(request, 'fin'))
        }, ctx.now);
        const creneaux = slots.map((s) => `<creneau>${element('idCreneau', s.token)}${element('typeRendezVous', s.kind)}` +
          `${element('debut', s.start.toISOString())}${element('fin', s.end.toISOString())}${element('placesLibres', s.free)}</creneau>`).join('');
        return { body: `<RechercheCreneauxReponse xmlns="${NS}">${creneaux}</RechercheCreneauxReponse>` };
      },

      async priseRendezVous(request, ctx) {
        const a = await bookSlot(store, ctx.caller, {
          token: text(request, 'idCreneau'), inseeCode: text(request, 'codeInsee'), marketSegment: null, kind: kindOf(request),
          ticketReference: childText(request, 'referenceSignalisation')
        }, ctx.now);
        return answer(ctx.caller, a.reference);
      },

      async reportRendezVous(request, ctx) {
        const a = await moveAppointment(store, ctx.caller, text(request, 'referenceRendezVous'), text(request, 'idCreneau'), null, ctx.now);
        return answer(ctx.caller, a.reference);
      },

      async confirmationRendezVous(request, ctx) {
        const a = await confirmAppointment(store, ctx.caller, text(request, 'referenceRendezVous'), ctx.now);
        return answer(ctx.caller, a.reference);
      },

      async annulationRendezVous(request, ctx) {
        const a = await cancelAppointment(store, ctx.caller, text(request, 'referenceRendezVous'), childText(request, 'motif'), ctx.now);
        return answer(ctx.caller, a.reference);
      },

      async consultationRendezVous(request, ctx) {
        return answer(ctx.caller, text(request, 'referenceRendezVous'));
      }
    }
  };
}
