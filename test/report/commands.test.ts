/** The report and replay commands: where they write, what they print, how they fail. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerResourceError, UnknownResourceError } from '../../src/errors/index.js';
import { DEFAULT_REPORT_FILE, replayCommand, reportCommand } from '../../src/report/commands.js';
import { createHarness, type Harness } from '../../src/testing/index.js';
import { liveCharm, SENTINEL } from './fixtures/life.js';

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await liveCharm();
  dir = mkdtempSync(join(tmpdir(), 'docker-resource-report-'));
});
afterAll(() => {
  h.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** The command's io, and what it printed (kept apart from the options: `out` is one). */
function io() {
  const printed: string[] = [];
  const warned: string[] = [];
  return { io: { env: {}, stdout: (t: string) => void printed.push(t), stderr: (t: string) => void warned.push(t) }, printed, warned };
}

describe('reportCommand', () => {
  it(`writes ${DEFAULT_REPORT_FILE} in the current directory by default and prints its path`, async () => {
    const o = io();
    expect(await reportCommand({ ...o.io, charmDir: h.charmDir, cwd: dir })).toBe(0);
    const file = join(dir, DEFAULT_REPORT_FILE);
    expect(o.printed.join('')).toBe(`wrote the lifecycle report: ${file}\n`);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<tr class="lane" data-resource="db">');
    expect(html).not.toContain(SENTINEL);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(o.warned).toEqual([]);
  });

  it('writes the page to stdout with --out -', async () => {
    const o = io();
    expect(await reportCommand({ ...o.io, charmDir: h.charmDir, out: '-', cwd: dir, now: () => new Date('2024-05-02T00:00:00Z') })).toBe(0);
    expect(o.printed.join('')).toMatch(/^<!DOCTYPE html>[\s\S]*2024-05-02 00:00:00 UTC[\s\S]*<\/html>\n$/);
  });

  it('writes a page for a charm that has not run a hook yet', async () => {
    const fresh = createHarness({ resources: { web: { type: 'oci-image' } } });
    try {
      const o = io();
      expect(await reportCommand({ ...o.io, charmDir: fresh.charmDir, out: '-' })).toBe(0);
      expect(o.printed.join('')).toContain('No transition has been recorded yet');
      expect(o.printed.join('')).toContain('The layer has not set a status yet.');
    } finally {
      fresh.cleanup();
    }
  });

  it('says which file it cannot write, and leaves nothing behind', async () => {
    const o = io();
    const out = join(dir, 'no-such-dir', 'report.html');
    await expect(reportCommand({ ...o.io, charmDir: h.charmDir, out })).rejects.toThrow(DockerResourceError);
    await expect(reportCommand({ ...o.io, charmDir: h.charmDir, out })).rejects.toThrow(`cannot write the report to ${out}`);
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });
});

describe('replayCommand', () => {
  it('refuses a resource the charm does not declare, naming those it does', async () => {
    await expect(replayCommand({ ...io().io, charmDir: h.charmDir, names: ['nope'] })).rejects.toThrow(UnknownResourceError);
    await expect(replayCommand({ ...io().io, charmDir: h.charmDir, names: ['nope'] })).rejects.toThrow('web, db, metrics');
  });

  it('prints the events as JSON lines with --print, one session per actor', async () => {
    const o = io();
    expect(await replayCommand({ ...o.io, charmDir: h.charmDir, names: ['web'], print: true })).toBe(0);
    const events = o.printed.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; name?: string });
    expect(events.filter((e) => e.type === '@xstate.actor').map((e) => e.name!.split(' ')[0])).toEqual(['install', 'web', 'upgrade-charm']);
    expect(o.printed.join('')).not.toContain(SENTINEL);
  });
});
