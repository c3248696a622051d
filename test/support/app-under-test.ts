// The built service (dist/src/main.js) as a real child process on a loopback port with its own
// DATA_DIR, driven over HTTP the way an API consumer drives it. `npm test` builds first.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface AppUnderTest {
  baseUrl: string;
  dataDir: string;
  process: ChildProcess;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer<T>>;
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
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', ...env, DATA_DIR: dataDir },
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
    const hasBody = options.body !== undefined || options.rawBody !== undefined;
    const response = await fetch(baseUrl + path, {
      method,
      headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. /metrics): keep the text
    }
    return { status: response.status, headers: response.headers, body };
  };

  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    baseUrl,
    dataDir,
    process: child,
    request,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async destroy() {
      await end('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
