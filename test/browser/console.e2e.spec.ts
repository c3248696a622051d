// The audit console (/console) in a real browser (Debian's Chromium) against the built service:
// an auditor finds an order by searching the log, reads its stream, its state at an earlier
// revision and the diff, its causation tree, verify and the anchors; an analyst sees the analysts'
// screens (and not the access log or history) and watches a rebuild finish; a customer gets
// nothing; an admin reads the access log and sees an erased customer's data as erased; the keyboard
// reaches the main actions; a tampered log shows its broken link; an admin's skip of a parked event
// is in the log. Every page is watched for CSP violations. Each screen is saved as a screenshot.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { verifyExport } from '../../src/audit/export/export-format.js';
import { startApp, type AppUnderTest, type TestUser } from '../support/app-under-test.js';
import { placeOrder, productWithStock, waitForOrder } from '../support/orders-client.js';
import { launchChromium, newPerson, screenshot, type PageTrouble } from './console-browser.js';

// Logins hash passwords (scrypt), the saga runs an order through, and the last test restarts the service.
jest.setTimeout(90_000);

let app: AppUnderTest;
let browser: Browser;
const trouble: PageTrouble = { cspViolations: [], scriptErrors: [] };
const contexts: BrowserContext[] = [];
let productStream: string;
let orderStream: string;
let orderCorrelation: string;
let customer: TestUser;
let orderPlacedAt: number;

/** A moment as the browser's `datetime-local` field takes it: in the page's zone (Europe/Berlin, newPerson). */
const berlinLocal = (ms: number) => new Date(ms).toLocaleString('sv-SE', { timeZone: 'Europe/Berlin' }).replace(' ', 'T').slice(0, 16);

async function signedIn(user: TestUser, shot?: string): Promise<Page> {
  const { context, page } = await newPerson(browser, trouble);
  contexts.push(context);
  await page.goto(`${app.baseUrl}/console`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  if (shot) await screenshot(page, shot);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

const screens = (page: Page) => page.getByRole('navigation', { name: 'Screens' }).getByRole('link').allTextContents();

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }), launchChromium()]);
  const product = await productWithStock(app, 10);
  productStream = `product-${product.id}`;
  await app.as('staff').request('PUT', `/v1/products/${product.id}/price`, { body: { amount: 1250, currency: 'EUR' } });
  customer = await app.newUser('customer');
  orderPlacedAt = Date.now();
  const placed = await placeOrder(app, customer, [{ productId: product.id, quantity: 2 }], { minPosition: product.position, headers: { 'x-correlation-id': 'browser-checkout' } });
  expect(placed.status).toBe(201);
  orderStream = `order-${placed.body.id}`;
  orderCorrelation = placed.headers.get('x-correlation-id')!;
  await waitForOrder(app, customer.token, placed.body.id, (order) => order.status === 'confirmed');
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await app?.destroy();
});

