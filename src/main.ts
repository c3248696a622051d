import 'reflect-metadata';
// First: tracing (when configured) must start before Fastify and the MongoDB driver load.
import { stopTracing } from './observability/start-tracing.js';
// Next: the event log's check starts on its own thread while the modules below load.
import { eventLogChecked } from './event-log-check.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createApp, rootLoggerFor } from './create-app.js';
import { checkEmbeddedCredentials } from './credentialstore/credential-store.module.js';
import { checkEmbeddedKeys } from './personal-data/personal-data.module.js';
import { EventStoreLockedError } from './eventstore/sqlite/open-database.js';
import { DamagedFileError } from './sqlite/damaged-file.js';
import { drainHttp } from './http/graceful-shutdown.js';
import { lifecycleLogger } from './observability/logging/root-logger.js';

/** What an operator can act on, in one sentence; anything else is not theirs to read as a sentence. */
function plainSentence(error: unknown, config: AppConfig | undefined): string | undefined {
  if (error instanceof DamagedFileError) {
    return `${error.what ?? 'the file'} ${error.file} is damaged (${error.detail}). It is the source of truth: it was left as it is ` +
      'and nothing was started. Restore it from a backup (npm run cli -- backup; README, Operations).';
  }
  if (error instanceof ConfigError) return `invalid configuration: ${error.message}`;
  if (error instanceof EventStoreLockedError) return dataDirInUse(error.file);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (config !== undefined && code === 'EADDRINUSE') {
    return `port ${config.port} on ${config.host} is already in use (another orderstream, or another program): stop it or set PORT to a free port.`;
  }
  if (config !== undefined && code === 'EACCES') return `may not listen on port ${config.port} (ports below 1024 need privileges): set PORT to 1024 or above.`;
  return undefined;
}

const dataDirInUse = (file: string) =>
  `${file} is in use by another orderstream process: one service per DATA_DIR. Stop the other one, or set DATA_DIR to another directory.`;

/** A setting is wrong, a file is damaged or held, the port is taken: say so plainly and stop (no stack trace for an operator). */
async function orExitPlainly<T>(step: () => T | Promise<T>, config?: AppConfig): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const sentence = plainSentence(error, config);
    if (sentence === undefined) throw error;
    console.error(`orderstream: ${sentence}`);
    process.exit(1);
  }
}

/**
 * Another service on the same DATA_DIR holds events.db exclusively; the store's own open would
 * wait for it (its busy timeout) before failing. Asking first, without waiting, answers at once.
 */
function refuseDataDirInUse(config: AppConfig): void {
  const file = join(config.dataDir, 'events.db');
  if (config.stores.eventStoreUrl !== undefined || !existsSync(file)) return;
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('schema_version');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new EventStoreLockedError(file);
    throw error;
  } finally {
    db.close();
  }
}

const config: AppConfig = await orExitPlainly(() => loadConfig());
await orExitPlainly(() => eventLogChecked(config));
await orExitPlainly(() => refuseDataDirInUse(config));
await orExitPlainly(() => checkEmbeddedCredentials(config));
await orExitPlainly(() => checkEmbeddedKeys(config));
const logger = rootLoggerFor(config);
const lifecycle = lifecycleLogger(logger);
// Modules validate what only they understand (ADMIN_EMAIL is an email) as they start.
const app = await orExitPlainly(() => createApp(config, logger), config);
await orExitPlainly(() => app.listen(config.port, config.host), config);
const { port } = app.getHttpServer().address() as AddressInfo;
// Tests and scripts wait for this line (with PORT=0 it is the only way to learn the port).
lifecycle.info({ url: `http://${config.host}:${port}`, dataDir: config.dataDir }, `orderstream listening on http://${config.host}:${port} (data in ${config.dataDir})`);

// SIGTERM/SIGINT: finish the requests in flight (up to SHUTDOWN_GRACE_MS), then stop the modules
// (subscribers, stores) and exit 0. A second signal, or a stop that hangs, exits at once with 1.
async function shutDown(signal: NodeJS.Signals): Promise<void> {
  const graceMs = config.http.shutdownGraceMs;
  lifecycle.info({ signal }, `orderstream: ${signal}: finishing requests in flight (at most ${graceMs} ms), then stopping`);
  const hung = setTimeout(() => {
    lifecycle.error({ signal }, `orderstream: not stopped ${graceMs + STOP_MARGIN_MS} ms after ${signal}; exiting`);
    process.exit(1);
  }, graceMs + STOP_MARGIN_MS);
  hung.unref();
  const drained = await drainHttp(app.getHttpServer(), graceMs);
  if (!drained) lifecycle.warn(`orderstream: requests still open after ${graceMs} ms were cut off`);
  await app.close();
  await stopTracing();
  lifecycle.info({ signal, exitCode: 0 }, 'orderstream stopped cleanly');
  logger.flush();
  process.exit(0);
}
/** Time allowed after the grace period for the modules to stop (stores flush and close). */
const STOP_MARGIN_MS = 5_000;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    process.once(signal, () => process.exit(1));
    shutDown(signal).catch((error: unknown) => {
      lifecycle.error({ err: error }, `orderstream: stopping failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
  });
}
