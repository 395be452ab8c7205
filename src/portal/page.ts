/**
 * A page of the portal: its route, who may reach it, the function it is (A5: named as the web-service operation,
 * which also gives its L1 category and L2 limits), its place in the navigation, and what it does. The server
 * (portal-server.ts) does the rest for every page alike — maintenance, session, rights, CSRF, counting — so adding
 * a function to the portal is adding a page to pages/index.ts.
 */
import type { Catalog } from '../catalog/catalog-types.js';
import type { Clock } from '../domain/clock.js';
import type { Caller } from '../domain/identity.js';
import type { ActiveWindow } from '../domain/maintenance.js';
import type { PortalFunction } from '../domain/portal-access.js';
import type { PersonCredentials, PortalDirectory } from '../domain/portal-directory.js';
import type { AppointmentStore } from '../domain/appointment-records.js';
import type { TestCatalogue } from '../domain/line-test-catalogue.js';
import type { LineTestStore } from '../domain/line-tests.js';
import type { NetworkEventFilter, VisibleNetworkEvent } from '../domain/network-event.js';
import type { ServiceRepository } from '../domain/service-inventory.js';
import type { TicketStore } from '../domain/tickets.js';
import type { Html } from './html.js';

/** The L1 counter and L2 admission the web services use (store/load/load-accounting.ts). */
export interface PortalLoad {
  admit(operatorId: string, service: string, operation: string, now: Date): Promise<void>;
  count(operatorId: string, operatorCode: string, service: string, operation: string, outcome: 'ok' | 'fault', now: Date): void;
}

export interface PortalDeps {
  readonly directory: PortalDirectory;
  readonly tickets: TicketStore;
  readonly services: ServiceRepository;
  readonly catalog: Catalog;
  readonly load: PortalLoad;
  readonly maintenance: { current(now: Date): ActiveWindow | null; coming(now: Date, days: number): ActiveWindow[] };
  readonly clock: Clock;
  /** S6: whether an offer's tickets may be filed on the portal (offer.online_filing_allowed). */
  readonly onlineFilingAllowed: (offerCode: string) => Promise<boolean>;
  /** S5: the line tests' store and catalogue, as the test web service uses them. */
  readonly lineTests: { readonly store: LineTestStore; readonly catalogue: TestCatalogue };
  /** S4: the appointment store, as the rendezvous web service uses it. */
  readonly appointments: AppointmentStore;
  /** The operator's view of planned works and incidents (A6), as the info-travaux web service reads it. */
  readonly networkEvents: (operatorId: string, filter: NetworkEventFilter, limit: number) => Promise<VisibleNetworkEvent[]>;
}

/** A signed-in person and the caller the domain operations see (same shape as a certificate's). */
export interface Visitor {
  readonly person: PersonCredentials;
  readonly caller: Caller;
}

export interface PageRequest {
  readonly now: Date;
  readonly params: Readonly<Record<string, string>>;
  /** Query string values; a repeated key keeps all its values in `queryAll`. */
  readonly query: Readonly<Record<string, string>>;
  readonly queryAll: (name: string) => string[];
  readonly form: Readonly<Record<string, string>>;
  readonly visitor: Visitor | null;
  readonly sessionToken: string | null;
  /** A CSRF token for the forms of the page being rendered. */
  readonly csrf: () => string;
  readonly deps: PortalDeps;
  /** The functions of the portal's pages this visitor may use (for the navigation and the action forms). */
  readonly may: (fn: PortalFunction) => boolean;
}

export type PageResult =
  | { readonly kind: 'page'; readonly status?: number; readonly title: string; readonly body: Html; readonly headers?: Readonly<Record<string, string>> }
  /** session: a new session token to set, or null to clear the cookie. */
  | { readonly kind: 'redirect'; readonly to: string; readonly session?: string | null };

export type PageAccess = 'public' | 'second-factor' | 'signed-in';

export interface PortalPage {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly access: PageAccess;
  /** The function this page is (A5); the person's profile must grant it. */
  readonly function?: PortalFunction;
  /**
   * Counted (L1) and limited (L2) as the web-service operation it is; default true when a function is set. A
   * predicate counts only the requests that are that operation (a search with its criteria, not its empty form).
   */
  readonly counted?: boolean | ((r: PageRequest) => boolean);
  /** Shown in the navigation, in this order. */
  readonly nav?: { readonly label: string; readonly order: number };
  handle(r: PageRequest): Promise<PageResult>;
}

export const page = (title: string, body: Html, status?: number, headers?: Readonly<Record<string, string>>): PageResult =>
  ({ kind: 'page', title, body, ...(status ? { status } : {}), ...(headers ? { headers } : {}) });
export const redirect = (to: string, session?: string | null): PageResult => ({ kind: 'redirect', to, ...(session !== undefined ? { session } : {}) });
