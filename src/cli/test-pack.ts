#!/usr/bin/env node
/** The esav-test-pack process (`npm run test-pack -- …`, also bin/esav-test-pack.mjs). See src/testpack/cli.ts. */
import { main } from '../testpack/main.js';

process.exit(await main());
