// Headless Debian chromium through playwright-core, for tests of what a person sees in the HTML report.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: HTML rendering tests skipped (apt-get install chromium)`;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Watched {
  page: Page;
  /** URLs the page tried to fetch that are not the file itself (file:, about:, data:). */
  requests: string[];
  consoleErrors: string[];
}

/** A page that records (and blocks) every request leaving the file, and every console error. */
export async function watchedPage(browser: Browser, opts: { javaScript?: boolean } = {}): Promise<Watched> {
  const context = await browser.newContext({ javaScriptEnabled: opts.javaScript ?? true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (/^(file|about|data):/.test(url)) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on('request', (r) => {
    if (!/^(file|about|data):/.test(r.url()) && !requests.includes(r.url())) requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  // An alert() from injected markup would be a dialog: count it as an error, so an XSS cannot pass quietly.
  page.on('dialog', (d) => {
    consoleErrors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { page, requests, consoleErrors };
}
