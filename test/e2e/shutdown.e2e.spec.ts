// SIGTERM to the built service (node dist/src/main.js, as a container runtime sends it): requests in
// flight get their answers with Connection: close, an idle keep-alive connection does not hold the
// exit, and the process exits 0 within SHUTDOWN_GRACE_MS.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { TEST_ADMIN, startApp, type AppUnderTest } from '../support/app-under-test.js';
import { rawConnection, sleep, type RawConnection } from '../support/raw-connection.js';

jest.setTimeout(90_000);

// Generous: on a loaded machine a queued login's password hash takes seconds, and a request still
// open when the grace period ends is cut (as it should be), which is not what this spec is about.
const GRACE_MS = 25_000;

/** Waits (bounded) until `connection` has received a whole answer whose body ends with `tail`. */
async function answerOn(connection: RawConnection, tail: string, withinMs = 10_000): Promise<string> {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline && !connection.received().trimEnd().endsWith(tail); ) await sleep(20);
  return connection.received();
}

const loginRequest = () => {
  const body = JSON.stringify({ email: TEST_ADMIN.email, password: TEST_ADMIN.password });
  return `POST /v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};

describe('SIGTERM', () => {
  let app: AppUnderTest;

  beforeAll(async () => {
    // A keep-alive timeout far beyond the grace period: an idle connection left open would hold the exit.
    app = await startApp({ SHUTDOWN_GRACE_MS: String(GRACE_MS), HTTP_KEEP_ALIVE_TIMEOUT_MS: '600000' });
  });
  afterAll(async () => {
    await app?.destroy();
  });

  it('answers the requests in flight, closes idle connections at once and exits 0 within the grace period', async () => {
    // An idle keep-alive connection: one answer, then nothing.
    const idle = await rawConnection(app);
    idle.socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    expect(await answerOn(idle, '}')).toMatch(/^HTTP\/1\.1 200/);

    // Requests in flight: logins hash a password (the hasher takes two at a time), so these queue.
    const inFlight = Array.from({ length: 4 }, () => app.request('POST', '/v1/auth/token', { body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } }));
    const keptAlive = await rawConnection(app);
    keptAlive.socket.write(loginRequest());
    await sleep(150);

    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      app.process.once('exit', (code, signal) => done({ code, signal })));
    const sentAt = Date.now();
    app.process.kill('SIGTERM');

    // The idle connection is closed well before its keep-alive timeout (600 s).
    await Promise.race([idle.closed, sleep(GRACE_MS)]);
    expect(idle.isClosed()).toBe(true);

    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(answers.every((answer) => typeof answer.body.accessToken === 'string')).toBe(true);

    // The keep-alive connection's answer says it is the last one on it, and the connection ends.
    const answer = await answerOn(keptAlive, '}');
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    await Promise.race([keptAlive.closed, sleep(GRACE_MS)]);
    expect(keptAlive.isClosed()).toBe(true);

    const exit = await Promise.race([exited, sleep(GRACE_MS + 10_000).then(() => undefined)]);
    expect(exit).toEqual({ code: 0, signal: null });
    // Loosely: within the grace period and its margin, nowhere near the keep-alive timeout.
    expect(Date.now() - sentAt).toBeLessThan(GRACE_MS + 10_000);
  });
});
