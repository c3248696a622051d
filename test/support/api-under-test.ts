// The application in process, for the fast int tier of API specs: built by `createApp(config)`
// exactly as src/main.ts builds it (same modules, hooks, filters, pipes), on the embedded stores in
// a fresh temporary DATA_DIR, and driven through Fastify's `inject` (no socket, no port). The
// e2e tier keeps the built service as a child process (app-under-test.ts); both offer the same
// ApiClient (api-client.ts), so a spec reads the same in either tier.
import { rmSync } from 'node:fs';
import { jest } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../../src/config/app-config.js';
import { TEST_ENV, apiClient, parseBody, requestParts, type ApiClient, type HttpAnswer, type RequestOptions } from './api-client.js';
import { newDataDir } from './app-under-test.js';

// Three CommonJS packages require ESM-only packages: jwks-rsa (tokens in JWT_JWKS_URL mode)
// requires jose 6, @fastify/static (the /docs assets) content-disposition 3, and light-my-request
// (Fastify's inject) cookie 1. Node loads those (require of ESM, Node >= 20.19), so the service
// starts; Jest's module loader cannot ("Must use import to load ES Module"). So here the real
// packages are loaded by Node's own require, unchanged, and handed to Jest in their place (for
// `import` and for `require`); only then is the application imported.
// (process.getBuiltinModule: through `node:module` Jest hands out its own createRequire.)
const nodeRequire = process.getBuiltinModule('node:module').createRequire(import.meta.url);
for (const name of ['jwks-rsa', '@fastify/static', 'light-my-request']) {
  jest.unstable_mockModule(name, () => {
    const loaded = nodeRequire(name) as Record<string, unknown>;
    return { ...loaded, default: loaded };
  });
  jest.mock(name, () => nodeRequire(name));
}
const { createApp } = await import('../../src/create-app.js');

export interface ApiUnderTest extends ApiClient {
  dataDir: string;
  app: NestFastifyApplication;
  /** Closes the application (shutdown hooks run: subscribers stop, stores close) and removes the data directory. */
  destroy(): Promise<void>;
}

/** Builds and initialises the application over a fresh data directory; `env` adds to TEST_ENV. */
export async function startApi(env: Record<string, string> = {}, dataDir = newDataDir()): Promise<ApiUnderTest> {
  let app: NestFastifyApplication | undefined;
  const destroy = async () => {
    try {
      await app?.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    // Only what the test says: nothing leaks in from the environment Jest runs in (NODE_ENV, PORT...).
    app = await createApp(loadConfig({ LOG_LEVEL: 'error', ...TEST_ENV, ...env, DATA_DIR: dataDir }));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await destroy();
    throw error;
  }
  const fastify = app.getHttpAdapter().getInstance();

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<HttpAnswer> => {
    const { headers, payload } = requestParts(options);
    const response = await fastify.inject({ method: method as 'GET', url: path, headers, ...(payload === undefined ? {} : { payload }) });
    const answerHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      for (const one of [value ?? []].flat()) answerHeaders.append(name, String(one));
    }
    return { status: response.statusCode, headers: answerHeaders, body: parseBody(response.payload) };
  };

  return { ...apiClient(request), dataDir, app, destroy };
}
