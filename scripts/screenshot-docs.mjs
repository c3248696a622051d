// Starts the built service on a free loopback port with a throwaway data directory, opens /docs
// in Debian's Chromium (headless, through playwright-core; never a downloaded browser) and saves
// a screenshot to docs/openapi-docs.png. Run `npm run build` first, then `node scripts/screenshot-docs.mjs`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const dataDir = mkdtempSync(join(tmpdir(), 'orderstream-docs-'));
const service = spawn(process.execPath, ['dist/src/main.js'], {
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, JWT_SECRET: 'screenshot-only-secret-0123456789abcdefghijkl', LOG_LEVEL: 'error' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = () => {
  service.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
};
try {
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service did not start within 60 s')), 60_000);
    let out = '';
    service.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace('0.0.0.0', '127.0.0.1'));
      }
    });
    service.once('exit', (code) => reject(new Error(`the service exited with ${code}`)));
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await page.goto(`${url}/docs`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    // Open POST /v1/orders so the picture shows headers, body and problem answers.
    await page.locator('#operations-orders-PlaceOrderController_place').click();
    await page.waitForSelector('#operations-orders-PlaceOrderController_place .responses-table', { timeout: 10_000 });
    await page.locator('#operations-orders-PlaceOrderController_place').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'docs/openapi-docs.png', fullPage: false });
    const operations = await page.locator('.opblock').count();
    console.log(`docs/openapi-docs.png saved (${operations} operations on the page)`);
  } finally {
    await browser.close();
  }
} finally {
  stop();
}
