#!/usr/bin/env node
/** The esav-admin process (`npm run admin -- …`, also the package's bin). See src/admin/run-admin.ts. */
import { systemClock } from '../domain/clock.js';
import { runAdmin } from '../admin/run-admin.js';

runAdmin(process.argv.slice(2), {
  env: process.env,
  clock: systemClock,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`)
}).then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`esav-admin failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
