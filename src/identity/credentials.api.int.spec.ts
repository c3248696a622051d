// Credential material never enters the event log, and a log written before that rule is served
// without it: registration and password changes record only a credential id; the hash lives in the
// credential store. A legacy log (events carrying `passwordHash`) keeps its bytes, is migrated
// into the credential store at start, and is exported redacted yet verifiable.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyExport } from '../audit/export/export-format.js';
import { RAW_EVENT_STORE } from '../eventstore/upcasting/upcasting-event-store.js';
import type { EventStore } from '../eventstore/event-store.port.js';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { newDataDir } from '../../test/support/app-under-test.js';
import { PasswordHasher } from './passwords/password-hasher.js';
import { userIdForEmail } from './user-id.js';

const PASSWORD = 'a perfectly long passphrase';
const SECRET = /passwordHash|\$scrypt\$/;

async function exportOf(api: ApiUnderTest, role: 'analyst' | 'auditor', query: string) {
  const manifest = await api.as(role).request('GET', `/v1/audit/export/manifest?${query}`);
  expect(manifest.status).toBe(200);
  const pinned = `${query}&toPosition=${manifest.body.manifest.filter.toPosition}`;
  const events = await api.as(role).request('GET', `/v1/audit/export/events?${pinned}`);
  expect(events.status).toBe(200);
  const ndjson = Buffer.from(typeof events.body === 'string' ? events.body : `${(events.body as unknown[]).map((e) => JSON.stringify(e)).join('\n')}\n`);
  return { manifest: manifest.body, ndjson };
}

describe('no credential material in the event log', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.destroy();
  });

  it('registering and changing a password record no hash; the account signs in with the new password only', async () => {
    const email = 'cora@orderstream.test';
    expect((await api.request('POST', '/v1/customers', { body: { email, password: PASSWORD } })).status).toBe(201);
    const token = await api.login(email, PASSWORD);
    const changed = await api.request('PUT', '/v1/users/me/password', { token, body: { currentPassword: PASSWORD, newPassword: `${PASSWORD} two` } });
    expect(changed.status).toBe(200);

    const raw = api.app.get<EventStore>(RAW_EVENT_STORE);
    const stored = await raw.readStream(`user-${userIdForEmail(email)}`);
    expect(stored.map((e) => e.type)).toEqual(['UserRegistered', 'PasswordChanged']);
    expect(JSON.stringify(stored.map((e) => e.data))).not.toMatch(SECRET);
    const { ndjson } = await exportOf(api, 'auditor', 'streamPrefix=user-');
    expect(ndjson.toString()).not.toMatch(SECRET);

    expect((await api.request('POST', '/v1/auth/token', { body: { email, password: PASSWORD } })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/token', { body: { email, password: `${PASSWORD} two` } })).status).toBe(200);
  });
});

describe('a log written with hashes in it (before this change)', () => {
  const dataDir = newDataDir();
  const email = 'legacy@orderstream.test';
  const userId = userIdForEmail(email);
  let api: ApiUnderTest;

  beforeAll(async () => {
    // The old shape, appended as the old code did: schema version 1, the hash in the data.
    const first = await startApi({}, dataDir);
    const hash = await new PasswordHasher({ logN: 14, r: 8, p: 1 }).hash(PASSWORD);
    const metadata = { actor: { system: 'legacy' }, commandId: 'legacy-1', commandType: 'RegisterUser', correlationId: 'legacy', causationId: 'legacy', occurredAt: new Date().toISOString() };
    await first.app.get<EventStore>(RAW_EVENT_STORE).append(
      `user-${userId}`,
      [{ eventId: '6f1d2a7e-0b1c-4c55-9a8e-4d2f9b7c1e01', type: 'UserRegistered', schemaVersion: 1, data: { userId, email, roles: ['customer'], passwordHash: hash }, metadata }],
      'no_stream',
    );
    await first.app.close();
    api = await startApi({}, dataDir);
  });
  afterAll(async () => {
    await api?.destroy();
  });

  it('the account still signs in: its hash was copied into the credential store at start', async () => {
    expect((await api.request('POST', '/v1/auth/token', { body: { email, password: PASSWORD } })).status).toBe(200);
    expect((await api.request('POST', '/v1/auth/token', { body: { email, password: `${PASSWORD}!` } })).status).toBe(401);
  });

  it('history, state and export serve no hash; the export verifies and says which event was redacted', async () => {
    const history = await api.as('auditor').request('GET', `/v1/audit/streams/user-${userId}`);
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).not.toMatch(/\$scrypt\$/);

    const { manifest, ndjson } = await exportOf(api, 'auditor', 'streamPrefix=user-');
    expect(ndjson.toString()).not.toMatch(/\$scrypt\$/);
    const verified = verifyExport({ ndjson, manifestJson: JSON.stringify(manifest.manifest), signature: manifest.signature, publicKeyPem: manifest.publicKey });
    expect(verified.ok).toBe(true);
    expect(verified.redacted).toEqual([expect.stringContaining(`user-${userId}@0`)]);
  });
});

describe('tokens and password changes', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.destroy();
  });

  it('a token issued before a password change is refused; one issued after it is served', async () => {
    const email = 'fay@orderstream.test';
    expect((await api.request('POST', '/v1/customers', { body: { email, password: PASSWORD } })).status).toBe(201);
    const before = await api.login(email, PASSWORD);
    const other = await api.login(email, PASSWORD);
    expect((await api.request('GET', '/v1/users/me', { token: other })).status).toBe(200);

    expect((await api.request('PUT', '/v1/users/me/password', { token: before, body: { currentPassword: PASSWORD, newPassword: `${PASSWORD} new` } })).status).toBe(200);

    expect((await api.request('GET', '/v1/users/me', { token: before })).status).toBe(401);
    expect((await api.request('GET', '/v1/users/me', { token: other })).status).toBe(401);
    const after = await api.login(email, `${PASSWORD} new`);
    expect((await api.request('GET', '/v1/users/me', { token: after })).status).toBe(200);
  });
});
