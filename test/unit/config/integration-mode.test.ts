import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, findRootDir, loadConfig } from '../../../src/config/config.js';

describe('configuration: integration mode and go-live', () => {
  const root = findRootDir();

  it('runs beside a development gateway: its own port, data dir, database and listeners, the shared dev PKI', () => {
    const c = loadConfig({ ESAV_ENV: 'integration' });
    expect(c.env).to.equal('integration');
    expect(c.port).to.equal(8444);
    expect(c.dataDir).to.equal(path.join(root, 'var', 'integration'));
    expect(c.embeddedPgPort).to.equal(54330);
    expect(c.opsPort).to.equal(9465);
    expect(c.internalPort).to.equal(9444);
    expect(c.pkiDir).to.equal(path.join(root, 'var', 'pki'));
    expect(c.loadDemoData).to.equal(true);
    expect(c.requireGoLive).to.equal(false);
    expect(c.sandboxStepMs).to.equal(2000);
    const dev = loadConfig({});
    expect([dev.port, dev.embeddedPgPort, dev.opsPort, dev.internalPort]).to.deep.equal([8443, 54329, 9464, 9443]);
    expect(dev.pkiDir).to.equal(c.pkiDir);
  });

  it('keeps explicit settings, and the PKI under ESAV_PKI_DIR', () => {
    const c = loadConfig({ ESAV_ENV: 'integration', ESAV_PORT: '18444', ESAV_PKI_DIR: 'var/other-pki', ESAV_SANDBOX_STEP_MS: '50' });
    expect(c.port).to.equal(18444);
    expect(c.pkiDir).to.equal(path.join(root, 'var', 'other-pki'));
    expect(c.sandboxStepMs).to.equal(50);
  });

  it('requires the go-live validation in production, and in development only when asked', () => {
    expect(loadConfig({}).requireGoLive).to.equal(false);
    expect(loadConfig({ ESAV_REQUIRE_GO_LIVE: 'true' }).requireGoLive).to.equal(true);
    expect(() => loadConfig({ ESAV_ENV: 'integration', ESAV_REQUIRE_GO_LIVE: 'true' })).to.throw(ConfigError, /integration platform/);
    expect(() => loadConfig({ ESAV_REQUIRE_GO_LIVE: 'yes' })).to.throw(ConfigError, /ESAV_REQUIRE_GO_LIVE=yes/);
  });
});
