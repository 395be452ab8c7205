/**
 * buildApp(config, deps): the gateway as a Fastify instance, never listening (server.ts and the tests listen).
 * Everything with a life of its own (the pool, the clock, the logger, TLS material) comes in through deps.
 */
import { randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { loadCatalog } from './catalog/catalog-loader.js';
import { formSchemaImports, type Catalog } from './catalog/catalog-types.js';
import { loadContracts } from './contracts/contract-loader.js';
import { notificationContractFacts } from './contracts/notification-contract.js';
import type { ContractSet } from './contracts/service-descriptor.js';
import { systemClock, type Clock } from './domain/clock.js';
import { catalogueV1 } from './services/catalogue/v1/catalogue-v1.js';
import { exploitationV1 } from './services/exploitation/v1/exploitation-v1.js';
import { infoTravauxV1 } from './services/info-travaux/v1/info-travaux-v1.js';
import { planChargeSavV1 } from './services/plan-charge-sav/v1/plan-charge-sav-v1.js';
import { rendezvousV1 } from './services/rendezvous/v1/rendezvous-v1.js';
import { createAppointmentStore } from './store/appointment-store.js';
import { prestationV1 } from './services/prestation/v1/prestation-v1.js';
import { signalisationV1 } from './services/signalisation/v1/signalisation-v1.js';
import { signalisationV2 } from './services/signalisation/v2/signalisation-v2.js';
import { testV1 } from './services/test/v1/test-v1.js';
import { loadTestCatalogue } from './catalog/test-catalogue-loader.js';
import type { TestCatalogue } from './domain/line-test-catalogue.js';
import { interventionLineTest } from './domain/e-intervention-tests.js';
import { checkFilingTests } from './domain/line-tests.js';
import { createLineTestStore } from './store/line-test-store.js';
import { startLoadAccounting, type LoadAccounting } from './store/load/load-accounting.js';
import { createGoLiveGate, createGoLiveRecorder } from './store/golive-store.js';
import { createMaintenanceSchedule, type MaintenanceSchedule } from './store/maintenance-store.js';
import { visibleNetworkEvents } from './store/network-event-store.js';
import { findOperator } from './store/registry/operators.js';
import { createTicketStore } from './store/ticket-store.js';
import { createSoapPipeline } from './soap/pipeline.js';
import { createTurns } from './soap/turns.js';
import { createOffLoopReader } from './xml/off-loop-reader.js';
import type { ServiceAdapter } from './soap/types.js';
import { createCertificateAuthenticator } from './store/certificate-registry.js';
import type { Listener, Pool } from './store/database.js';
import { activeTrustedCaPems } from './store/registry/trust.js';
import { watchRegistry, type RegistryWatcher } from './store/registry-watcher.js';
import { createServiceRepository } from './store/service-repository.js';
import { clientErrorHandler, drainGuard, frameworkErrorHandler, type DrainControl } from './transport/http-edges.js';
import { createFairShare, type FairShare } from './transport/fair-share.js';
import { overloadGuard } from './transport/overload.js';
import { createRequestMetrics, type RequestMetrics } from './transport/request-metrics.js';
import { soapRoutes } from './transport/soap-routes.js';
import { E_INTERVENTION_PREFIX, eInterventionRoutes } from './transport/e-intervention-routes.js';
import { loadEInterventionContract, type EInterventionContract } from './contracts/e-intervention-contract.js';
import { eInterventionV2 } from './services/e-intervention/v2/e-intervention-v2.js';
import { createInterventionStore } from './store/e-intervention-store.js';
import { createInterventionViewPorts } from './store/e-intervention-view-store.js';
import { interventionViews } from './domain/e-intervention-views.js';
import { handshakeFailureReason, httpsOptions, type TlsMaterial } from './transport/tls.js';

declare module 'fastify' {
  interface FastifyInstance {
    requestMetrics: RequestMetrics; registry: RegistryWatcher; load: LoadAccounting; drain: DrainControl; fairShare: FairShare; maintenance: MaintenanceSchedule
  }
}

export interface AppDeps {
  readonly pool: Pool;
  /** A dedicated connection for LISTEN (the registry watcher). */
  readonly listenClient: () => Listener;
  readonly tls: TlsMaterial;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Defaults to the contracts in config.rootDir (wsdl/, xsd/). */
  readonly contracts?: ContractSet;
  /** Defaults to the form catalogue in config.rootDir (catalog/). */
  readonly catalog?: Catalog;
  /** Defaults to the tests catalogue in config.rootDir (catalog/tests/). */
  readonly testCatalogue?: TestCatalogue;
  /** Defaults to the E-Intervention OpenAPI files in config.rootDir (openapi/e-intervention/v2/). */
  readonly eInterventionContract?: EInterventionContract;
  /** Told when an e-intervention change wrote outbound messages (the outbox worker's wake-up: the alert path). */
  readonly onEInterventionMessages?: () => void;
  /** Adapters for contracts beyond the built-in ones (a contracts set given in `contracts`). */
  readonly extraAdapters?: readonly ServiceAdapter[];
}

export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const catalog = deps.catalog ?? loadCatalog(config.rootDir);
  const contracts = deps.contracts ?? loadContracts(config.rootDir, formSchemaImports(catalog));
  // Compiled before the overload guard samples the event loop: a boot's compile is not a request's delay.
  const eiContract = deps.eInterventionContract ?? loadEInterventionContract(config.rootDir);
  const services = createServiceRepository(deps.pool);
  const authenticator = createCertificateAuthenticator(deps.pool, config.authCacheTtlMs);
  const testCatalogue = deps.testCatalogue ?? loadTestCatalogue(config.rootDir);
  const lineTests = createLineTestStore(deps.pool);
  const signalisation = {
    tickets: createTicketStore(deps.pool), services, catalog,
    // S5: a test before filing where the offer requires it, and a form's testPrealable naming a real, recent result.
    filingTests: {
      check: (caller: Parameters<typeof checkFilingTests>[2], serviceId: string, priorTest: string | null, now: Date) =>
        checkFilingTests(lineTests, testCatalogue, caller, serviceId, priorTest, now)
    }
  };
  const clock = deps.clock ?? systemClock;
  const appointments = createAppointmentStore(deps.pool, notificationContractFacts(contracts));
  const maintenance = await createMaintenanceSchedule(deps.pool, config.nightlyWindow, clock.now());
  // L1 counts and L2 limits, shared by every instance through PostgreSQL; the ops listener reads its totals.
  const accounting = await startLoadAccounting({ pool: deps.pool, clock, onError: (e, what) => deps.logger.warn({ err: e.message }, what) });
  // Go-live (A4), composed around the load accounting: the integration platform records each operator's successful
  // calls per web service; production refuses the web services (not the contracts) to an unvalidated operator.
  const goLiveRecorder = config.env === 'integration' ? createGoLiveRecorder(deps.pool, { onError: (e) => deps.logger.warn({ err: e.message }, 'go-live recorder') }) : null;
  const goLiveGate = config.requireGoLive ? createGoLiveGate(deps.pool, config.authCacheTtlMs) : null;
  const xmlLimits = { maxDepth: config.xmlMaxDepth, maxAttributes: config.xmlMaxAttributes, maxElements: config.xmlMaxElements };
  const offLoop = createOffLoopReader({ minBytes: config.xmlOffLoopBytes, workers: config.xmlOffLoopWorkers, answerWithinMs: config.xmlOffLoopTimeoutMs,
    env: config.childEnv, limits: xmlLimits });
  const pipeline = createSoapPipeline({
    contracts,
    adapters: [prestationV1(services), catalogueV1(catalog), signalisationV1(signalisation), signalisationV2(signalisation), exploitationV1(maintenance),
      infoTravauxV1({
        visibleEvents: (operatorId, filter, limit) => visibleNetworkEvents(deps.pool, operatorId, filter, limit),
        callerIdentifiers: async (caller) => [caller.operator.code, (await findOperator(deps.pool, caller.operator.code)).siren]
      }),
      rendezvousV1(appointments),
      planChargeSavV1({ appointments, oiSiren: config.oiSiren, callerSiren: async (caller) => (await findOperator(deps.pool, caller.operator.code)).siren }),
      testV1({
        store: lineTests, catalogue: testCatalogue,
        openEvents: (operatorId, serviceId) => visibleNetworkEvents(deps.pool, operatorId, { impactedService: serviceId }, 100)
      }),
      ...(deps.extraAdapters ?? [])],
    authenticator,
    clock,
    maintenance,
    ...(goLiveGate ? { goLive: goLiveGate } : {}),
    load: accounting,
    counter: {
      count(operatorId, operatorCode, service, operation, outcome, now) {
        if (outcome === 'ok') goLiveRecorder?.record(operatorId, service, now);
        accounting.count(operatorId, operatorCode, service, operation, outcome, now);
      }
    },
    turns: createTurns(),
    offLoop,
    xmlLimits
  });

  const instance = randomBytes(3).toString('hex');
  let sequence = 0;
  // The trust store: the OI's CA and the configured recognised CAs, plus those added at run time (A2).
  const tlsWith = async (): Promise<TlsMaterial> => ({ ...deps.tls, ca: [...deps.tls.ca, ...await activeTrustedCaPems(deps.pool)] });
  const app = Fastify({
    // Node checks headersTimeout and requestTimeout every connectionsCheckingInterval (30 s by default, so a 20 s
    // headers timeout cut slow clients at ~33 s): checked every second, they cut within a second of their setting.
    https: { ...httpsOptions(await tlsWith()), connectionsCheckingInterval: 1000 },
    loggerInstance: deps.logger,
    // One log line per request is written by the SOAP routes' onResponse hook, not by Fastify.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // An idle socket is cut silently: after the request timeout had the time to answer its fault (408) first.
    connectionTimeout: config.requestTimeoutMs + 2000,
    // Calls arriving while the instance closes get a SOAP fault (http-edges.ts), not Fastify's JSON 503.
    return503OnClosing: false,
    clientErrorHandler: clientErrorHandler(config.requestTimeoutMs),
    frameworkErrors: frameworkErrorHandler,
    genReqId: () => `${instance}-${(++sequence).toString(36)}`
  });
  // A client that sends its headers too slowly is cut (slowloris); the body has requestTimeout.
  app.server.headersTimeout = Math.min(config.requestTimeoutMs, 20_000);
  const drain = drainGuard([E_INTERVENTION_PREFIX]);
  await app.register(drain.plugin);
  // Overload without a declared limit: a fast fault with a retry-after instead of a time-out (event loop, pool).
  await app.register(overloadGuard({
    maxEventLoopDelayMs: config.maxEventLoopDelayMs, maxDatabaseWaiting: config.maxDatabaseWaiting,
    databaseWaiting: () => deps.pool.waitingCount, retryAfterSeconds: 5, shedsByOperator: true
  }));
  const metrics = createRequestMetrics(() => offLoop.figures());
  app.server.on('tlsClientError', (e: NodeJS.ErrnoException, socket: TLSSocket) => metrics.tlsFailure(handshakeFailureReason(e, socket)));
  const shares = createFairShare(config.fairShare);
  // e-intervention (issue 18): JSON routes of the OI under /e-intervention/v2, same listener, same certificates.
  const ei = config.eIntervention;
  await app.register(eInterventionRoutes({
    contract: eiContract,
    handlers: eInterventionV2({
      contract: eiContract, port: createInterventionStore(deps.pool, ei.oiCode, (offer, now) => interventionLineTest(testCatalogue, offer, now)), oiCode: ei.oiCode,
      policy: { reportWindowMs: ei.reportWindowMs, consentWindowMs: ei.consentWindowMs }, onMessages: deps.onEInterventionMessages ?? (() => undefined)
    }),
    authenticator, clock, bodyLimit: config.bodyLimitBytes, shares,
    alerting: interventionViews(createInterventionViewPorts(deps.pool), { reportWindowMs: ei.reportWindowMs, consentWindowMs: ei.consentWindowMs })
  }), { prefix: E_INTERVENTION_PREFIX });
  await app.register(soapRoutes(pipeline, config.port, config.bodyLimitBytes, deps.logger.isLevelEnabled('info'), metrics, shares));

  // Registry changes apply without a restart: a revoked certificate on the next request, a trust-store change on
  // the next handshake (existing connections keep the context they were accepted with).
  const watcher = await watchRegistry({
    pool: deps.pool,
    listenClient: deps.listenClient,
    pollMs: config.registryPollMs,
    onChange: async (kinds) => {
      if (kinds.has('certificates')) authenticator.clear();
      if (kinds.has('maintenance')) await maintenance.refresh(clock.now());
      if (kinds.has('trust')) {
        app.server.setSecureContext(httpsOptions(await tlsWith()));
        deps.logger.info('trust store reloaded');
      }
    },
    onError: (e) => deps.logger.warn({ err: e.message }, 'registry watcher')
  });
  app.decorate('registry', watcher);
  app.decorate('load', accounting);
  app.decorate('requestMetrics', metrics);
  app.decorate('drain', drain.control);
  app.decorate('fairShare', shares);
  // The portal (portal-app.ts) shows the same windows, refreshed by the same registry watcher.
  app.decorate('maintenance', maintenance);
  // After in-flight calls finished: their counts are flushed too.
  app.addHook('onClose', async () => { await watcher.close(); await accounting.close(); await goLiveRecorder?.close(); await offLoop.close(); });
  return app as unknown as FastifyInstance;
}
