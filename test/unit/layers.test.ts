import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

describe('house rules the dependency check cannot see', () => {
  const sources = files('src');

  // The processes (src/server.ts, src/cli/*) hand process.env to loadConfig(); nothing else reads it.
  const isProcess = (f: string): boolean => f === path.join('src', 'server.ts') || f.startsWith(path.join('src', 'cli') + path.sep);

  it('reads the environment only in src/config and hands it over only in the process entry points', () => {
    const offenders = sources.filter((f) => !f.startsWith(path.join('src', 'config')) && !isProcess(f) && /process\.env\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).to.deep.equal([]);
  });

  it('exits the process only in the process entry points (src/server.ts, src/cli/)', () => {
    const offenders = sources.filter((f) => !isProcess(f) && /process\.exit\(/.test(readFileSync(f, 'utf8')));
    expect(offenders).to.deep.equal([]);
  });

  it('uses no `any` in src/', () => {
    const offenders = sources.filter((f) => /:\s+any\b|<any>|as any\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).to.deep.equal([]);
  });

  it('keeps source files under about 300 lines', () => {
    const long = sources.filter((f) => readFileSync(f, 'utf8').split('\n').length > 320);
    expect(long).to.deep.equal([]);
  });
});
