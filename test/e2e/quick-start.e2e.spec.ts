// What a newcomer and an operator meet first: the quick start lets them in (a first admin with a
// random password, shown once), production refuses to start without an admin, and the operator's
// mistakes at start (a taken port, a second service on the same DATA_DIR) answer in one sentence.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { newDataDir, startApp, type AppUnderTest } from '../support/app-under-test.js';

jest.setTimeout(120_000);

const NO_ADMIN = { ADMIN_EMAIL: '', ADMIN_PASSWORD: '' };
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(48) };
const STACK_FRAME = /^\s+at /m;

/** The email and password the service printed for its generated admin. */
function printedAdmin(app: AppUnderTest): { email: string; password: string } | undefined {
  const email = /^ {2}email: {4}(\S+)$/m.exec(app.output())?.[1];
  const password = /^ {2}password: (\S+)$/m.exec(app.output())?.[1];
  return email === undefined || password === undefined ? undefined : { email, password };
}

describe('the quick start (embedded default, no ADMIN_EMAIL/ADMIN_PASSWORD)', () => {
  const dataDir = newDataDir();
  const apps: AppUnderTest[] = [];
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await apps[0]?.destroy();
  });
  let admin: { email: string; password: string };
  const changedPassword = 'my own admin password 0c4e';

  it('creates a first admin with a random password, prints it once with how to change it, and records it like any bootstrap', async () => {
    const app = await startApp({ ...NO_ADMIN, LOG_LEVEL: 'info' }, dataDir);
    apps.push(app);
    admin = printedAdmin(app)!;
    expect(admin).toEqual({ email: 'admin@orderstream.local', password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/) });
    expect(app.output()).toContain('PUT /v1/users/me/password');

    const token = await app.login(admin.email, admin.password);
    const me = await app.request('GET', '/v1/users/me', { token });
    expect(me.body.roles).toEqual(['admin']);
    // Recorded like the ADMIN_EMAIL bootstrap: by the system, on the user's stream and the roster.
    const history = await app.request('GET', `/v1/audit/streams/user-${me.body.id}`, { token });
    expect(history.body.items[0]).toMatchObject({ type: 'UserRegistered', metadata: { actor: { system: 'admin-bootstrap' }, causationId: 'service-start' } });

    // The password is on the console block only: in no JSON log line, in no file.
    const logLines = app.output().split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.some((line) => line.includes(admin.password))).toBe(false);
    const files = readdirSync(dataDir).map((name) => readFileSync(join(dataDir, name)).toString('latin1'));
    expect(files.some((content) => content.includes(admin.password))).toBe(false);

    expect((await app.request('PUT', '/v1/users/me/password', { token, body: { currentPassword: admin.password, newPassword: changedPassword } })).status).toBeLessThan(300);
    await app.stop();
  });

  it('prints nothing the next time: the admin exists, with the password they chose', async () => {
    const app = await startApp({ ...NO_ADMIN, LOG_LEVEL: 'info' }, dataDir);
    apps.push(app);
    expect(printedAdmin(app)).toBeUndefined();
    expect(await app.login(admin.email, changedPassword)).toEqual(expect.any(String));
    await app.stop();
  });

  it('in production, starts without the variables once the log holds an admin', async () => {
    const app = await startApp({ ...NO_ADMIN, ...PRODUCTION }, dataDir);
    apps.push(app);
    expect(printedAdmin(app)).toBeUndefined();
    await app.stop();
  });
});

describe('production mode (NODE_ENV=production) on a log without an admin', () => {
  it('refuses to start without ADMIN_EMAIL/ADMIN_PASSWORD, in one sentence', async () => {
    const failure = startApp({ ...NO_ADMIN, ...PRODUCTION });
    await expect(failure).rejects.toThrow(/exited with 1 before listening:\norderstream: invalid configuration: no admin exists yet and ADMIN_EMAIL\/ADMIN_PASSWORD are not set/);
    await expect(failure).rejects.not.toThrow(STACK_FRAME);
    await expect(failure).rejects.not.toThrow(/password:/);
  });
});

describe("an operator's mistakes at start", () => {
  let running: AppUnderTest | undefined;
  afterAll(async () => {
    await running?.destroy();
  });

  it('a taken port: one sentence naming it, no stack trace', async () => {
    running = await startApp();
    const port = new URL(running.baseUrl).port;
    const failure = startApp({ PORT: port });
    await expect(failure).rejects.toThrow(new RegExp(`orderstream: port ${port} on 127\\.0\\.0\\.1 is already in use .*set PORT to a free port`));
    await expect(failure).rejects.not.toThrow(STACK_FRAME);
  });

  it('a second service on the same DATA_DIR: one sentence, at once, no stack trace', async () => {
    const failure = startApp({}, running!.dataDir);
    await expect(failure).rejects.toThrow(/events\.db is in use by another orderstream process: one service per DATA_DIR/);
    await expect(failure).rejects.not.toThrow(STACK_FRAME);
    // The running one is untouched.
    expect((await running!.request('GET', '/health/live')).status).toBe(200);
  });
});
