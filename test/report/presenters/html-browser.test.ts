// The HTML report in headless chromium: what a person sees, the filters, no network, no console errors.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/presenters/html.js';
import { buildReport } from '../../../src/report/build.js';
import type { ImageResult } from '../../../src/model/finding.js';
import { chromiumMissing, launchBrowser, watchedPage } from '../../helpers/browser.js';
import { affectedImage, sampleImages, sampleIocs, sampleMeta } from '../sample.js';

const XSS = '<img src=x onerror=alert(1)>';
const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hunt-html-'));
let browser: Browser;
let fileUrl: string;

if (chromiumMissing) console.warn(chromiumMissing);

beforeAll(async () => {
  if (chromiumMissing) return;
  const evil: ImageResult = {
    ...structuredClone(affectedImage),
    ref: 'registry.example.com/evil/app:1',
    digest: `sha256:${'e'.repeat(64)}`,
    matches: affectedImage.matches.map((m) => ({ ...m, name: m.name === 'axios' ? 'axios' : XSS })),
    workloads: [{ context: 'prod-us', namespace: 'shop', kind: 'StatefulSet', name: 'evil-app', container: 'web', pods: 2 }],
  };
  const file = path.join(dir, 'report.html');
  writeFileSync(file, renderHtml(buildReport(structuredClone([...sampleImages, evil]), sampleIocs, sampleMeta)));
  fileUrl = pathToFileURL(file).href;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(Boolean(chromiumMissing))('html report in chromium', () => {
  it('shows the headline, an affected workload row, and takes a screenshot, with no request and no console error', async () => {
    const { page, requests, consoleErrors } = await watchedPage(browser);
    await page.goto(fileUrl);
    await expect.poll(() => page.locator('.headlines li').first().innerText()).toMatch(/^axios-2026-03: 3 workloads \(2 images\) affected, 2 images suspect, 1 image unknown, coverage 85\.7% \(6\/7\)$/);
    const row = page.locator('section', { hasText: 'axios-2026-03:' }).locator('tr', { hasText: 'StatefulSet/evil-app' });
    await expect.poll(() => row.innerText()).toContain('AFFECTED');
    expect(await page.locator('h3', { hasText: 'cluster prod-us, namespace shop' }).count()).toBe(1);
    expect(await row.innerText()).toContain(XSS);
    expect(await page.locator('main img').count()).toBe(0);
    const shot = path.join(process.env.SBOM_HUNT_SHOT_DIR ?? dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('hides clean images when their box is unticked, by keyboard, and says how many are shown', async () => {
    const { page, requests, consoleErrors } = await watchedPage(browser);
    await page.goto(fileUrl);
    const cleanRows = page.locator('tr[data-image][data-verdict="clean"]');
    expect(await cleanRows.count()).toBe(2);
    await expect.poll(() => cleanRows.first().isVisible()).toBe(true);
    await page.getByRole('checkbox', { name: 'CLEAN' }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => cleanRows.first().isVisible()).toBe(false);
    expect(await page.locator('tr[data-image][data-verdict="affected"]').first().isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('status').innerText()).toBe('5 of 7 images shown');
    await page.getByLabel('Search').fill('evil/app');
    await expect.poll(() => page.getByRole('status').innerText()).toBe('1 of 7 images shown');
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('prints without the filter controls, and with the verdict still in words', async () => {
    const { page } = await watchedPage(browser);
    await page.goto(fileUrl);
    await expect.poll(() => page.locator('#filters').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#filters').isVisible()).toBe(false);
    expect(await page.locator('tr[data-image]').first().innerText()).toMatch(/^AFFECTED/);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.context().close();
  });

  it('is readable without JavaScript: every row shown, the filter form stays hidden', async () => {
    const { page, requests } = await watchedPage(browser, { javaScript: false });
    await page.goto(fileUrl);
    expect(await page.locator('tr[data-image]').count()).toBe(7);
    expect(await page.locator('tr[data-image][data-verdict="clean"]').first().isVisible()).toBe(true);
    expect(await page.locator('#filters').isVisible()).toBe(false);
    expect(await page.locator('svg.timeline g[data-verdict]').count()).toBeGreaterThan(0);
    expect(requests).toEqual([]);
    await page.context().close();
  });
});
