/**
 * The idle hook's short way (src/idle-hook.ts) and the summary it reads (src/idle-summary.ts). Its one
 * promise: when it says a hook has nothing to do, the whole layer would have found the same (no hook tool,
 * no write). Each case asks it first, then runs the hook in full through the harness and checks that.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { chmodSync, copyFileSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { isIdleHook } from '../src/idle-hook.js';
import { fileIdentity, flagKey, formatIdleSummary, MAX_IDLE_SUMMARY_BYTES, parseIdleSummary } from '../src/idle-summary.js';
import { statePaths } from '../src/state-paths.js';
import { createHarness, type Harness, type HarnessMetadata } from '../src/testing/index.js';
import type { LayerOptions } from '../src/orchestrator.js';
import { VERSION } from '../src/version.js';
import { FAKE_BIN } from './fixtures/fake-juju.js';

const HOST = 'registry.example.com';
const image = (tag = '1') => ({ registryPath: `${HOST}/team/web:${tag}`, username: 'bot', password: 'pw-SENTINEL-idle' });

let h: Harness;
afterEach(() => h?.cleanup());

function charm(resources: HarnessMetadata = { web: { type: 'oci-image', 'auto-fetch': true } }): Harness {
  h = createHarness({ resources });
  return h;
}

const env = (hook: string, path = FAKE_BIN) => ({ PATH: path, JUJU_CHARM_DIR: h.charmDir, JUJU_DISPATCH_PATH: `hooks/${hook}` });

/** What `docker-resource hook FLAGS` would do through the CLI's options. */
function optionsOf(flags: readonly string[]): Partial<LayerOptions> {
  return { ...(flags.includes('--no-status') ? { setStatus: false } : {}), ...(flags.includes('--verify') ? { verify: true } : {}) };
}

/** Asks the short way, then runs the hook in full: the short way's yes must be the full hook's "nothing done". */
async function both(hook: string, flags: string[] = []): Promise<{ short: boolean; full: boolean }> {
  const short = isIdleHook(['hook', ...flags], env(hook), '/');
  h.juju.clear();
  const summary = await h.hook(hook, undefined, optionsOf(flags));
  const full = h.juju.calls.length === 0 && !summary.wroteState && summary.transitions.length === 0;
  if (short) expect(full).toBe(true);
  return { short, full };
}

describe('the short way says "nothing to do" exactly when it knows', () => {
  it('after an install that fetched everything: yes, and the full hook agrees', async () => {
    charm().attach('web', image());
    await h.hook('install');
    expect(await both('update-status')).toEqual({ short: true, full: true });
    expect(await both('config-changed', ['--quiet', '--fail-on-error'])).toEqual({ short: true, full: true });
    expect(await both('update-status', ['--no-status'])).toEqual({ short: true, full: true });
  });

  it('a resource that is not auto-fetched and never requested: yes', async () => {
    charm({ web: { type: 'oci-image' } });
    await h.hook('install');
    expect(await both('update-status')).toEqual({ short: true, full: true });
  });

  it('a failed resource is retried in every hook: no', async () => {
    charm({ web: { type: 'oci-image', 'auto-fetch': true }, db: { type: 'oci-image', 'auto-fetch': true } }).attach('web', image());
    await h.hook('install');
    expect(await both('update-status')).toEqual({ short: false, full: false });
  });

  it('upgrade-charm refetches: no', async () => {
    charm().attach('web', image());
    await h.hook('install');
    expect(await both('upgrade-charm')).toEqual({ short: false, full: false });
  });

  it('an unconfirmed image: no under --verify (asked again), yes without', async () => {
    charm();
    h.registry.push(`${HOST}/team/web:1`);
    h.registry.host(HOST, { users: { bot: 'pw-SENTINEL-idle' }, failure: 'unreachable' });
    h.attach('web', image());
    await h.hook('install', undefined, { verify: true });
    expect(await both('update-status', ['--verify'])).toEqual({ short: false, full: false });
    expect(await both('update-status')).toEqual({ short: true, full: true });
  });

  it('the charm status set through the layer is part of the state: still yes after it', async () => {
    charm().attach('web', image());
    await h.hook('install', (layer) => layer.setCharmStatus({ state: 'waiting', message: 'for the database' }));
    expect(await both('update-status')).toEqual({ short: true, full: true });
  });

  it('changed charm files: no (the full hook drops a removed resource and writes)', async () => {
    charm({ web: { type: 'oci-image', 'auto-fetch': true }, db: { type: 'oci-image', 'auto-fetch': true } }).attach('web', image()).attach('db', image());
    await h.hook('install');
    writeFileSync(join(h.charmDir, 'metadata.yaml'), 'name: test-charm\nresources:\n  web:\n    type: oci-image\n    auto-fetch: true\n');
    expect(await both('update-status')).toEqual({ short: false, full: false });
    expect(await both('update-status')).toEqual({ short: true, full: true });
  });

  it('a layer.yaml created since: no', async () => {
    charm().attach('web', image());
    await h.hook('install');
    writeFileSync(join(h.charmDir, 'layer.yaml'), 'options:\n  docker-resource:\n    set-status: false\n');
    expect((await both('update-status')).short).toBe(false);
  });
});

