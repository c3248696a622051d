import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createApp } from './create-app.js';
import { checkEmbeddedEventLog } from './eventstore/event-store-selection.js';
import { DamagedFileError } from './sqlite/damaged-file.js';

/** A setting is wrong or the event log is damaged: say so plainly and stop (no stack trace for an operator). */
async function orExitPlainly<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof DamagedFileError) {
      console.error(
        `orderstream: the event log ${error.file} is damaged (${error.detail}). It is the source of truth: it was left as it is ` +
          'and nothing was started. Restore it from a backup (npm run cli -- backup; README, Operations).',
      );
      process.exit(1);
    }
    if (!(error instanceof ConfigError)) throw error;
    console.error(`orderstream: invalid configuration: ${error.message}`);
    process.exit(1);
  }
}

const config: AppConfig = await orExitPlainly(() => loadConfig());
await orExitPlainly(() => checkEmbeddedEventLog(config));
const app = await createApp(config);
// Modules validate what only they understand (ADMIN_EMAIL is an email) as they start.
await orExitPlainly(() => app.listen(config.port, config.host));
const { port } = app.getHttpServer().address() as AddressInfo;
// Tests and scripts wait for this line (with PORT=0 it is the only way to learn the port).
console.log(`orderstream listening on http://${config.host}:${port} (data in ${config.dataDir})`);
