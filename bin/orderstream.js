#!/usr/bin/env node
// npx orderstream <command>: the CLI from the built code in dist/. It compiles only when dist/ is
// missing or older than the sources (the first call after a clone or a change), never per call.
import { buildIfStale } from '../scripts/build-if-stale.js';

buildIfStale();
await import('../dist/src/cli/main.js');
