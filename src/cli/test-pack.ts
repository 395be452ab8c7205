#!/usr/bin/env node
/** The esav-test-pack process (`npm run test-pack -- …`, also the package's bin). See src/testpack/cli.ts. */
import { runTestPackCli } from '../testpack/cli.js';

runTestPackCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text)
}).then((o) => process.exit(o.code), (e: unknown) => {
  process.stderr.write(`esav-test-pack failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
