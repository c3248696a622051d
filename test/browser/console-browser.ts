// Debian's Chromium (apt-get install chromium; never a downloaded browser) driven by
// playwright-core, for the console's browser specs: one browser per spec file, a fresh context
// (own sessionStorage) per person, and every page watched for CSP violations and script errors.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import playwright, { type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A laptop's screen. */
export const LAPTOP = { width: 1440, height: 900 };

/** Where screenshots go: CONSOLE_SCREENSHOTS_DIR (docs/console for the README's set), else a temporary folder. */
export const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS_DIR ?? join(tmpdir(), 'orderstream-console-screenshots');

export function launchChromium(): Promise<Browser> {
  return playwright.chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** What went wrong in a page that no assertion on its content would see. */
export interface PageTrouble {
  cspViolations: string[];
  scriptErrors: string[];
}

export async function newPerson(browser: Browser, trouble: PageTrouble): Promise<{ context: BrowserContext; page: Page }> {
  // Berlin, so that local times differ from UTC and the hover shows which is which.
  const context = await browser.newContext({ viewport: LAPTOP, timezoneId: 'Europe/Berlin', locale: 'en-GB', acceptDownloads: true });
  await context.exposeBinding('reportCspViolation', (_source, text: string) => trouble.cspViolations.push(text));
  // Added by the browser itself (DevTools protocol), so the page's CSP does not apply to it.
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      window.reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' (' + event.sourceFile + ':' + event.lineNumber + ')'));`,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => trouble.scriptErrors.push(error.message));
  page.on('console', (message) => {
    // Refusals (401/403/404) show up as "Failed to load resource": they are the API answering, not faults.
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) trouble.cspViolations.push(message.text());
    else if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) trouble.scriptErrors.push(message.text());
  });
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
