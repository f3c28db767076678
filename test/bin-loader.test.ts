/**
 * The bin (scripts/cli-loader.js, built as dist/bundle/docker-resource.js) compiles the CLI and its large
 * dependencies with V8's code cache, each file with its own cache beside it. Run on a copy of the built
 * dist/bundle: which caches a command writes says which files it compiled, and a cache V8 rejects is
 * written again without the command noticing.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeJuju, type FakeJuju } from './fixtures/fake-juju.js';

const BUNDLE = fileURLToPath(new URL('../dist/bundle', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

let work: string;
let bundle: string;
let bin: string;
let charmDir: string;
let juju: FakeJuju;

/** The caches in the copied bundle, by file name, with their modification times. */
function caches(): Map<string, number> {
  return new Map(readdirSync(bundle).filter((f) => f.endsWith('.cache')).map((f) => [f, statSync(join(bundle, f)).mtimeMs]));
}

function runBin(args: string[], hook?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = hook === undefined ? { PATH: process.env['PATH'] } : juju.env({ JUJU_CHARM_DIR: charmDir, JUJU_DISPATCH_PATH: `hooks/${hook}`, NODE_OPTIONS: undefined });
  return new Promise((done) =>
    execFile(process.execPath, [bin, ...args], { cwd: charmDir, env, timeout: 30_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'docker-resource-bin-'));
  bundle = join(work, 'bundle');
  cpSync(BUNDLE, bundle, { recursive: true, filter: (src) => !src.endsWith('.cache') });
  bin = join(bundle, 'docker-resource.js');
  charmDir = join(work, 'charm');
  mkdirSync(charmDir);
  writeFileSync(join(charmDir, 'metadata.yaml'), 'name: c\nresources:\n  app:\n    type: oci-image\n    auto-fetch: true\n');
  juju = await createFakeJuju();
  await juju.attach('app', 'registrypath: registry.example/app:1\n');
});
afterAll(async () => {
  await juju.cleanup();
  rmSync(work, { recursive: true, force: true });
});

it('a command that fetches nothing compiles the CLI alone, and caches what it compiled', async () => {
  expect(caches().size).toBe(0);
  expect(await runBin(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  expect([...caches().keys()]).toEqual(['docker-resource.cjs.cache']);
});

it('an install compiles execa, XState and js-yaml from files of their own, each cached', async () => {
  const install = await runBin(['hook'], 'install');
  expect(install.code).toBe(0);
  expect(install.stdout).toContain('app: fetching → available');
  // idle-hook.cjs first: the bin asks it whether the hook has anything to do (no state yet: it has).
  expect([...caches().keys()].sort()).toEqual(['docker-resource.cjs.cache', 'execa.cjs.cache', 'idle-hook.cjs.cache', 'js-yaml.cjs.cache', 'xstate.cjs.cache']);
});

it('an idle hook reads the caches and rewrites none', async () => {
  const before = caches();
  const idle = await runBin(['hook'], 'update-status');
  expect(idle).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(caches()).toEqual(before);
});

it('an idle hook needs neither the CLI nor the separate files: it runs with them gone', async () => {
  const idleOnly = join(work, 'idle-only');
  cpSync(bundle, idleOnly, { recursive: true, filter: (src) => !/(docker-resource|execa|xstate|js-yaml|undici)\.cjs/.test(src) });
  expect(readdirSync(idleOnly).filter((f) => f.endsWith('.cjs'))).toEqual(['idle-hook.cjs']);
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(
      process.execPath,
      [join(idleOnly, 'docker-resource.js'), 'hook'],
      { cwd: charmDir, env: juju.env({ JUJU_CHARM_DIR: charmDir, JUJU_DISPATCH_PATH: 'hooks/update-status', NODE_OPTIONS: undefined }), timeout: 30_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
  expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
});

it('a cache V8 rejects (here: garbage) is written again, and the command works as before', async () => {
  const cache = join(bundle, 'docker-resource.cjs.cache');
  writeFileSync(cache, 'not a code cache');
  expect(await runBin(['flags'], 'update-status')).toEqual({
    code: 0,
    stdout: 'layer.docker-resource.app.available\nlayer.docker-resource.app.fetched\nlayer.docker-resource.auto-fetched\n',
    stderr: '',
  });
  expect(readFileSync(cache).length).toBeGreaterThan(1000);
  expect(readFileSync(cache, 'latin1')).not.toBe('not a code cache');
});

it('a cache it cannot write costs the cache, not the command', async () => {
  const blocked = join(work, 'read-only');
  cpSync(bundle, blocked, { recursive: true, filter: (src) => !src.endsWith('.cache') });
  // Root ignores permissions; a cache path that is a directory cannot be written by anyone.
  mkdirSync(join(blocked, 'docker-resource.cjs.cache'));
  const result = await new Promise<{ code: number; stdout: string }>((done) =>
    execFile(process.execPath, [join(blocked, 'docker-resource.js'), '--version'], { timeout: 30_000 }, (error, stdout) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    ),
  );
  expect(result).toEqual({ code: 0, stdout: `${version}\n` });
  expect(statSync(join(blocked, 'docker-resource.cjs.cache')).isDirectory()).toBe(true);
  expect(readdirSync(blocked).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  expect(existsSync(join(blocked, 'execa.cjs.cache'))).toBe(false);
});
