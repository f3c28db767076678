/**
 * The lifecycle page in a real browser: Debian's headless Chromium, driven by puppeteer-core
 * (which never downloads a browser), loads the page from a file with JavaScript off and every
 * request but the file itself refused. Without Chromium this test fails and says how to get it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { reportCommand } from '../../src/report/commands.js';
import type { Harness } from '../../src/testing/index.js';
import { liveCharm, SENTINEL } from './fixtures/life.js';

/** What the page's code reads (the project's type-check has no DOM library). */
interface Shown {
  innerText: string;
}
interface InPage {
  getComputedStyle(element: unknown): { backgroundColor: string };
}

const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-dev-shm-usage',
];

let h: Harness;
let dir: string;
let browser: Browser | undefined;
let page: Page;
let pageUrl: string;
const outside: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: this test needs a real browser. Install Debian's package with ` +
        `"apt-get install -y chromium" (CI's .ci/run does it), or set CHROMIUM_PATH to a Chromium binary.`,
    );
  dir = mkdtempSync(join(tmpdir(), 'docker-resource-browser-'));
  h = await liveCharm();
  const file = join(dir, 'report.html');
  await reportCommand({ charmDir: h.charmDir, out: file, env: {}, stdout: () => undefined, stderr: () => undefined });
  pageUrl = pathToFileURL(file).href;

  const { launch } = await import('puppeteer-core');
  browser = await launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, `--user-data-dir=${join(dir, 'profile')}`] });
  page = await guardedPage(pageUrl, outside);
  await page.setViewport({ width: 1100, height: 900 });
  await page.goto(pageUrl, { waitUntil: 'load' });
}, 45_000); // Chromium takes seconds to start, more on a busy machine

/** A tab that lets through only `allowed` and records every other request it refused. */
async function guardedPage(allowed: string, refused: string[]): Promise<Page> {
  const tab = await browser!.newPage();
  await tab.setJavaScriptEnabled(false);
  await tab.setRequestInterception(true);
  tab.on('request', (request) => {
    if (request.url() === allowed) return void request.continue();
    refused.push(request.url());
    void request.abort();
  });
  return tab;
}

afterAll(async () => {
  await browser?.close();
  h?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the lifecycle page in headless Chromium', () => {
  it('makes no request beyond the file itself', async () => {
    expect(outside).toEqual([]);
    // The guard sees what a page would fetch: a page with outside references is caught.
    const leaky = join(dir, 'leaky.html');
    writeFileSync(leaky, '<!DOCTYPE html><link rel="stylesheet" href="http://127.0.0.1:9/a.css"><img src="http://127.0.0.1:9/b.png">');
    const refused: string[] = [];
    const tab = await guardedPage(pathToFileURL(leaky).href, refused);
    await tab.goto(pathToFileURL(leaky).href, { waitUntil: 'load' });
    await tab.close();
    expect(refused.sort()).toEqual(['http://127.0.0.1:9/a.css', 'http://127.0.0.1:9/b.png']);
  });

  it('shows a lane per resource with the states it went through, in words', async () => {
    const lanes = await page.$$eval('tr.lane', (rows) =>
      rows.map((row) => ({
        name: row.querySelector('th')!.textContent,
        cells: [...row.querySelectorAll('td')].map((td) => [...td.querySelectorAll('.seg')].map((s) => s.getAttribute('data-state')).join(' ')),
        text: (row as unknown as Shown).innerText,
      })),
    );
    expect(lanes.map((l) => l.name)).toEqual(['web', 'db', 'metrics']);
    expect(lanes[0]!.cells).toEqual(['idle fetching available', 'available', 'available', 'available fetching available', 'available']);
    expect(lanes[1]!.cells).toEqual(['idle fetching failed', 'failed fetching failed', 'failed fetching available', 'available fetching available', 'available']);
    expect(lanes[2]!.cells).toEqual(['idle', 'idle', 'idle', 'idle', 'idle']);
    expect(lanes[1]!.text).toContain('failed');
    const heads = await page.$$eval('table.timeline thead th', (ths) => ths.map((th) => (th as unknown as Shown).innerText.split('\n')[0]));
    expect(heads).toEqual(['Resource', 'install', 'update-status', 'update-status', 'upgrade-charm', 'Now']);
  });

  it("gives each failure its reason on hover, and colours states (with text, not colour alone)", async () => {
    const reason = (await h.history('db')).find((e) => e.to === 'failed')!.reason!;
    const failures = await page.$$eval('tr.lane[data-resource="db"] .seg.failure', (segs) =>
      segs.map((s) => ({ title: s.getAttribute('title'), bg: (globalThis as unknown as InPage).getComputedStyle(s).backgroundColor, text: s.textContent })),
    );
    expect(failures).toHaveLength(2);
    for (const f of failures) {
      expect(f.title).toContain(reason);
      expect(f.bg).toBe('rgb(197, 34, 31)');
      expect(f.text).toContain('failed');
    }
  });

  it("marks each resource's current state in its diagram", async () => {
    const marked = await page.$$eval('section.resource', (sections) =>
      sections.map((s) => [s.getAttribute('data-resource'), s.querySelector('svg .state.now')?.getAttribute('data-state'), s.querySelector('svg .now-label')?.textContent]),
    );
    expect(marked).toEqual([
      ['web', 'available', '▲ now'],
      ['db', 'available', '▲ now'],
      ['metrics', 'idle', '▲ now'],
    ]);
    const box = await page.$eval('section[data-resource="web"] svg', (svg) => svg.getBoundingClientRect().width);
    expect(box).toBeGreaterThan(300);
  });

  it('shows the flags and the unit status now, and no credential anywhere', async () => {
    const text = await page.$eval('body', (b) => (b as unknown as Shown).innerText);
    expect(text).toContain('layer.docker-resource.web.changed');
    expect(text).toMatch(/Unit status now\s+active/);
    expect(text).toContain('<redacted>');
    expect(text).not.toContain(SENTINEL);
    expect(await page.content()).not.toContain(SENTINEL);
    expect(readFileSync(new URL(pageUrl), 'utf8')).not.toContain(SENTINEL);
  });

  it('takes a screenshot', async () => {
    const png = await page.screenshot();
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.byteLength).toBeGreaterThan(20_000);
  });
});
