import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

describe('house rules the dependency check cannot see', () => {
  const sources = files('src');

  // The processes (src/server.ts, src/cli/*, and the off-loop worker the gateway starts: src/xml/off-loop-worker.ts,
  // which reads no environment) hand process.env to loadConfig(); nothing else reads it.
  const isProcess = (f: string): boolean => f === path.join('src', 'server.ts') || f === path.join('src', 'xml', 'off-loop-worker.ts') ||
    f.startsWith(path.join('src', 'cli') + path.sep);

  it('reads the environment only in src/config and hands it over only in the process entry points', () => {
    const offenders = sources.filter((f) => !f.startsWith(path.join('src', 'config')) && !isProcess(f) && /process\.env\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).to.deep.equal([]);
  });

  it('exits the process only in the process entry points (src/server.ts, src/cli/, the off-loop worker)', () => {
    const offenders = sources.filter((f) => !isProcess(f) && /process\.exit\(/.test(readFileSync(f, 'utf8')));
    expect(offenders).to.deep.equal([]);
  });

  it('uses no `any` in src/', () => {
    const offenders = sources.filter((f) => /:\s+any\b|<any>|as any\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).to.deep.equal([]);
  });

  // ARCHITECTURE.md §5 and issue 13: SQL lives in src/store/ as named query functions; statements go through database.ts.
  // Keywords in capitals, as every statement of the house is written: a sentence "select … from" is no SQL.
  const SQL = /(['"`])\s*(SELECT\b[^'"`]*\bFROM\b|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b)/;
  const inStore = (f: string): boolean => f.startsWith(path.join('src', 'store') + path.sep);
  const codeOf = (f: string): string => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

  it('keeps SQL text in src/store/ only', () => {
    const offenders = sources.filter((f) => !inStore(f) && SQL.test(codeOf(f)));
    expect(offenders).to.deep.equal([]);
  });

  it('finds SQL where it is (the heuristic of the check above can fail)', () => {
    expect(sources.filter((f) => inStore(f) && SQL.test(codeOf(f))).length).to.be.greaterThan(10);
    for (const s of ["'SELECT 1 FROM t'", '`INSERT INTO t', '"UPDATE t SET x', "'DELETE FROM t"]) expect(SQL.test(s), s).to.equal(true);
    expect(SQL.test("'Select the form from the list'"), 'a sentence is no SQL').to.equal(false);
  });

  // ARCHITECTURE.md §5 (issue 13 part 3): in src/store/ itself, statements are built by the named query functions of
  // src/store/queries/, never as a `{ text: '…' }` literal next to the logic; database.ts keeps its own BEGIN/COMMIT.
  const TEXT_LITERAL = /\btext\s*:\s*[`'"]/;
  const inQueries = (f: string): boolean => f.startsWith(path.join('src', 'store', 'queries') + path.sep);
  const isDatabase = (f: string): boolean => f === path.join('src', 'store', 'database.ts');

  it('builds statements ({ text: … }) only in the named query functions of src/store/queries/', () => {
    const offenders = sources.filter((f) => inStore(f) && !inQueries(f) && !isDatabase(f) && TEXT_LITERAL.test(codeOf(f)));
    expect(offenders).to.deep.equal([]);
  });

  it('finds statement literals where they are (the heuristic of the check above can fail)', () => {
    expect(sources.filter((f) => inQueries(f) && TEXT_LITERAL.test(codeOf(f))).length).to.be.greaterThan(10);
    for (const s of ["{ text: 'SELECT 1', values: [] }", 'text: `WITH e AS (', '{ name: "n", text: "DELETE FROM t" }', 'text :`LISTEN x`']) {
      expect(TEXT_LITERAL.test(s), s).to.equal(true);
    }
    expect(TEXT_LITERAL.test('{ at: r.at, text: r.text }'), 'a field copied is no statement').to.equal(false);
    expect(TEXT_LITERAL.test('context: `x`'), 'another key is no statement').to.equal(false);
  });

  it('calls `.query(` nowhere but src/store/database.ts (the one way into PostgreSQL)', () => {
    const offenders = sources.filter((f) => f !== path.join('src', 'store', 'database.ts') && /\.query\s*(<[^>()]*>)?\s*\(/.test(codeOf(f)));
    expect(offenders).to.deep.equal([]);
  });

  it('keeps source files under about 300 lines', () => {
    const long = sources.filter((f) => readFileSync(f, 'utf8').split('\n').length > 320);
    expect(long).to.deep.equal([]);
  });
});
