// Where a CLI command works: on the running service over HTTP (--url and --token, or
// ORDERSTREAM_URL and ORDERSTREAM_TOKEN), or on the data files of a stopped service
// (--data-dir, or DATA_DIR, default ./data). The embedded event store is locked by the service
// while it runs, so file mode says so instead of waiting.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EventStoreLockedError } from '../eventstore/sqlite/open-database.js';
import { EVENTS_DB_FILE, SqliteEventStore } from '../eventstore/sqlite/sqlite-event-store.js';
import { CliError } from './cli-error.js';

export interface TargetOptions {
  url?: string;
  token?: string;
  dataDir?: string;
}

export type Target = { kind: 'http'; url: string; token: string } | { kind: 'files'; dataDir: string };

export function resolveTarget(options: TargetOptions): Target {
  const url = options.url ?? process.env.ORDERSTREAM_URL;
  if (url !== undefined && url !== '') {
    const token = options.token ?? process.env.ORDERSTREAM_TOKEN;
    if (!token) throw new CliError('--url needs a token: set ORDERSTREAM_TOKEN (or pass --token) to an access token from POST /v1/auth/token of a user with the right role.');
    return { kind: 'http', url: url.replace(/\/$/, ''), token };
  }
  return { kind: 'files', dataDir: resolve(options.dataDir ?? process.env.DATA_DIR ?? './data') };
}

/** A data directory without an event log is refused before anything is opened or written there. */
export function requireEventLog(dataDir: string): void {
  if (!existsSync(join(dataDir, EVENTS_DB_FILE))) {
    throw new CliError(
      `${dataDir} holds no event log (${EVENTS_DB_FILE}): name the data directory of a service with --data-dir (or DATA_DIR), or work through the running service with --url and ORDERSTREAM_TOKEN.`,
    );
  }
}

/** The event store file of a stopped service; never a new one (opening would create an empty log and report 0 events). */
export function openEventStoreFile(dataDir: string): SqliteEventStore {
  requireEventLog(dataDir);
  try {
    return SqliteEventStore.inDataDir(dataDir, { busyTimeoutMs: 200 });
  } catch (error) {
    if (error instanceof EventStoreLockedError) {
      throw new CliError(
        `${error.file} is locked: the service is running on it. Stop the service, or work through it with --url <http://host:port> --token <access token>.`,
      );
    }
    throw error;
  }
}

/** The service's answer; one that is not 2xx (nor a status in `accept`) becomes a CliError naming its problem. */
export async function httpRequest(
  target: Extract<Target, { kind: 'http' }>,
  method: string,
  path: string,
  body?: unknown,
  accept: readonly number[] = [],
  headers: Record<string, string> = {},
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(target.url + path, {
      method,
      headers: { ...headers, authorization: `Bearer ${target.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new CliError(`Cannot reach ${target.url}${cause === undefined ? '' : ` (${cause})`}: is the service running there?`);
  }
  if (!response.ok && !accept.includes(response.status)) {
    const text = await response.text();
    let detail = text;
    try {
      const problem = JSON.parse(text) as { code?: string; detail?: string };
      detail = `${problem.code ?? ''}: ${problem.detail ?? text}`;
    } catch {
      // not problem+json: show the text
    }
    throw new CliError(`${method} ${path} answered ${response.status} ${detail}`);
  }
  return response;
}

export async function httpJson<T>(target: Extract<Target, { kind: 'http' }>, method: string, path: string, body?: unknown): Promise<T> {
  return (await (await httpRequest(target, method, path, body)).json()) as T;
}
