#!/usr/bin/env node
// The installed esav-test-pack command (see run-cli.mjs).
import { runCli } from './run-cli.mjs';

await runCli('test-pack');
