// The built service (dist/src/main.js) as a real child process on a loopback port with its own
// DATA_DIR, driven over HTTP the way an API consumer drives it. `npm test` builds first.
// Requests, test users and sign-in (`app.as('staff').request(...)`) come from api-client.ts, as
// they do for the in-process int tier (api-under-test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_ENV, apiClient, parseBody, requestParts, type ApiClient, type HttpAnswer, type RequestOptions } from './api-client.js';

// The types and test settings both tiers share, still importable from here.
export { TEST_ADMIN, TEST_ENV, TEST_JWT_SECRET, type ApiClient, type HttpAnswer, type RequestOptions, type Requester, type TestUser } from './api-client.js';

export interface AppUnderTest extends ApiClient {
  baseUrl: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the service printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown hooks, no flushing; what a crash looks like. */
  kill(): Promise<void>;
  /** Stops and removes the data directory. */
  destroy(): Promise<void>;
}

const MAIN = resolve('dist/src/main.js');

export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'orderstream-test-'));
}

export async function startApp(env: Record<string, string> = {}, dataDir = newDataDir()): Promise<AppUnderTest> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', ...TEST_ENV, ...env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let output = '';
  const baseUrl = await new Promise<string>((found, failed) => {
    const timer = setTimeout(() => failed(new Error(`service did not start within 30 s:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        found(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      failed(new Error(`service exited with ${code} before listening:\n${output}`));
    });
  });

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<HttpAnswer> => {
    const { headers, payload } = requestParts(options);
    const response = await fetch(baseUrl + path, { method, headers, body: payload });
    return { status: response.status, headers: response.headers, body: parseBody(await response.text()) };
  };

  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    ...apiClient(request),
    baseUrl,
    dataDir,
    process: child,
    output: () => output,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async destroy() {
      await end('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
