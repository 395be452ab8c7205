/**
 * The Docker image (issue 19 item 6): it runs the Node major the project is tested on, and its ops listener binds
 * beyond loopback so that probes and Prometheus reach it from outside the container. Read from the Dockerfile (the
 * image itself is built by `docker build`, which the test suite does not run).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../src/config/config.js';

const root = findRootDir();
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };

/** The ENV instructions of the runtime stage, as name → value. */
function runtimeEnv(): Map<string, string> {
  const stage = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  const block = /^ENV ((?:.*\\\n)*.*)$/m.exec(stage)![1]!;
  return new Map([...block.matchAll(/([A-Z_]+)=(\S*)/g)].map((m) => [m[1]!, m[2]!.replace(/\s*\\$/, '')]));
}

describe('Dockerfile', () => {
  it('uses the Node major the tests run on, the one of engines and @types/node', () => {
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(dockerfile);
    expect(image, 'ARG NODE_IMAGE=node:<major>-…').to.not.equal(null);
    const major = image![1];
    expect(process.versions.node.split('.')[0], 'the Node running this test').to.equal(major);
    expect(/^>=(\d+)/.exec(pkg.engines.node)![1], 'package.json engines').to.equal(major);
    expect(/^\^?(\d+)/.exec(pkg.devDependencies['@types/node']!)![1], '@types/node').to.equal(major);
  });

  it('binds the ops listener beyond loopback and checks its health on loopback', () => {
    const env = runtimeEnv();
    expect(env.get('ESAV_OPS_HOST')).to.equal('0.0.0.0');
    expect(env.get('ESAV_OPS_PORT')).to.equal('9464');
    expect(dockerfile).to.match(/^EXPOSE 9464$/m);
    expect(dockerfile).to.match(/^HEALTHCHECK [\s\S]*http:\/\/127\.0\.0\.1:'\+\(process\.env\.ESAV_OPS_PORT\|\|9464\)\+'\/health\/ready/m);
  });

  it('passes the build commit on to esav_build_info', () => {
    expect(dockerfile).to.match(/^ARG ESAV_BUILD_COMMIT=""$/m);
    expect(runtimeEnv().get('ESAV_BUILD_COMMIT')).to.equal('${ESAV_BUILD_COMMIT}');
  });
});
