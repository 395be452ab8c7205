#!/usr/bin/env node
// The installed esav-test-pack command: lib/ is src/testpack/ of the e-SAV gateway compiled (npm run test-pack:pack).
import { main } from '../lib/main.js';

process.exit(await main());