describe('an auditor', () => {
  let page: Page;
  beforeAll(async () => {
    page = await signedIn(await app.newUser('auditor'), 'sign-in');
  });

  it('signs in and sees the auditors\' screens, not the analysts\' or the access log', async () => {
    expect(await screens(page)).toEqual(['Streams', 'Integrity', "A request's story", 'An entity over time']);
  });

  it('finds the order by searching the log by prefix, type, time range and actor, and opens its stream', async () => {
    const search = page.getByRole('search', { name: 'Search the log' });
    await search.getByLabel('Stream prefix').fill('order-');
    await search.getByLabel('Event type').fill('OrderPlaced');
    await search.getByLabel('Since').fill(berlinLocal(orderPlacedAt - 3_600_000));
    await search.getByLabel('Until').fill(berlinLocal(orderPlacedAt + 3_600_000));
    await search.getByLabel('Actor (user id)').fill(customer.id);
    await search.getByRole('button', { name: 'Search' }).click();
    const results = page.getByTestId('log-search-results');
    await results.locator('tbody tr').first().waitFor();
    expect(await results.locator('tbody tr td:nth-child(3)').allTextContents()).toEqual(['OrderPlaced']);
    await screenshot(page, 'streams-search');
    // A window that ended before the order was placed finds nothing.
    await search.getByLabel('Since').fill(berlinLocal(orderPlacedAt - 7_200_000));
    await search.getByLabel('Until').fill(berlinLocal(orderPlacedAt - 3_600_000));
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No events match.').waitFor();
    await search.getByLabel('Since').fill(berlinLocal(orderPlacedAt - 3_600_000));
    await search.getByLabel('Until').fill(berlinLocal(orderPlacedAt + 3_600_000));
    await search.getByRole('button', { name: 'Search' }).click();
    await results.getByRole('link', { name: orderStream }).click();
    await page.locator('table.events tbody tr[data-revision]').first().waitFor();
    expect(await page.getByLabel('Stream id').inputValue()).toBe(orderStream);
  });

  it('opens an order\'s stream: its events in order with the envelope, times local with UTC on hover', async () => {
    await page.getByLabel('Stream id').fill(orderStream);
    await page.getByRole('button', { name: 'Open stream' }).click();
    const rows = page.locator('table.events tbody tr[data-revision]');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-revision'))))).toEqual([...Array(await rows.count()).keys()]);
    await expect(rows.first().locator('td').nth(2).textContent()).resolves.toContain('OrderPlaced');
    expect(await rows.first().locator('time').getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/);
    await rows.first().getByRole('button', { name: 'Data' }).click();
    const data = page.locator('tr.details pre.json');
    await expect(data.textContent()).resolves.toContain('"lines"');
    // The shipping address is personal data: shown opened, or marked "sealed", never as the raw marker.
    await expect(data.textContent()).resolves.toMatch(/"shippingAddress": (sealed|\{)/);
    await expect(data.textContent()).resolves.not.toContain('$sealed');
    await expect(page.locator('tr.details').textContent()).resolves.toContain(orderCorrelation);
    await screenshot(page, 'streams');
  });

  it('sees the order at an earlier revision, and the diff with the events that caused each change', async () => {
    await page.getByRole('link', { name: `State over time of ${orderStream}` }).click();
    await page.getByLabel('State after: revision number').fill('0');
    const stateAt = page.getByTestId('state-at');
    await stateAt.getByText('After revision 0').waitFor();
    expect(JSON.parse((await stateAt.locator('pre').textContent())!)).toMatchObject({ status: 'placed', customerId: customer.id });
    await page.getByRole('button', { name: 'Show the diff' }).click(); // from revision 0 to the latest
    const diff = page.getByTestId('diff');
    await diff.waitFor();
    await expect(diff.locator('tr', { hasText: 'status' }).textContent()).resolves.toMatch(/"placed".*"confirmed".*OrderConfirmed @1/);
    await screenshot(page, 'entity');
    // Or by a moment picked in the reader's zone: an hour before the order, there was none.
    await page.getByRole('group', { name: 'State after' }).getByLabel('time', { exact: true }).check();
    await page.getByLabel('State after: time (your zone)').fill(`${berlinLocal(orderPlacedAt - 3_600_000)}:00`);
    await stateAt.getByText('Before the first event.').waitFor();
  });

  it('sees a product\'s price change between two revisions, by the event that made it', async () => {
    await page.goto(`${app.baseUrl}/console#/entity/${encodeURIComponent(productStream)}`);
    await page.getByLabel('From: revision number').fill('1');
    await page.getByRole('button', { name: 'Show the diff' }).click();
    await expect(page.getByTestId('diff').locator('tr', { hasText: 'price.amount' }).textContent()).resolves.toMatch(/1000.*1250.*PriceChanged @2/);
  });

  it('follows the order\'s causation tree across streams and the saga', async () => {
    await page.goto(`${app.baseUrl}/console#/story/${encodeURIComponent(orderCorrelation)}`);
    const tree = page.getByTestId('causation-tree');
    await tree.getByRole('button', { name: /OrderPlaced/ }).waitFor();
    const kinds = new Set((await tree.locator('button.node .muted').allTextContents()).map((text) => text.split('-')[0]));
    expect([...kinds]).toEqual(expect.arrayContaining(['order', 'fulfillment', 'product', 'payment']));
    // OrderPlaced caused the rest: they sit in the list under it.
    expect(await tree.locator('li', { has: page.getByRole('button', { name: /OrderPlaced/ }) }).locator('li').count()).toBeGreaterThan(2);
    await tree.getByRole('button', { name: /OrderPlaced/ }).click();
    await expect(page.locator('.event-detail pre.json').textContent()).resolves.toContain('"lines"');
    await screenshot(page, 'story');
  });

  it('runs verify on an intact log and anchors the heads', async () => {
    await page.getByRole('link', { name: 'Integrity' }).click();
    await page.getByRole('button', { name: 'Anchor the heads now' }).click();
    await page.getByText(/Anchored the stream heads/).waitFor();
    const answer = page.waitForResponse((response) => new URL(response.url()).pathname === '/v1/audit/verify');
    await page.getByRole('button', { name: 'Run verify' }).click();
    // The console asks for the walk with progress (NDJSON lines), and its bar ends full.
    expect((await answer).headers()['content-type']).toContain('application/x-ndjson');
    const report = page.getByTestId('verify-report');
    await expect(report.locator('.verdict').textContent()).resolves.toMatch(/^Intact/);
    await expect(page.getByTestId('verify-progress').getAttribute('value')).resolves.toBe('100');
    await expect(page.getByRole('status').filter({ has: page.getByTestId('verify-progress') }).textContent()).resolves.toMatch(/100 % — checked up to position \d+ of \d+/);
    await expect(report.textContent()).resolves.toContain('Root hash');
    const anchors = page.getByTestId('anchors').locator('tbody tr');
    await anchors.first().waitFor();
    await expect(anchors.last().textContent()).resolves.toMatch(/signed by key/);
  });

  it('takes a signed export whose four files verify offline', async () => {
    await page.getByLabel('Stream prefixes').fill(productStream);
    await page.getByRole('button', { name: 'Take a signed export' }).click();
    const files = page.getByTestId('export-files');
    const count = Number(/^(\d+) events exported/.exec((await files.getByRole('status').textContent())!)![1]);
    const saved: string[] = [];
    for (const link of await files.getByRole('link').all()) {
      const download = page.waitForEvent('download');
      await link.click();
      saved.push(readFileSync(await (await download).path(), 'utf8'));
    }
    const [ndjson, manifestJson, signature, publicKeyPem] = saved as [string, string, string, string];
    const lines = ndjson.trim().split('\n');
    expect(lines).toHaveLength(count);
    expect(new Set(lines.map((line) => JSON.parse(line).streamId))).toEqual(new Set([productStream]));
    // What `npm run cli -- verify-export` runs, on the files as the browser saved them.
    expect(verifyExport({ ndjson: Buffer.from(ndjson), manifestJson, signature, publicKeyPem })).toMatchObject({ ok: true, count, problems: [] });
    await expect(files.locator('pre.command').textContent()).resolves.toMatch(/^npm run cli -- verify-export \S+\.ndjson --public-key \S+\.public-key\.pem$/);
    await screenshot(page, 'integrity');
  });
});

describe('an analyst', () => {
  let page: Page;
  beforeAll(async () => {
    page = await signedIn(await app.newUser('analyst'));
  });

  it('sees the analysts\' screens and exports, not history, verify or the access log', async () => {
    expect(await screens(page)).toEqual(['Integrity', 'Analysts']);
    await page.getByRole('link', { name: 'Integrity' }).click();
    await page.getByRole('button', { name: 'Take a signed export' }).waitFor();
    expect(await page.getByRole('button', { name: 'Run verify' }).count()).toBe(0);
    await page.goto(`${app.baseUrl}/console#/access-log`);
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Your roles may not use this screen.');
    expect(await page.getByTestId('access-log').count()).toBe(0);
  });

  it('starts a rebuild and watches it until the new build serves', async () => {
    await page.getByRole('link', { name: 'Analysts' }).click();
    const row = page.locator('tr[data-projection="product-details"]');
    const servingBefore = await row.locator('td code').first().textContent();
    await row.getByRole('button', { name: 'Rebuild product-details' }).click();
    await page.getByText('Rebuild of product-details finished: the new build serves.').waitFor({ timeout: 60_000 });
    const servingAfter = await row.locator('td code').first().textContent();
    expect(servingAfter).not.toBe(servingBefore);
    expect(await row.getByTestId('building').textContent()).toBe('none');
  });

  it('replays a scratch projection and reads its documents as a table', async () => {
    await page.getByRole('button', { name: 'Run the replay' }).click();
    const result = page.getByTestId('replay-result');
    await expect(result.getByRole('status').textContent()).resolves.toMatch(/^\d+ events? replayed/);
    expect(await result.locator('tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'analysts');
  });
});

describe('a customer', () => {
  it('is refused the console\'s data: no screen opens', async () => {
    const page = await signedIn(await app.newUser('customer'));
    expect(await screens(page)).toEqual([]);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/hold none of the permissions/);
    await page.goto(`${app.baseUrl}/console#/streams/${encodeURIComponent(orderStream)}`);
    expect(await page.locator('table.events').count()).toBe(0);
    await screenshot(page, 'customer-refused');
  });
});

describe('an admin', () => {
  it('reads the access log: who read which history, when', async () => {
    const page = await signedIn(await app.newUser('admin'));
    expect(await screens(page)).toContain('Access log');
    await page.getByRole('link', { name: 'Access log' }).click();
    const log = page.getByTestId('access-log');
    await log.locator('tbody tr').first().waitFor();
    await expect(log.textContent()).resolves.toContain(`streamId=${orderStream}`);
    await screenshot(page, 'access-log');
  });

  it('sees an erased customer\'s address as erased in the order\'s saga state', async () => {
    const admin = app.as('admin');
    expect((await admin.request('POST', `/v1/admin/data-subjects/${customer.id}/erasure`, { body: { reason: 'browser spec: art. 17 request' } })).status).toBe(200);
    const story = await admin.request('GET', `/v1/audit/correlations/${encodeURIComponent(orderCorrelation)}`);
    const saga = story.body.events.map((event: { streamId: string }) => event.streamId).find((id: string) => id.startsWith('fulfillment-'));
    const page = await signedIn(await app.newUser('auditor'));
    await page.goto(`${app.baseUrl}/console#/entity/${encodeURIComponent(saga)}`);
    const state = page.getByTestId('state-at').locator('pre');
    await state.locator('.marker.erased').first().waitFor();
    await expect(state.textContent()).resolves.toMatch(/"shippingAddress": \{\n\s+"name": erased,/);
    await expect(state.textContent()).resolves.not.toContain('[erased]');
    await screenshot(page, 'entity-erased');
  });
});

describe('with the keyboard only', () => {
  it('signs in, reaches a screen in the navigation and runs its main action', async () => {
    const { context, page } = await newPerson(browser, trouble);
    contexts.push(context);
    const auditor = await app.newUser('auditor');
    await page.goto(`${app.baseUrl}/console`);
    await page.keyboard.type(auditor.email); // the email field has the focus
    await page.keyboard.press('Tab');
    await page.keyboard.type(auditor.password);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const focused = () => page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
    const tabTo = async (name: string) => {
      for (let i = 0; i < 25 && (await focused()) !== name; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe(name);
    };
    await tabTo('Integrity');
    // The focus shows: the console's outline, not the browser's default (or none).
    expect(await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle + " " + getComputedStyle(document.activeElement).outlineWidth')).toBe('solid 3px');
    await page.keyboard.press('Enter');
    await tabTo('Run verify');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('verify-report').locator('.verdict').textContent()).resolves.toMatch(/^Intact/);
  });
});

describe('a tampered log', () => {
  it('shows the first broken link of the edited stream', async () => {
    await app.stop();
    const db = new Database(join(app.dataDir, 'events.db'));
    db.prepare(`UPDATE events SET data = json_set(data, '$.quantity', 1000) WHERE stream_id = ? AND revision = 1`).run(productStream);
    db.close();
    app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }, app.dataDir);
    const page = await signedIn(await app.newUser('auditor'));
    await page.getByRole('link', { name: 'Integrity' }).click();
    await page.getByRole('button', { name: 'Run verify' }).click();
    const report = page.getByTestId('verify-report');
    await expect(report.locator('.verdict').textContent()).resolves.toMatch(/^Broken: 1 stream with a broken link/);
    const broken = report.locator('tr.broken-link');
    expect(await broken.count()).toBe(1);
    await expect(broken.textContent()).resolves.toContain(productStream);
    expect(await broken.locator('td').nth(1).textContent()).toBe('1');
    await expect(broken.textContent()).resolves.toContain('hash_mismatch');
    await screenshot(page, 'integrity-tampered');
  });
});

describe('a parked event', () => {
  it('is skipped by an admin with a reason, and leaves the list', async () => {
    // A document already holding an email (as a broken earlier build might leave) parks the
    // users projection's next registration with that email: its unique index refuses it.
    const email = 'parked-in-browser@orderstream.test';
    await app.stop();
    const readModels = new Database(join(app.dataDir, 'readmodels.db'));
    // Every build of the users projection (the analyst above may have rebuilt it), whichever serves.
    const users = readModels.prepare(`SELECT name FROM collections WHERE name LIKE 'users_v1%'`).all() as { name: string }[];
    expect(users.length).toBeGreaterThan(0);
    const squat = readModels.prepare('INSERT INTO documents (collection, id, position, body) VALUES (?, ?, 0, ?)');
    for (const { name } of users) squat.run(name, 'squatter', JSON.stringify({ _id: 'squatter', _position: 0, email }));
    readModels.close();
    app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }, app.dataDir);
    const created = await app.as('admin').request('POST', '/v1/admin/users', { body: { email, password: 'long enough password', roles: ['analyst'] } });
    expect(created.status).toBe(201);
    const parkedOf = async () => (await app.as('admin').request('GET', '/v1/admin/parked-events')).body.items.filter((item: { streamId: string }) => item.streamId.endsWith(created.body.id));
    for (let i = 0; i < 100 && (await parkedOf()).length === 0; i++) await new Promise((done) => setTimeout(done, 200));
    expect(await parkedOf()).toHaveLength(1);

    const page = await signedIn(await app.newUser('admin'));
    await page.getByRole('link', { name: 'Analysts' }).click();
    const row = page.locator('tr', { hasText: created.body.id });
    await row.getByRole('button', { name: 'Retry' }).waitFor();
    await row.getByLabel('Reason').fill('duplicate email left by an old build; account checked by hand');
    await screenshot(page, 'analysts-parked');
    await row.getByRole('button', { name: 'Skip' }).click();
    await expect(page.getByTestId('parked-resolution').textContent()).resolves.toMatch(/skipped/);
    await row.waitFor({ state: 'detached' }); // the list is read again after the answer
    expect(await parkedOf()).toEqual([]);

    // The decision is in the log: who skipped which event, and why.
    await page.getByTestId('parked-resolution').getByRole('link').click();
    const decision = page.locator('table.events tbody tr[data-revision]');
    await expect(decision.textContent()).resolves.toContain('ParkedEventSkipped');
    await decision.getByRole('button', { name: 'Data' }).click();
    await expect(page.locator('tr.details pre.json').textContent()).resolves.toContain('account checked by hand');
    await screenshot(page, 'parked-decision');
  });
});

describe('the page\'s Content-Security-Policy', () => {
  it('is strict, and no page above broke it or threw', async () => {
    const answer = await app.request('GET', '/console');
    const csp = answer.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(trouble).toEqual({ cspViolations: [], scriptErrors: [] });
  });

  it('blocks inline script and style, and the watcher above would have seen it', async () => {
    const watched: PageTrouble = { cspViolations: [], scriptErrors: [] };
    const { context, page } = await newPerson(browser, watched);
    contexts.push(context);
    await page.goto(`${app.baseUrl}/console`);
    await page.evaluate(`(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
      document.body.setAttribute('style', 'background: red');
    })()`);
    for (let i = 0; i < 50 && watched.cspViolations.length < 2; i++) await page.waitForTimeout(100);
    expect(await page.evaluate<unknown>('window.injected')).toBeUndefined();
    expect(watched.cspViolations.some((text) => text.startsWith('script-src'))).toBe(true);
    expect(watched.cspViolations.some((text) => text.startsWith('style-src'))).toBe(true);
  });
});