describe('any doubt is a no, and the full hook decides', () => {
  const installed = async (): Promise<ReturnType<typeof statePaths>> => {
    charm().attach('web', image());
    await h.hook('install');
    expect(isIdleHook(['hook'], env('update-status'), '/')).toBe(true);
    return statePaths(h.charmDir);
  };

  it('another command, another option, a repeated option', async () => {
    await installed();
    for (const args of [['flags'], ['fetch', 'web'], ['hook', '--concurrency', '4'], ['hook', '--inspect'], ['hook', '-q', '-q'], ['hook', '--', 'x'], []])
      expect([args, isIdleHook(args, env('update-status'), '/')]).toEqual([args, false]);
  });

  it('outside a hook (no status-set on PATH)', async () => {
    await installed();
    expect(isIdleHook(['hook'], env('update-status', '/nonexistent:/usr/bin'), '/')).toBe(false);
  });

  it('a state file replaced by another writer, even with the same bytes', async () => {
    const paths = await installed();
    copyFileSync(paths.file, `${paths.file}.copy`);
    renameSync(`${paths.file}.copy`, paths.file);
    expect(await both('update-status')).toEqual({ short: false, full: true });
  });

  it('a state file rewritten in place with the same bytes (same inode, same size)', async () => {
    const paths = await installed();
    const before = statSync(paths.file);
    writeFileSync(paths.file, readFileSync(paths.file));
    expect([statSync(paths.file).ino, statSync(paths.file).size]).toEqual([before.ino, before.size]);
    expect(await both('update-status')).toEqual({ short: false, full: true });
  });

  it('a lock held or being broken (another hook, or one killed holding it)', async () => {
    const paths = await installed();
    writeFileSync(paths.lock, 'held');
    expect(isIdleHook(['hook'], env('update-status'), '/')).toBe(false);
    rmSync(paths.lock);
    writeFileSync(`${paths.lock}.break`, 'breaking');
    expect(isIdleHook(['hook'], env('update-status'), '/')).toBe(false);
  });

  it('a state directory the full hook would tighten or refuse', async () => {
    const paths = await installed();
    chmodSync(paths.dir, 0o750);
    expect(isIdleHook(['hook'], env('update-status'), '/')).toBe(false);
    chmodSync(paths.dir, 0o700);
    expect(isIdleHook(['hook'], env('update-status'), '/')).toBe(true);
  });

  it('a summary that is missing, damaged, too large, from another version, a link or a FIFO (never blocks)', async () => {
    const paths = await installed();
    const good = readFileSync(paths.idle, 'utf8');
    const cases: Array<[string, () => void]> = [
      ['missing', () => undefined],
      ['truncated', () => writeFileSync(paths.idle, good.slice(0, 40))],
      ['too large', () => writeFileSync(paths.idle, good.replace('}', `,"pad":"${'x'.repeat(MAX_IDLE_SUMMARY_BYTES)}"}`))],
      ['another version', () => writeFileSync(paths.idle, good.replace(`"version":"${VERSION}"`, '"version":"0.0.0-other"'))],
      ['a symbolic link', () => (writeFileSync(`${paths.idle}.target`, good), symlinkSync(`${paths.idle}.target`, paths.idle))],
      ['a FIFO', () => execFileSync('mkfifo', [paths.idle])],
    ];
    for (const [what, damage] of cases) {
      rmSync(paths.idle, { force: true });
      damage();
      expect([what, isIdleHook(['hook'], env('update-status'), '/')]).toEqual([what, false]);
    }
    rmSync(paths.idle, { force: true });
    writeFileSync(paths.idle, good);
    expect(isIdleHook(['hook'], env('update-status'), '/')).toBe(true);
  });

  it('a first hook: no state, no summary', () => {
    charm().attach('web', image());
    expect(isIdleHook(['hook'], env('install'), '/')).toBe(false);
  });
});

describe('the summary', () => {
  it('is written with the state, owner-only, names the state file by identity, and holds no credential', async () => {
    charm().attach('web', image());
    await h.hook('install');
    const { file, idle } = statePaths(h.charmDir);
    const text = readFileSync(idle, 'utf8');
    expect(text).not.toContain('pw-SENTINEL-idle');
    const summary = parseIdleSummary(text);
    expect(summary).toEqual({ format: 1, version: VERSION, state: fileIdentity(statSync(file, { bigint: true })), charm: expect.any(String), idle: ['', 'no-status', 'verify', 'no-status verify'] });
    expect(statSync(idle).mode & 0o777).toBe(0o600);
  });

  it('is rewritten by every hook that writes the state, and left alone by one that does not', async () => {
    charm({ web: { type: 'oci-image', 'auto-fetch': true }, db: { type: 'oci-image', 'auto-fetch': true } }).attach('web', image());
    await h.hook('install');
    const { idle } = statePaths(h.charmDir);
    expect(parseIdleSummary(readFileSync(idle, 'utf8'))?.idle).toEqual([]);
    h.attach('db', image());
    await h.hook('update-status');
    const after = readFileSync(idle, 'utf8');
    expect(parseIdleSummary(after)?.idle).toEqual(['', 'no-status', 'verify', 'no-status verify']);
    await h.hook('update-status');
    expect(readFileSync(idle, 'utf8')).toBe(after);
  });

  it('reads back only what it wrote', () => {
    const text = formatIdleSummary({ state: '1:2:3:4:5', charm: 'k', idle: [flagKey(['verify', 'no-status']), ''] });
    expect(parseIdleSummary(text)).toEqual({ format: 1, version: VERSION, state: '1:2:3:4:5', charm: 'k', idle: ['no-status verify', ''] });
    for (const bad of ['', 'null', '[]', '{"format":2}', text.replace('"k"', '1'), text.replace('"idle":[', '"idle":["--inspect",'), text.replace('"idle":[', '"idle":{"0":').replace(']}', '}}')])
      expect([bad, parseIdleSummary(bad)]).toEqual([bad, undefined]);
  });
});
