/** The esav-test-pack process: `npm run test-pack -- …` (src/cli/test-pack.ts) and the esav-test-pack package's bin. */
import { runTestPackCli } from './cli.js';

export function main(argv: readonly string[] = process.argv.slice(2)): void {
  runTestPackCli(argv, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text)
  }).then((o) => process.exit(o.code), (e: unknown) => {
    process.stderr.write(`esav-test-pack failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
}
