import 'reflect-metadata';
// First: tracing (when configured) must start before Fastify and the MongoDB driver load.
import { stopTracing } from './observability/start-tracing.js';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createApp } from './create-app.js';
import { checkEmbeddedCredentials } from './credentialstore/credential-store.module.js';
import { checkEmbeddedKeys } from './personal-data/personal-data.module.js';
import { checkEmbeddedEventLog } from './eventstore/event-store-selection.js';
import { DamagedFileError } from './sqlite/damaged-file.js';
import { drainHttp } from './http/graceful-shutdown.js';

/** A setting is wrong or a source of truth is damaged: say so plainly and stop (no stack trace for an operator). */
async function orExitPlainly<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof DamagedFileError) {
      console.error(
        `orderstream: ${error.what ?? 'the file'} ${error.file} is damaged (${error.detail}). It is the source of truth: it was left as it is ` +
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
await orExitPlainly(() => checkEmbeddedCredentials(config));
await orExitPlainly(() => checkEmbeddedKeys(config));
const app = await createApp(config);
// Modules validate what only they understand (ADMIN_EMAIL is an email) as they start.
await orExitPlainly(() => app.listen(config.port, config.host));
const { port } = app.getHttpServer().address() as AddressInfo;
// Tests and scripts wait for this line (with PORT=0 it is the only way to learn the port).
console.log(`orderstream listening on http://${config.host}:${port} (data in ${config.dataDir})`);

// SIGTERM/SIGINT: finish the requests in flight (up to SHUTDOWN_GRACE_MS), then stop the modules
// (subscribers, stores) and exit 0. A second signal, or a stop that hangs, exits at once with 1.
async function shutDown(signal: NodeJS.Signals): Promise<void> {
  const graceMs = config.http.shutdownGraceMs;
  console.log(`orderstream: ${signal}: finishing requests in flight (at most ${graceMs} ms), then stopping`);
  const hung = setTimeout(() => {
    console.error(`orderstream: not stopped ${graceMs + STOP_MARGIN_MS} ms after ${signal}; exiting`);
    process.exit(1);
  }, graceMs + STOP_MARGIN_MS);
  hung.unref();
  const drained = await drainHttp(app.getHttpServer(), graceMs);
  if (!drained) console.warn(`orderstream: requests still open after ${graceMs} ms were cut off`);
  await app.close();
  await stopTracing();
  process.exit(0);
}
/** Time allowed after the grace period for the modules to stop (stores flush and close). */
const STOP_MARGIN_MS = 5_000;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    process.once(signal, () => process.exit(1));
    shutDown(signal).catch((error: unknown) => {
      console.error(`orderstream: stopping failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
  });
}
