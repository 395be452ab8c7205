import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/config.js';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('configuration', () => {
  it('defaults to development on https port 8443 with the demo data and a frozen object', () => {
    const c = loadConfig({});
    expect(c.env).to.equal('development');
    expect(c.port).to.equal(8443);
    expect(c.loadDemoData).to.equal(true);
    expect(c.tls).to.equal(null);
    expect(Object.isFrozen(c)).to.equal(true);
  });

  it('reports every invalid variable at once, naming it and its value', () => {
    const p = problems({ ESAV_PORT: 'https', ESAV_ENV: 'prod', LOG_LEVEL: 'loud' });
    expect(p).to.have.length(3);
    expect(p[0]).to.include('ESAV_ENV="prod"');
    expect(p.join('\n')).to.include('ESAV_PORT="https"').and.include('LOG_LEVEL=loud');
  });

  it('refuses production without TLS files and never loads demo data there', () => {
    const p = problems({ ESAV_ENV: 'production', ESAV_DEMO_DATA: 'true' });
    expect(p.join('\n')).to.include('needs ESAV_TLS_CERT').and.include('never loaded in production');
    expect(problems({ ESAV_ENV: 'production' }).some((x) => x.includes('ESAV_TLS_CERT'))).to.equal(true);
    // The OI's SIREN (planChargeSav sirenOI) has a placeholder outside production only.
    expect(problems({ ESAV_ENV: 'production' }).some((x) => x.startsWith('ESAV_OI_SIREN: the OI\'s SIREN is required in production'))).to.equal(true);
    expect(problems({ ESAV_ENV: 'production', ESAV_OI_SIREN: '552100554' }).some((x) => x.includes('ESAV_OI_SIREN'))).to.equal(false);
    expect(problems({ ESAV_ENV: 'development' }).some((x) => x.includes('ESAV_OI_SIREN'))).to.equal(false);
  });

  it('requires the three TLS files together and checks they exist', () => {
    expect(problems({ ESAV_TLS_CERT: 'package.json' }).join('\n')).to.include('go together');
    expect(problems({ ESAV_TLS_CERT: 'nope.crt', ESAV_TLS_KEY: 'package.json', ESAV_TLS_CA: 'package.json' }).join('\n')).to.include('nope.crt: no such file');
  });
});

describe('configuration: the build and the ops listener', () => {
  it('takes the build commit for esav_build_info, and refuses what is not a commit id', () => {
    expect(loadConfig({}).buildCommit).to.equal(null);
    expect(loadConfig({ ESAV_BUILD_COMMIT: '0123abc' }).buildCommit).to.equal('0123abc');
    expect(problems({ ESAV_BUILD_COMMIT: 'main"} 1' })).to.deep.equal(['ESAV_BUILD_COMMIT=main"} 1: expected a git commit id (7 to 40 lowercase hex digits)']);
  });

  it('binds the ops listener to loopback unless ESAV_OPS_HOST says otherwise', () => {
    expect(loadConfig({}).opsHost).to.equal('127.0.0.1');
    expect(loadConfig({ ESAV_OPS_HOST: '0.0.0.0' }).opsHost).to.equal('0.0.0.0');
  });
});
