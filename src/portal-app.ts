/**
 * e-SAV en ligne (src/portal/) bound to the store: the same ticket store, service repository, catalogue, load
 * accounting (L1/L2) and maintenance windows (M1/M2) as the web services, plus the portal's people and sessions.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Catalog } from './catalog/catalog-types.js';
import type { Clock } from './domain/clock.js';
import { findRootDir } from './config/config.js';
import { loadTestCatalogue } from './catalog/test-catalogue-loader.js';
import type { NotificationContractFacts } from './domain/limit-announcement.js';
import type { TestCatalogue } from './domain/line-test-catalogue.js';
import { buildPortalServer } from './portal/portal-server.js';
import type { PortalDeps, PortalLoad } from './portal/page.js';
import { PORTAL_PAGES } from './portal/pages/index.js';
import type { Pool } from './store/database.js';
import type { MaintenanceSchedule } from './store/maintenance-store.js';
import { createPortalDirectory, offerAllowsOnlineFiling, sharedCookieSecret } from './store/portal/portal-directory-store.js';
import { createAppointmentStore } from './store/appointment-store.js';
import { createLineTestStore } from './store/line-test-store.js';
import { visibleNetworkEvents } from './store/network-event-store.js';
import { createServiceRepository } from './store/service-repository.js';
import { createTicketStore } from './store/ticket-store.js';

export interface PortalAppDeps {
  readonly pool: Pool;
  readonly clock: Clock;
  readonly catalog: Catalog;
  readonly logger: Logger;
  readonly load: PortalLoad;
  readonly maintenance: MaintenanceSchedule;
  readonly tls: { readonly cert: string; readonly key: string };
  /** null: the one kept in PostgreSQL for every instance. */
  readonly cookieSecret: string | null;
  /** The line tests' catalogue (default: the one under catalog/tests of the repository). */
  readonly testCatalogue?: TestCatalogue;
  /** The notification contract: an appointment booked or changed on the portal is pushed like one made by SOAP. */
  readonly notificationContract?: NotificationContractFacts | null;
}

export async function buildPortalApp(d: PortalAppDeps): Promise<FastifyInstance> {
  const deps: PortalDeps = {
    directory: createPortalDirectory(d.pool),
    tickets: createTicketStore(d.pool),
    services: createServiceRepository(d.pool),
    catalog: d.catalog,
    load: d.load,
    maintenance: d.maintenance,
    clock: d.clock,
    onlineFilingAllowed: (offer) => offerAllowsOnlineFiling(d.pool, offer),
    lineTests: { store: createLineTestStore(d.pool), catalogue: d.testCatalogue ?? loadTestCatalogue(findRootDir()) },
    appointments: createAppointmentStore(d.pool, d.notificationContract ?? null),
    networkEvents: (operatorId, filter, limit) => visibleNetworkEvents(d.pool, operatorId, filter, limit)
  };
  const cookieSecret = d.cookieSecret ?? await sharedCookieSecret(d.pool);
  return buildPortalServer(deps, { tls: d.tls, cookieSecret, logger: d.logger, pages: PORTAL_PAGES });
}
