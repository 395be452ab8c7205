/**
 * The esav-test-pack command on the process's streams: `npm run test-pack -- …` (src/cli/test-pack.ts) and the
 * esav-test-pack package's bin. Resolves to the exit status; the entry points exit with it.
 */
import { runTestPackCli } from './cli.js';

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  try {
    const o = await runTestPackCli(argv, { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
    return o.code;
  } catch (e) {
    process.stderr.write(`esav-test-pack failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return 1;
  }
}
