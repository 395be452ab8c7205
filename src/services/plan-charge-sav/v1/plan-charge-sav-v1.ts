/**
 * Adapter of the "plan-charge-sav" service, version 1: Interop'Fibre's PlanChargeFtthSav (issue 16 part 2), wire XML
 * ⇄ the appointment use cases (src/domain/appointment-service.ts). Requests have been validated against
 * xsd/plan-charge-sav/v1/plan-charge-sav.xsd (the original's schema) before they reach this code. Every operation
 * needs the EnteteType header, whose sirenOC must be the SIREN of the operator of the client certificate and sirenOI
 * ours; every answer carries EnteteType back, with horodatageReponse set by us.
 *
 * The contract's typeIntervention has two values: S (SAV) and E (expertise contradictoire); SAV+ is booked with our
 * rendezvous service. Its statutRendezVous has two (CREE, CONFIRME): EN_COURS and TERMINE answer CONFIRME (the
 * appointment stands), the states it cannot say (MANQUE_OI, ECHEC_CLIENT, ANNULE) a fault naming the state.
 */
import {
  bookSlot, consultAppointment, moveAppointment, searchFreeSlots
} from '../../../domain/appointment-service.js';
import type { AppointmentStore } from '../../../domain/appointment-records.js';
import { REPORT_NATURES, type AppointmentKind, type AppointmentState, type ReportNature } from '../../../domain/appointments.js';
import { parisTimestamp } from '../../../domain/calendar.js';
import type { Caller } from '../../../domain/identity.js';
import { EsavError } from '../../../errors/esav-error.js';
import type { OperationContext, OperationResult, ServiceAdapter } from '../../../soap/types.js';
import { element, optionalElement } from '../../../xml/escape.js';
import { childText, type XmlTreeElement } from '../../../xml/element-tree.js';
import { wireInstant } from '../../info-travaux/v1/info-travaux-v1.js';
import { header, HEADER, infoErreurDialect, NS, responseHeader } from './fault-codes.js';

export interface PlanChargeSavPorts {
  readonly appointments: AppointmentStore;
  /** The SIREN of the caller's operator. */
  callerSiren(caller: Caller): Promise<string>;
  readonly oiSiren: string;
}

const KIND_OF: Readonly<Record<string, AppointmentKind>> = Object.freeze({ S: 'SAV', E: 'EXPERTISE' });
const TYPE_OF: Readonly<Record<AppointmentKind, string>> = Object.freeze({ SAV: 'S', SAV_PLUS: 'S', EXPERTISE: 'E' });
const STATUS_OF: Readonly<Partial<Record<AppointmentState, string>>> = Object.freeze({
  CREE: 'CREE', CONFIRME: 'CONFIRME', EN_COURS: 'CONFIRME', TERMINE: 'CONFIRME'
});

const text = (el: XmlTreeElement, local: string): string => childText(el, local) ?? '';

/** The header names the caller (sirenOC: its operator's SIREN) and us (sirenOI); a header is a claim, the certificate the proof. */
async function checkHeader(ctx: OperationContext, ports: PlanChargeSavPorts): Promise<void> {
  const h = header(ctx.headers);
  if (!h) throw new EsavError('ESAV_CALLER_HEADER_MISMATCH', { params: { header: HEADER, why: 'est absente : elle est obligatoire' } });
  const oc = text(h, 'sirenOC');
  const siren = await ports.callerSiren(ctx.caller);
  if (oc !== siren) {
    throw new EsavError('ESAV_CALLER_HEADER_MISMATCH', {
      params: { header: HEADER, why: `désigne dans sirenOC « ${oc} », qui n'est pas le SIREN de l'opérateur du certificat client` }
    }, { logReason: `sirenOC ${oc}, caller's SIREN ${siren}` });
  }
  const oi = text(h, 'sirenOI');
  if (oi !== ports.oiSiren) {
    const why = `désigne dans sirenOI « ${oi} », qui n'est pas le SIREN de l'OI (${ports.oiSiren})`;
    throw new EsavError('ESAV_CALLER_HEADER_MISMATCH', { params: { header: HEADER, why } });
  }
}

export function planChargeSavV1(ports: PlanChargeSavPorts): ServiceAdapter {
  const store = ports.appointments;
  const answer = (ctx: OperationContext, local: string, content: string): OperationResult => ({
    body: `<tns:${local} xmlns:tns="${NS}">${content}</tns:${local}>`,
    headers: [responseHeader(ctx.headers, ctx.now, ports.oiSiren)]
  });
  return {
    service: 'plan-charge-sav',
    version: 1,
    faults: infoErreurDialect(ports.oiSiren),
    operations: {
      async rechercheCreneauxLibres(request, ctx) {
        await checkHeader(ctx, ports);
        const slots = await searchFreeSlots(store, ctx.caller, {
          kind: KIND_OF[text(request, 'typeIntervention')] ?? 'SAV', inseeCode: text(request, 'codeInsee'),
          from: wireInstant(text(request, 'dateDebut')), to: wireInstant(text(request, 'dateFin'))
        }, ctx.now);
        const occ = slots.map((s) => `<occCreneau>${element('dateDebut', parisTimestamp(s.start))}${element('dateFin', parisTimestamp(s.end))}` +
          `${element('idOI', s.token)}</occCreneau>`).join('');
        return answer(ctx, 'RechercheCreneauxLibresReponse', `<listeCreneau>${occ}</listeCreneau>`);
      },

      async reservationCreneau(request, ctx) {
        await checkHeader(ctx, ports);
        const a = await bookSlot(store, ctx.caller, {
          token: text(request, 'idCreneau'), inseeCode: text(request, 'codeInsee'), marketSegment: text(request, 'segmentMarche') || null
        }, ctx.now);
        return answer(ctx, 'ReservationCreneauReponse', element('idRendezvous', a.reference));
      },

      async reportRDV(request, ctx) {
        await checkHeader(ctx, ports);
        const nature = text(request, 'natureReport');
        await moveAppointment(store, ctx.caller, text(request, 'idRendezvous'), text(request, 'idCreneau'),
          (REPORT_NATURES as readonly string[]).includes(nature) ? nature as ReportNature : null, ctx.now);
        return answer(ctx, 'ReportRDVReponse', '');
      },

      async consultationRdv(request, ctx) {
        await checkHeader(ctx, ports);
        const { appointment: a } = await consultAppointment(store, ctx.caller, text(request, 'idRendezVous'));
        const status = STATUS_OF[a.state];
        if (status === undefined) {
          throw new EsavError('ESAV_APPOINTMENT_TRANSITION', {
            params: {
              reference: a.reference, state: a.state,
              why: "cet état n'a pas d'équivalent dans statutRendezVous (CREE, CONFIRME) : le service rendezvous v1 le donne"
            }
          });
        }
        return answer(ctx, 'ConsultationRdvReponse', `${element('idRendezVous', a.reference)}${element('dateDebut', parisTimestamp(a.slotStart))}` +
          `${element('dateFin', parisTimestamp(a.slotEnd))}${element('codeInsee', a.inseeCode)}${element('typeIntervention', TYPE_OF[a.kind])}` +
          `${element('natureProduit', 'FTTH_ACCES')}${optionalElement('segmentMarche', a.marketSegment)}${element('statutRendezVous', status)}`);
      }
    }
  };
}
