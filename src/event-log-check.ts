// Part of the composition root, imported by main.ts before the rest of the service: the embedded
// event log's soundness check (SQLite's quick_check, src/sqlite/check-source-file.ts) starts on its
// own thread at once, while the main thread loads the service's modules. On a 1M-event log each
// takes ~1.5 s; one after the other they were a third of a restart. main.ts still waits for the
// verdict before anything opens the log.
import { join } from 'node:path';
import { loadConfig, type AppConfig } from './config/app-config.js';
import { checkSourceOfTruthFileAside } from './sqlite/check-source-file.js';

/** The event store's file name (EVENTS_DB_FILE): importing it from there would load the store's modules first. */
const EVENT_LOG_FILE = 'events.db';
const WHAT = 'the event log';

const started = startChecking();

function startChecking(): { file: string; verdict: Promise<void> } | undefined {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch {
    return undefined; // a wrong setting: main.ts reports it itself, before asking for the verdict
  }
  if (config.stores.eventStoreUrl !== undefined) return undefined;
  const file = join(config.dataDir, EVENT_LOG_FILE);
  const verdict = checkSourceOfTruthFileAside(file, WHAT);
  // Handled where main.ts asks for it (eventLogChecked); until then a refusal is not "unhandled".
  verdict.catch(() => undefined);
  return { file, verdict };
}

/** Resolves once the embedded log is known sound (at once for EventStoreDB); rejects with DamagedFileError. */
export function eventLogChecked(config: AppConfig): Promise<void> {
  if (config.stores.eventStoreUrl !== undefined) return Promise.resolve();
  const file = join(config.dataDir, EVENT_LOG_FILE);
  return started?.file === file ? started.verdict : checkSourceOfTruthFileAside(file, WHAT);
}
