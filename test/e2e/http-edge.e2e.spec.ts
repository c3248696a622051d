// The HTTP edge over real sockets on 127.0.0.1, against the built service: slow clients are cut off,
// connections beyond the cap are refused, and normal requests still work.
// (Draining on SIGTERM is in test/e2e/shutdown.e2e.spec.ts.)
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startApp, type AppUnderTest } from '../support/app-under-test.js';
import { rawConnection, sleep, type RawConnection } from '../support/raw-connection.js';

jest.setTimeout(60_000);

/** Writes `byte` every `everyMs` until the connection closes or `maxWrites` are written; answers how many were. */
async function trickle(connection: RawConnection, everyMs: number, maxWrites: number, byte = 'a'): Promise<number> {
  let writes = 0;
  while (writes < maxWrites && !connection.isClosed() && !connection.socket.destroyed) {
    connection.socket.write(byte);
    writes++;
    await sleep(everyMs);
  }
  return writes;
}

describe('slow clients', () => {
  let app: AppUnderTest;
  const REQUEST_TIMEOUT_MS = 2_000;
  const HEADERS_TIMEOUT_MS = 1_000;

  beforeAll(async () => {
    app = await startApp({ HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) });
  });
  afterAll(async () => {
    await app?.destroy();
  });

  it('a client trickling a declared 60 KB body is cut off once HTTP_REQUEST_TIMEOUT_MS has passed', async () => {
    const connection = await rawConnection(app);
    connection.socket.write('POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"email":"');
    // One byte every 100 ms for at most 15 s: without a request timeout the connection stays open throughout.
    const writes = await trickle(connection, 100, 150);

    expect(connection.isClosed()).toBe(true);
    expect(writes).toBeLessThan(150);
    // Node answers 408 when it can, or just closes; never a route's answer.
    expect(connection.received()).not.toMatch(/^HTTP\/1\.1 (2|5)\d\d/);
  });

  it('a client trickling its headers is cut off too', async () => {
    const connection = await rawConnection(app);
    connection.socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const writes = await trickle(connection, 100, 150);

    expect(connection.isClosed()).toBe(true);
    expect(writes).toBeLessThan(150);
  });

  it('normal requests, with and without a body, are still served', async () => {
    expect((await app.request('GET', '/health/live')).status).toBe(200);
    const registered = await app.request('POST', '/v1/customers', { body: { email: `edge-${process.pid}@orderstream.test`, password: 'a password long enough' } });
    expect(registered.status).toBe(201);
  });
});

describe('the connection cap', () => {
  let app: AppUnderTest;
  const MAX_CONNECTIONS = 5;

  beforeAll(async () => {
    app = await startApp({ HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS) });
  });
  afterAll(async () => {
    await app?.destroy();
  });

  it('refuses connections beyond HTTP_MAX_CONNECTIONS and serves again once some close', async () => {
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => rawConnection(app)));
    // Let the service accept them all before the next one arrives.
    await sleep(200);
    const beyond = await rawConnection(app);
    beyond.socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await Promise.race([beyond.closed, sleep(5_000)]);

    expect(beyond.isClosed()).toBe(true);
    expect(beyond.received()).toBe('');

    for (const connection of held) connection.socket.destroy();
    await Promise.all(held.map((connection) => connection.closed));
    await sleep(200);
    expect((await app.request('GET', '/health/live')).status).toBe(200);
  });
});
