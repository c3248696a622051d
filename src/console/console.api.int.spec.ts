// The console's room and the one route added for it, in process: GET /v1/users/me/permissions
// answers what the caller's roles hold (from the one table); the console's files are served by
// exact name only, and never anything else under /console.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { expectProblem } from '../../test/support/expect-problem.js';
import { PERMISSIONS, scopeFor, type PermissionName } from '../access/permissions.js';
import { ROLES } from '../access/roles.js';

let api: ApiUnderTest;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.destroy();
});

describe('GET /v1/users/me/permissions', () => {
  it.each(ROLES)('answers a %s exactly the permissions the table grants the role', async (role) => {
    const answer = await api.as(role).request('GET', '/v1/users/me/permissions');

    expect(answer.status).toBe(200);
    expect(answer.body.roles).toEqual([role]);
    const granted = (Object.keys(PERMISSIONS) as PermissionName[]).filter((name) => scopeFor([role], name) !== undefined);
    expect(answer.body.permissions).toEqual(granted.map((name) => ({ name, scope: scopeFor([role], name) })));
  });

  it('an analyst holds the analysts\' permissions and not the access log nor history', async () => {
    const names = (await api.as('analyst').request('GET', '/v1/users/me/permissions')).body.permissions.map((p: { name: string }) => p.name);

    expect(names).toEqual(expect.arrayContaining(['analytics.read-projections', 'analytics.rebuild-projection', 'analytics.replay', 'audit.export-events']));
    expect(names).not.toContain('audit.read-access-log');
    expect(names).not.toContain('audit.read-history');
  });

  it('needs a token, and refuses query parameters', async () => {
    expectProblem(await api.request('GET', '/v1/users/me/permissions'), 401, 'unauthorized');
    expectProblem(await api.as('auditor').request('GET', '/v1/users/me/permissions?role=admin'), 400, 'validation_failed');
  });
});

describe('the console\'s files', () => {
  it.each([
    '/console/assets/nothing.js',
    '/console/assets/..%2F..%2Fpackage.json',
    '/console/assets/%2E%2E%2Findex.html',
  ])('%s is not a file of the console: 404', async (path) => {
    const answer = await api.request('GET', path);

    expectProblem(answer, 404, 'console_asset_not_found');
  });
});
