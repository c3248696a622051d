// The built service (dist/src/main.js) as a real child process on a loopback port with its own
// DATA_DIR, driven over HTTP the way an API consumer drives it. `npm test` builds first.
//
// Every route but a few public ones needs a token. `app.as('staff').request(...)` sends the
// request as a user holding that role (created and signed in on first use, then cached);
// `app.request(...)` sends exactly what it is given (no token unless `token` or a header says so).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Role } from '../../src/access/roles.js';

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Sent as Authorization: Bearer <token>. */
  token?: string;
}

export type Requester = <T = any>(method: string, path: string, options?: RequestOptions) => Promise<HttpAnswer<T>>;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  roles: Role[];
  token: string;
}

export interface AppUnderTest {
  baseUrl: string;
  dataDir: string;
  process: ChildProcess;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer<T>>;
  /** Requests as a user holding `role` (the first admin for 'admin'), e.g. `app.as('staff').request('POST', ...)`. */
  as(role: Role): { request: Requester };
  /** A token for the (cached) user of `role`. */
  tokenFor(role: Role): Promise<string>;
  /** A new user, signed in: customers register themselves, other roles are created by the admin. */
  newUser(roles: Role | Role[]): Promise<TestUser>;
  /** POST /v1/auth/token; throws unless it answers 200. */
  login(email: string, password: string): Promise<string>;
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

/** The test service's token secret (tests forge tokens with it to probe verification). */
export const TEST_JWT_SECRET = 'orderstream-e2e-secret-not-for-production-0123456789';
/** The first admin every test service starts with. */
export const TEST_ADMIN = { email: 'admin@orderstream.test', password: 'admin password for tests only' };

/**
 * What startApp sets unless the test overrides it. Rate limits are raised so load and crash tests
 * measure the service, not the limiter; the attack suite sets real ones.
 */
export const TEST_ENV: Record<string, string> = {
  JWT_SECRET: TEST_JWT_SECRET,
  ADMIN_EMAIL: TEST_ADMIN.email,
  ADMIN_PASSWORD: TEST_ADMIN.password,
  RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
  RATE_LIMIT_LOGIN_PER_MINUTE_PER_IP: '100000',
  RATE_LIMIT_COMMANDS_PER_MINUTE_PER_USER: '10000000',
  RATE_LIMIT_COMMANDS_PER_MINUTE_PER_IP: '10000000',
};

let userCounter = 0;

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
    const hasBody = options.body !== undefined || options.rawBody !== undefined;
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...options.headers,
      },
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

  const login = async (email: string, password: string): Promise<string> => {
    const answer = await request('POST', '/v1/auth/token', { body: { email, password } });
    if (answer.status !== 200) throw new Error(`login as ${email} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body.accessToken as string;
  };
  let adminToken: Promise<string> | undefined;
  const newUser = async (wanted: Role | Role[]): Promise<TestUser> => {
    const roles = [wanted].flat();
    const email = `${roles.join('-')}-${process.pid}-${++userCounter}@orderstream.test`;
    const password = `password of ${email}`;
    const created = roles.length === 1 && roles[0] === 'customer'
      ? await request('POST', '/v1/customers', { body: { email, password } })
      : await request('POST', '/v1/admin/users', { body: { email, password, roles }, token: await (adminToken ??= login(TEST_ADMIN.email, TEST_ADMIN.password)) });
    if (created.status !== 201) throw new Error(`creating ${email} answered ${created.status}: ${JSON.stringify(created.body)}`);
    return { id: created.body.id, email, password, roles, token: await login(email, password) };
  };
  const tokens = new Map<Role, Promise<string>>();
  const tokenFor = (role: Role): Promise<string> => {
    let token = tokens.get(role);
    if (token === undefined) {
      token = role === 'admin' ? (adminToken ??= login(TEST_ADMIN.email, TEST_ADMIN.password)) : newUser(role).then((user) => user.token);
      // A failure is not cached: the next call tries again.
      token.catch(() => tokens.delete(role));
      tokens.set(role, token);
    }
    return token;
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
    as: (role: Role) => ({
      request: async (method: string, path: string, options: RequestOptions = {}) => request(method, path, { token: await tokenFor(role), ...options }),
    }),
    tokenFor,
    newUser,
    login,
    output: () => output,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async destroy() {
      await end('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
