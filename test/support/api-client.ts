// What a spec sees of the service over HTTP, whichever tier it runs in: the built service as a
// child process (app-under-test.ts, e2e) or the same application in process through Fastify's
// inject (api-under-test.ts, int). Both hand a raw `send` to `apiClient`, which adds the test
// users: a spec reads the same in both tiers.
//
// Every route but a few public ones needs a token. `api.as('staff').request(...)` sends the
// request as a user holding that role (created and signed in on first use, then cached);
// `api.request(...)` sends exactly what it is given (no token unless `token` or a header says so).
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

export interface ApiClient {
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer<T>>;
  /** Requests as a user holding `role` (the first admin for 'admin'), e.g. `app.as('staff').request('POST', ...)`. */
  as(role: Role): { request: Requester };
  /** A token for the (cached) user of `role`. */
  tokenFor(role: Role): Promise<string>;
  /** A new user, signed in: customers register themselves, other roles are created by the admin. */
  newUser(roles: Role | Role[]): Promise<TestUser>;
  /** POST /v1/auth/token; throws unless it answers 200. */
  login(email: string, password: string): Promise<string>;
}

/** The test service's token secret (tests forge tokens with it to probe verification). */
export const TEST_JWT_SECRET = 'orderstream-e2e-secret-not-for-production-0123456789';
/** The first admin every test service starts with. */
export const TEST_ADMIN = { email: 'admin@orderstream.test', password: 'admin password for tests only' };

/**
 * What a test service runs with unless the test overrides it. Rate limits are raised so load and
 * crash tests measure the service, not the limiter; the attack suite sets real ones.
 */
export const TEST_ENV: Record<string, string> = {
  JWT_SECRET: TEST_JWT_SECRET,
  ADMIN_EMAIL: TEST_ADMIN.email,
  ADMIN_PASSWORD: TEST_ADMIN.password,
  RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
  RATE_LIMIT_LOGIN_PER_MINUTE_PER_IP: '100000',
  RATE_LIMIT_REGISTRATIONS_PER_MINUTE_PER_IP: '100000',
  RATE_LIMIT_COMMANDS_PER_MINUTE_PER_USER: '10000000',
  RATE_LIMIT_COMMANDS_PER_MINUTE_PER_IP: '10000000',
  RATE_LIMIT_AUDIT_READS_PER_MINUTE_PER_USER: '10000000',
};

/** Headers and body as every transport sends them: JSON unless `rawBody`, the token as a bearer. */
export function requestParts(options: RequestOptions): { headers: Record<string, string>; payload: string | undefined } {
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  return {
    headers: {
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    payload: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  };
}

/** The answer's text as JSON where it is JSON; anything else (e.g. /metrics) stays text. */
export function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

let userCounter = 0;

/** The test users and sign-in over any transport that can send a request. */
export function apiClient(send: Requester): ApiClient {
  const login = async (email: string, password: string): Promise<string> => {
    const answer = await send('POST', '/v1/auth/token', { body: { email, password } });
    if (answer.status !== 200) throw new Error(`login as ${email} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body.accessToken as string;
  };
  let adminToken: Promise<string> | undefined;
  const newUser = async (wanted: Role | Role[]): Promise<TestUser> => {
    const roles = [wanted].flat();
    const email = `${roles.join('-')}-${process.pid}-${++userCounter}@orderstream.test`;
    const password = `password of ${email}`;
    const created = roles.length === 1 && roles[0] === 'customer'
      ? await send('POST', '/v1/customers', { body: { email, password } })
      : await send('POST', '/v1/admin/users', { body: { email, password, roles }, token: await (adminToken ??= login(TEST_ADMIN.email, TEST_ADMIN.password)) });
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
  return {
    request: send,
    as: (role: Role) => ({
      request: async (method: string, path: string, options: RequestOptions = {}) => send(method, path, { token: await tokenFor(role), ...options }),
    }),
    tokenFor,
    newUser,
    login,
  };
}
