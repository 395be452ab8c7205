/**
 * Observability by the book (issue 19 item 6): the /metrics of a real gateway process passes `promtool check metrics`
 * (the Prometheus naming and exposition lint), the alert rules of ops/prometheus pass `promtool check rules` and
 * their unit tests (`promtool test rules`), the sample Prometheus configuration passes `promtool check config`, and
 * every metric the rules and the Grafana dashboard query is one this gateway exposes.
 *
 * promtool comes with Debian's `prometheus` package (.ci/run installs it): without it this test fails, it does not skip.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../src/config/config.js';
import { errorRegistry } from '../../src/errors/registry.js';
import { costlyDocuments } from '../chaos/support/costly-documents.js';
import { gatewayProcess, type GatewayProcess } from '../chaos/support/gateway-process.js';
import { freshDatabase, testDatabaseUrl, type TestDatabase } from '../support/database.js';
import { call, consultation } from '../support/soap-client.js';

const root = findRootDir();
const ops = (...p: string[]): string => path.join(root, 'ops', ...p);

function promtool(args: readonly string[], input?: string): { code: number | null; out: string } {
  const r = spawnSync('promtool', args, { input, encoding: 'utf8', cwd: ops('prometheus') });
  if (r.error) throw new Error(`promtool cannot run (${r.error.message}): apt-get install -y prometheus`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function httpGet(port: number, urlPath: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
}

/** The metric names a PromQL expression reads (ours and the default Node/process ones), histogram suffixes removed. */
function metricsOf(expr: string): string[] {
  return [...expr.matchAll(/\b((?:esav|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));
}

interface DashboardPanel {
  readonly id: number; readonly type: string; readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: { readonly uid: string };
  readonly targets?: ReadonlyArray<{ readonly expr: string; readonly datasource?: { readonly uid: string } }>;
}

describe('observability: metrics, alert rules and dashboard checked by promtool against a running gateway', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let dir: string;
  let gw: GatewayProcess;
  let metrics: { status: number; type: string; body: string };
  let families: Map<string, string>;

  before(async () => {
    db = await freshDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'esav-observability-'));
    chmodSync(dir, 0o755);
    const url = new URL(testDatabaseUrl());
    url.searchParams.set('options', `-c search_path=${db.schema}`);
    gw = await gatewayProcess({ name: 'a', databaseUrl: url.toString(), dir, env: { ESAV_BUILD_COMMIT: '0123abc' } });
    await gw.start();
    // Calls answered OK and with a fault, so that the request families have series.
    const pem = (f: string): string => readFileSync(path.join(gw.pkiDir, f), 'utf8');
    const opa = { certPem: pem('opa.crt'), keyPem: pem('opa.key') };
    for (const id of ['FTTH-21-0000001', 'FTTH-21-9999999']) {
      await call(gw.url, { path: '/esav/prestation/v1', body: consultation(id), client: opa, ca: pem('ca.crt') });
    }
    // A body over ESAV_XML_OFF_LOOP_BYTES, read by the off-loop worker (refused by the schema: 1,500 unknown elements).
    const large = costlyDocuments()[2]!;
    await call(gw.url, { path: '/esav/prestation/v1', body: large.body.toString('utf8'), client: opa, ca: pem('ca.crt') });
    metrics = await httpGet(gw.opsPort, '/metrics');
    families = new Map([...metrics.body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  });
  after(async () => {
    await gw?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the Prometheus text format that promtool check metrics finds nothing to say about', () => {
    expect(metrics.status).to.equal(200);
    expect(metrics.type).to.equal('text/plain; version=0.0.4; charset=utf-8');
    const lint = promtool(['check', 'metrics'], metrics.body);
    expect(lint.out.trim(), lint.out).to.equal('');
    expect(lint.code, lint.out).to.equal(0);
  });

  it('exposes durations in seconds, the process, Node.js and pool metrics, and the build', () => {
    expect(families.get('esav_soap_request_duration_seconds')).to.equal('histogram');
    expect(families.has('esav_soap_request_duration_ms'), 'the milliseconds histogram is gone').to.equal(false);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(families.has(name), name).to.equal(true);
    }
    const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
    expect(metrics.body).to.include(`esav_build_info{version="${version}",commit="0123abc",node_version="${process.version}"} 1`);
    // The server's pool (ESAV_DB_POOL_SIZE 20 by default): the scrape itself holds connections, none waits.
    expect(metrics.body).to.match(/^esav_db_pool_connections_max 20$/m);
    expect(metrics.body).to.match(/^esav_db_pool_connections [1-9]\d*$/m);
    expect(metrics.body).to.match(/^esav_db_pool_connections_idle \d+$/m);
    expect(metrics.body).to.match(/^esav_db_pool_waiting_requests 0$/m);
    // The two calls: one OK, one fault, each well under ten seconds (a millisecond figure would land in +Inf).
    expect(metrics.body).to.match(/^esav_soap_requests_total\{service="prestation",version="v1",operation="consultationPrestation",outcome="RESSOURCE_INCONNUE"\} 1$/m);
    expect(metrics.body).to.match(/^esav_soap_request_duration_seconds_bucket\{le="10",service="prestation",version="v1",operation="consultationPrestation",outcome="OK"\} 1$/m);
    expect(metrics.body).to.match(/^esav_requests_total\{operator="OPA",category="OTHER",outcome="ok"\} 1$/m);
    expect(metrics.body).to.match(/^esav_xml_off_loop_reads_total 1$/m);
    expect(metrics.body).to.match(/^esav_xml_off_loop_waiting 0$/m);
    expect(metrics.body).to.match(/^esav_xml_off_loop_worker_failures_total 0$/m);
    expect(metrics.body).to.match(/^esav_xml_off_loop_enabled 1$/m);
  });

  it('ships alert rules that promtool checks and whose unit tests pass', () => {
    const check = promtool(['check', 'rules', 'alerts.yml']);
    expect(check.code, check.out).to.equal(0);
    const unit = promtool(['test', 'rules', 'alerts.test.yml']);
    expect(unit.code, unit.out).to.equal(0);
    expect(unit.out).to.include('SUCCESS');
    const config = promtool(['check', 'config', 'prometheus.yml']);
    expect(config.code, config.out).to.equal(0);
  });

  it('alerts on what the brief names, reading only metrics this gateway exposes', () => {
    const rules = readFileSync(ops('prometheus', 'alerts.yml'), 'utf8');
    const alerts = [...rules.matchAll(/^\s+- alert: (\S+)$/gm)].map((m) => m[1]);
    expect(alerts).to.include.members(['EsavCertificatesInRenewalWindow', 'EsavNotificationLag', 'EsavNotificationDeliveriesStalled',
      'EsavSoapServerErrorRatio', 'EsavDatabasePoolSaturated']);
    for (const name of metricsOf(rules)) expect(families.has(name), `alerts.yml reads ${name}`).to.equal(true);
    // The server faults of the error ratio are the registry's Server-role codes but the announced closures: the
    // maintenance (M1, M2) and the slot search's nightly closure (S4), which are the contract, not failures.
    const announced = new Set(['SERVICE_EN_MAINTENANCE', 'RECHERCHE_CRENEAUX_FERMEE']);
    const serverCodes = Object.values(errorRegistry).filter((d) => d.role === 'Server' && !announced.has(d.wireCode)).map((d) => d.wireCode).sort();
    const inRule = /outcome=~"([^"]+)"/.exec(rules)![1]!.split('|').filter((c) => /^[A-Z_]+$/.test(c)).sort();
    expect(inRule).to.deep.equal(serverCodes);
  });

  it('ships a Grafana dashboard whose queries are valid PromQL over metrics this gateway exposes', () => {
    const dashboard = JSON.parse(readFileSync(ops('grafana', 'esav-gateway.json'), 'utf8')) as { uid: string; panels: DashboardPanel[] };
    expect(dashboard.uid).to.equal('esav-gateway');
    // Importable as it is: unique panel ids, panels within the 24-column grid that never overlap, every query on the
    // data source picked at import (the ${datasource} variable), not on a uid of our machine.
    expect(new Set(dashboard.panels.map((p) => p.id)).size).to.equal(dashboard.panels.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).to.be.at.most(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps another panel at ${x},${y}`).to.equal(false);
          cells.add(`${x},${y}`);
        }
      }
      for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).to.equal('${datasource}');
    }
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).to.be.greaterThan(20);
    for (const { panel, expr } of exprs) {
      for (const name of metricsOf(expr)) expect(families.has(name), `${panel} reads ${name}`).to.equal(true);
    }
    // promtool parses PromQL in rule files: each query, its $instance variable given a value, becomes a recording rule.
    const file = path.join(dir, 'dashboard-queries.yml');
    const rules = exprs.map((e, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(e.expr.replaceAll('$instance', '.*'))}`);
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    const check = promtool(['check', 'rules', file]);
    expect(check.code, check.out).to.equal(0);
    expect(check.out).to.include(`SUCCESS: ${exprs.length} rules found`);
  });
});
