// Users, tokens and roles over real HTTP, as customers, staff and admins use them; and what the
// log keeps about it (the actor of every event, never a password).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import type { RecordedEvent } from '../../src/eventstore/event-store.port.js';
import { TEST_ADMIN, startApp, type AppUnderTest, type HttpAnswer } from '../support/app-under-test.js';
import { openedLog, readWholeLog } from '../support/log-verification.js';

// Services start as real processes and every login costs a deliberately slow password hash.
jest.setTimeout(60_000);

let app: AppUnderTest;
let counter = 0;
const newEmail = (label: string) => `${label}-${process.pid}-${++counter}@orderstream.test`;
const PASSWORD = 'a perfectly long passphrase';
const productBody = () => ({ sku: `ID-${process.pid}-${++counter}`, name: 'Lamp', price: { amount: 2500, currency: 'EUR' } });

function expectProblem(answer: HttpAnswer, status: number, code: string) {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
}

async function register(email: string, password = PASSWORD) {
  return app.request('POST', '/v1/customers', { body: { email, password } });
}

beforeAll(async () => {
  // trace: every log line the service can print, so the password checks below see them all.
  app = await startApp({ LOG_LEVEL: 'trace' });
});
afterAll(async () => {
  await app?.destroy();
});

describe('customers register themselves and sign in', () => {
  it('registers, signs in and sees their own account', async () => {
    const email = newEmail('ann');
    const registered = await register(email);
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), revision: 0, position: expect.stringMatching(/^\d+$/) });
    const token = await app.login(email, PASSWORD);
    const me = await app.request('GET', '/v1/users/me', { token });
    expect(me.body).toEqual({ id: registered.body.id, email, roles: ['customer'] });
    expect(me.headers.get('cache-control')).toBe('no-store');
  });

  it('answers the token with its type and lifetime, not cacheable', async () => {
    const email = newEmail('tok');
    await register(email);
    const answer = await app.request('POST', '/v1/auth/token', { body: { email, password: PASSWORD } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), tokenType: 'Bearer', expiresIn: 900 });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('treats an email in another case or with spaces as the same account', async () => {
    const email = newEmail('case');
    const first = await register(email);
    expectProblem(await register(`  ${email.toUpperCase()} `), 409, 'email_already_registered');
    const token = await app.login(email.toUpperCase(), PASSWORD);
    expect((await app.request('GET', '/v1/users/me', { token })).body.id).toBe(first.body.id);
  });

  it('lets exactly one of many simultaneous registrations of an email win', async () => {
    const email = newEmail('race');
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => register(email, `${PASSWORD} ${i}`)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.code === 'email_already_registered')).toHaveLength(5);
  });

  it.each([
    ['a short password', { email: 'short@orderstream.test', password: 'too short' }],
    ['an invalid email', { email: 'not-an-email', password: PASSWORD }],
    ['a role asked for', { email: 'role@orderstream.test', password: PASSWORD, roles: ['admin'] }],
  ])('refuses %s with 400', async (_name, body) => {
    expectProblem(await app.request('POST', '/v1/customers', { body }), 400, 'validation_failed');
  });

  it('a customer may read the catalogue but not change it', async () => {
    expect((await app.as('customer').request('GET', '/v1/products')).status).toBe(200);
    expectProblem(await app.as('customer').request('POST', '/v1/products', { body: productBody() }), 403, 'forbidden');
  });
});

