/**
 * The HTML report opened in headless Chromium (Debian's /usr/bin/chromium, installed by .ci/run)
 * through playwright-core: no console errors, no request leaves the page, one bar per case.
 * A PNG screenshot is kept under test-artifacts/ (gitignored).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTERS } from '../../src/report/index.js';
import { DEFAULT_SPECS, makeReport } from '../unit/report/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// CI installs chromium (.ci/run); set ECS_DIAG_SKIP_BROWSER=1 to skip on a machine without it.
const SKIP = process.env['ECS_DIAG_SKIP_BROWSER'] === '1';

describe.skipIf(SKIP)('HTML report in headless Chromium', () => {
  it('finds Chromium at /usr/bin/chromium', () => {
    expect(
      existsSync(CHROMIUM),
      "install Debian's chromium (apt-get install chromium) or set ECS_DIAG_SKIP_BROWSER=1",
    ).toBe(true);
  });

  let tmp: string;
  let context: BrowserContext;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'ecs-diag-browser-'));
    const profile = join(tmp, 'profile');
    await mkdir(profile);
    // launchPersistentContext passes the (empty) profile directory as --user-data-dir.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1100, height: 900 },
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('renders without console errors or external requests, one bar per case', async () => {
    const report = makeReport([
      ...DEFAULT_SPECS,
      { variant: 'resume-session', durationS: 1800, outcome: 'error', errorCode: 'AWS_THROTTLED' },
    ]);
    const file = join(tmp, 'report.html');
    await writeFile(file, REPORTERS.html.render(report, { timeZone: 'Europe/Paris' }));

    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });

    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.locator('svg.timeline rect.case-bar').count()).toBe(report.cases.length);
    const ids = await page
      .locator('rect.case-bar')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-case-id')));
    expect(new Set(ids)).toEqual(new Set(report.cases.map((c) => c.caseId)));
    // Every bar is laid out with a visible width, and the kill-window band is drawn.
    const widths = await page
      .locator('rect.case-bar')
      .evaluateAll((els) =>
        els.map((e) => (e as unknown as { getBBox(): { width: number } }).getBBox().width),
      );
    expect(widths.every((w) => w >= 2)).toBe(true);
    expect(await page.locator('rect.kill-window').count()).toBe(1);
    expect(await page.locator('table#variants tbody tr').count()).toBe(report.variants.length);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-html.png'), fullPage: true });
    await page.close();
  });
});
