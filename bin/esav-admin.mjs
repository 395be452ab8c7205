#!/usr/bin/env node
// The installed esav-admin command (see run-cli.mjs).
import { runCli } from './run-cli.mjs';

await runCli('admin');
