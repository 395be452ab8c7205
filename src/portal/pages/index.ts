/** Every page of the portal. A new function (line tests, appointments, planned works) is a new module listed here. */
import type { PortalPage } from '../page.js';
import { activationPages } from './activation.js';
import { appointmentPages } from './appointments.js';
import { filingPages } from './filing.js';
import { lineTestPages } from './line-tests.js';
import { networkEventPages } from './network-events.js';
import { servicePages } from './services.js';
import { signInPages } from './sign-in.js';
import { ticketPages } from './tickets.js';

export const PORTAL_PAGES: readonly PortalPage[] = [...signInPages, ...activationPages, ...servicePages, ...filingPages, ...ticketPages, ...lineTestPages, ...appointmentPages, ...networkEventPages];
