import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createApp } from './create-app.js';

/** A setting is wrong: say which, plainly, and stop (no stack trace for an operator's typo). */
async function orExitOnConfigError<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`orderstream: invalid configuration: ${error.message}`);
    process.exit(1);
  }
}

const config: AppConfig = await orExitOnConfigError(() => loadConfig());
const app = await createApp(config);
// Modules validate what only they understand (ADMIN_EMAIL is an email) as they start.
await orExitOnConfigError(() => app.listen(config.port, config.host));
const { port } = app.getHttpServer().address() as AddressInfo;
// Tests and scripts wait for this line (with PORT=0 it is the only way to learn the port).
console.log(`orderstream listening on http://${config.host}:${port} (data in ${config.dataDir})`);
