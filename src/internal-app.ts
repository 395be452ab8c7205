/**
 * The internal API of one gateway (src/transport/internal-api.ts) bound to the OI's ticket actions, planned works and
 * incidents, the appointments' capacity plan and outcomes, and the e-intervention hub's views (the same actions as esav-admin).
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Clock } from './domain/clock.js';
import { appointmentPlanActions } from './domain/appointment-plan-actions.js';
import { oiTicketActions } from './domain/oi-ticket-actions.js';
import { DEFAULT_E_INTERVENTION_POLICY, type EInterventionPolicy } from './domain/e-intervention-rules.js';
import { interventionViews } from './domain/e-intervention-views.js';
import { createInterventionViewPorts } from './store/e-intervention-view-store.js';
import { createAppointmentPlanPorts } from './store/appointment-plan-store.js';
import type { Pool } from './store/database.js';
import { createOiTicketPorts } from './store/oi-ticket-store.js';
import type { NotificationContractFacts } from './domain/limit-announcement.js';
import {
  closeTicketsOfEvent, declareNetworkEvent, listNetworkEvents, moveNetworkEventInStore, ticketsLinkedTo, viewNetworkEvent
} from './store/network-event-store.js';
import { buildInternalApi, type InternalNetworkPort } from './transport/internal-api.js';
import type { InternalUsersPort } from './transport/internal-api-users.js';
import type { ProfileVocabulary } from './domain/profile.js';
import { invitePerson, listPeople, resetPerson, revokeSessions, setEnabled, setPersonFunctions, showPerson, unlockPersonNow } from './store/portal/people.js';
import type { TlsMaterial } from './transport/tls.js';

/** Planned works and incidents through the store, as esav-admin network works|incidents runs them (issue 15). */
function networkPort(pool: Pool, contract: NotificationContractFacts | null): InternalNetworkPort {
  return {
    list: (openOnly, category, limit) => listNetworkEvents(pool, openOnly, category, limit),
    async show(reference, first) {
      const view = await viewNetworkEvent(pool, reference, first);
      return view && { ...view, tickets: await ticketsLinkedTo(pool, reference) };
    },
    declare: (d, actor, now) => declareNetworkEvent(pool, d, actor, now, contract),
    async move(reference, move, changes, actor, now, closeTickets) {
      const moved = await moveNetworkEventInStore(pool, reference, move, changes, actor, now, contract);
      const closed = closeTickets && moved.to === 'CLOTURE' ? await closeTicketsOfEvent(pool, moved.event, actor, now) : [];
      return { ...moved, closed };
    }
  };
}

/** The portal's people through the actions esav-admin users runs, scoped to the operator of the path (issue 21). */
function usersPort(pool: Pool, publicUrl: string, vocabulary: ProfileVocabulary): InternalUsersPort {
  return {
    publicUrl,
    list: (operator, now) => listPeople(pool, operator, now, true),
    show: (operator, login, now) => showPerson(pool, login, now, operator),
    invite: async (operator, p, actor, now) => invitePerson(pool, { operatorCode: operator, ...p }, actor, now, vocabulary),
    setEnabled: async (operator, login, enabled, actor, now) => { await setEnabled(pool, login, enabled, actor, now, operator); },
    reset: (operator, login, actor, now) => resetPerson(pool, login, actor, now, operator),
    unlock: (operator, login, actor, now) => unlockPersonNow(pool, login, actor, now, operator),
    revokeSessions: (operator, login, actor, now) => revokeSessions(pool, login, actor, now, operator),
    setProfile: (operator, login, functions, offers, actor, now) => setPersonFunctions(pool, login, functions, offers, actor, now, vocabulary, operator)
  };
}

export interface InternalAppDeps {
  readonly pool: Pool;
  readonly clock: Clock;
  readonly tls: TlsMaterial;
  /** Where the request lines go (none without it). */
  readonly logger?: FastifyBaseLogger;
  /** The gateway's version, for the OpenAPI document. */
  readonly version?: string;
  /** The notification contract (its versions and operations): who of the impacted operators a change is pushed to. */
  readonly notificationContract?: NotificationContractFacts | null;
  /** The delays the OI enforces on e-interventions, shown against each one (default: the gateway's defaults). */
  readonly eInterventionPolicy?: EInterventionPolicy;
  /** The portal's public URL (the one-time links) and what a profile may name: the users routes; none without it. */
  readonly portalUsers?: { readonly publicUrl: string; readonly vocabulary: ProfileVocabulary };
}

export async function buildInternalApp(deps: InternalAppDeps): Promise<FastifyInstance> {
  return buildInternalApi(deps.tls, oiTicketActions(createOiTicketPorts(deps.pool)), deps.clock, {
    ...(deps.logger ? { logger: deps.logger } : {}), ...(deps.version ? { version: deps.version } : {}),
    network: networkPort(deps.pool, deps.notificationContract ?? null), appointments: appointmentPlanActions(createAppointmentPlanPorts(deps.pool, deps.notificationContract ?? null)),
    interventions: interventionViews(createInterventionViewPorts(deps.pool), deps.eInterventionPolicy ?? DEFAULT_E_INTERVENTION_POLICY),
    ...(deps.portalUsers ? { users: usersPort(deps.pool, deps.portalUsers.publicUrl, deps.portalUsers.vocabulary) } : {})
  });
}