describe('admins manage staff, analysts, auditors and roles', () => {
  it('creates a staff user who can then register products', async () => {
    const email = newEmail('stan');
    const created = await app.as('admin').request('POST', '/v1/admin/users', { body: { email, password: PASSWORD, roles: ['staff'] } });
    expect(created.status).toBe(201);
    const token = await app.login(email, PASSWORD);
    expect((await app.request('POST', '/v1/products', { token, body: productBody() })).status).toBe(201);
    const view = await app.as('admin').request('GET', `/v1/admin/users/${created.body.id}`, { headers: { 'x-min-position': created.body.position } });
    expect(view.body).toEqual({ id: created.body.id, email, roles: ['staff'], disabled: false, registeredAt: expect.any(String), revision: 0 });
    expect(view.headers.get('etag')).toBe('"0"');
  });

  it('non-admins cannot create users', async () => {
    expectProblem(await app.as('staff').request('POST', '/v1/admin/users', { body: { email: newEmail('x'), password: PASSWORD, roles: ['admin'] } }), 403, 'forbidden');
  });

  it('a granted role counts from the next sign-in; a revoked one stops counting at once', async () => {
    const user = await app.newUser('customer');
    const granted = await app.as('admin').request('POST', `/v1/admin/users/${user.id}/roles`, { body: { role: 'staff' } });
    expect(granted.status).toBe(200);
    expect(granted.body.revision).toBe(1);
    // The old token still says customer only: it never carries more than it was issued with.
    expectProblem(await app.request('POST', '/v1/products', { token: user.token, body: productBody() }), 403, 'forbidden');
    const fresh = await app.login(user.email, user.password);
    expect((await app.request('POST', '/v1/products', { token: fresh, body: productBody() })).status).toBe(201);

    const revoked = await app.as('admin').request('DELETE', `/v1/admin/users/${user.id}/roles/staff`);
    expect(revoked.status).toBe(200);
    expectProblem(await app.request('POST', '/v1/products', { token: fresh, body: productBody() }), 403, 'forbidden');
    expect((await app.request('GET', '/v1/users/me', { token: fresh })).body.roles).toEqual(['customer']);
  });

  it('granting a role held, or revoking one not held, records nothing', async () => {
    const user = await app.newUser('analyst');
    const again = await app.as('admin').request('POST', `/v1/admin/users/${user.id}/roles`, { body: { role: 'analyst' } });
    expect(again.body.revision).toBe(0);
    const none = await app.as('admin').request('DELETE', `/v1/admin/users/${user.id}/roles/auditor`);
    expect(none.body.revision).toBe(0);
  });

  it('a disabled user cannot sign in, and their tokens stop working at once', async () => {
    const user = await app.newUser('staff');
    expect((await app.as('admin').request('POST', `/v1/admin/users/${user.id}/disable`, { body: { reason: 'left the company' } })).status).toBe(200);
    expectProblem(await app.request('GET', '/v1/products', { token: user.token }), 401, 'invalid_token');
    expectProblem(await app.request('POST', '/v1/auth/token', { body: { email: user.email, password: user.password } }), 401, 'invalid_credentials');
  });

  it('an admin can neither disable themselves nor revoke their own admin role', async () => {
    const me = (await app.as('admin').request('GET', '/v1/users/me')).body.id;
    expectProblem(await app.as('admin').request('POST', `/v1/admin/users/${me}/disable`, { body: { reason: 'oops' } }), 409, 'cannot_disable_self');
    expectProblem(await app.as('admin').request('DELETE', `/v1/admin/users/${me}/roles/admin`), 409, 'cannot_revoke_own_admin');
  });

  it('answers 404 for an unknown user and 400 for an unknown role', async () => {
    expectProblem(await app.as('admin').request('POST', '/v1/admin/users/2b1f0c3e-4d5a-4b6c-8d7e-9f0a1b2c3d4e/roles', { body: { role: 'staff' } }), 404, 'user_not_found');
    const user = await app.newUser('customer');
    expectProblem(await app.as('admin').request('DELETE', `/v1/admin/users/${user.id}/roles/root`), 400, 'invalid_role');
  });

  it('lists users by email in bounded pages, without password hashes', async () => {
    const last = await app.newUser('auditor');
    const me = await app.as('admin').request('GET', '/v1/users/me');
    expect(me.status).toBe(200);
    const head = (await app.as('admin').request('GET', '/health')).body.details.eventStore.headPosition;
    const emails: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: HttpAnswer = await app.as('admin').request('GET', `/v1/admin/users?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { headers: { 'x-min-position': head } });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      expect(JSON.stringify(page.body)).not.toContain('scrypt');
      emails.push(...page.body.items.map((user: { email: string }) => user.email));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(emails).toEqual([...emails].sort());
    expect(emails).toEqual(expect.arrayContaining([TEST_ADMIN.email, last.email]));
  });
});

describe('changing one\'s password', () => {
  it('needs the current password; afterwards only the new one signs in', async () => {
    const user = await app.newUser('customer');
    expectProblem(await app.request('PUT', '/v1/users/me/password', { token: user.token, body: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' } }), 403, 'wrong_current_password');
    const changed = await app.request('PUT', '/v1/users/me/password', { token: user.token, body: { currentPassword: user.password, newPassword: 'a brand new passphrase' } });
    expect(changed.status).toBe(200);
    expectProblem(await app.request('POST', '/v1/auth/token', { body: { email: user.email, password: user.password } }), 401, 'invalid_credentials');
    expect(await app.login(user.email, 'a brand new passphrase')).toEqual(expect.any(String));
  });
});

describe('what the log keeps', () => {
  const secrets = [TEST_ADMIN.password, PASSWORD, 'a brand new passphrase', 'too short', 'not it at all'];
  let events: RecordedEvent[];
  let staffUser: { id: string };
  let answer: HttpAnswer;

  beforeAll(async () => {
    const staff = await app.newUser('staff');
    staffUser = staff;
    answer = await app.request('POST', '/v1/products', { token: staff.token, body: productBody(), headers: { 'x-correlation-id': 'audit-me-42', 'idempotency-key': `key-${process.pid}` } });
    expect(answer.status).toBe(201);
    // The log is locked while the service runs: stop it, read the files, start it again.
    await app.stop();
    const store = new SqliteEventStore(join(app.dataDir, 'events.db'));
    try {
      events = await openedLog(await readWholeLog(store), app.dataDir); // emails are sealed in the log
    } finally {
      await store.close();
    }
  });

  it('every event of a request names the user, their roles, the command, correlation, causation and request', () => {
    const event = events.find((e) => e.streamId === `product-${answer.body.id}`)!;
    expect(event.metadata).toMatchObject({
      actor: { userId: staffUser.id, roles: ['staff'] },
      commandType: 'RegisterProduct',
      commandId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      correlationId: `${staffUser.id}:audit-me-42`,
      requestId: answer.headers.get('x-request-id'),
      causationId: answer.headers.get('x-request-id'),
    });
    expect(answer.headers.get('x-correlation-id')).toBe(`${staffUser.id}:audit-me-42`);
  });

  it('access changes are events naming who made them; the first admin names the bootstrap', () => {
    const admin = events.find((e) => e.type === 'UserRegistered' && (e.data as { email: string }).email === TEST_ADMIN.email)!;
    expect(admin.metadata.actor).toEqual({ system: 'admin-bootstrap' });
    const grants = events.filter((e) => e.type === 'RoleGranted' || e.type === 'RoleRevoked' || e.type === 'UserDisabled');
    expect(grants.length).toBeGreaterThanOrEqual(3);
    for (const grant of grants) expect(grant.metadata.actor).toEqual({ userId: admin.streamId.replace(/^user-/, ''), roles: ['admin'] });
    const selfRegistered = events.filter((e) => e.type === 'UserRegistered' && (e.data as { roles: string[] }).roles.includes('customer'));
    for (const event of selfRegistered) expect(event.metadata.actor).toEqual({ userId: 'anonymous', roles: [] });
  });

  it('stores password hashes (scrypt at N=2^17, r=8, p=1) in the credential store only, never a password: not in the log, the files or the output', () => {
    const recorded = events.filter((e) => e.type === 'UserRegistered' || e.type === 'PasswordChanged');
    expect(recorded.length).toBeGreaterThan(5);
    for (const event of recorded) expect(JSON.stringify(event.data)).not.toMatch(/passwordHash|\$scrypt\$/);
    const credentials = new Database(join(app.dataDir, 'credentials.db'), { readonly: true });
    const hashes = credentials.prepare('SELECT secret FROM credentials').pluck().all() as string[];
    credentials.close();
    expect(hashes.length).toBeGreaterThan(5);
    for (const hash of hashes) expect(hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
    const files = readdirSync(app.dataDir).map((name) => readFileSync(join(app.dataDir, name)).toString('latin1'));
    const output = app.output();
    expect(output).toContain('Registered the first admin');
    for (const secret of secrets) {
      for (const content of [...files, output]) expect(content.includes(secret)).toBe(false);
    }
  });

  it('the first admin is registered once: a restart with another ADMIN_PASSWORD changes nothing', async () => {
    app = await startApp({ ADMIN_PASSWORD: 'a different admin password' }, app.dataDir);
    expect(await app.login(TEST_ADMIN.email, TEST_ADMIN.password)).toEqual(expect.any(String));
    expectProblem(await app.request('POST', '/v1/auth/token', { body: { email: TEST_ADMIN.email, password: 'a different admin password' } }), 401, 'invalid_credentials');
    const admins = events.filter((e) => e.type === 'UserRegistered' && (e.data as { email: string }).email === TEST_ADMIN.email);
    expect(admins).toHaveLength(1);
  });
});

describe('without JWT_SECRET (development)', () => {
  it('starts with a per-run secret, says so, and its tokens die with the process', async () => {
    const dev = await startApp({ JWT_SECRET: '', LOG_LEVEL: 'warn' });
    try {
      expect(dev.output()).toContain('JWT_SECRET is not set');
      const token = await dev.tokenFor('admin');
      expect((await dev.request('GET', '/v1/users/me', { token })).status).toBe(200);
      await dev.stop();
      const again = await startApp({ JWT_SECRET: '', LOG_LEVEL: 'warn' }, dev.dataDir);
      try {
        expectProblem(await again.request('GET', '/v1/users/me', { token }), 401, 'invalid_token');
      } finally {
        await again.stop();
      }
    } finally {
      await dev.destroy();
    }
  });
});
