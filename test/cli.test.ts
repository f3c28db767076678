import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeJuju, type FakeJuju } from './fixtures/fake-juju.js';

const CLI = fileURLToPath(new URL('../dist/bundle/docker-resource.js', import.meta.url));
const SECRET = 's3cr3t-SENTINEL';
const image = (tag: string) => `registrypath: registry.example/app:${tag}\nusername: bot\npassword: ${SECRET}\n`;

let juju: FakeJuju;
let charmDir: string;

function run(args: string[], hook?: string, env: Record<string, string | undefined> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: charmDir,
        env: juju.env({ JUJU_CHARM_DIR: charmDir, JUJU_DISPATCH_PATH: hook ? `hooks/${hook}` : undefined, ...env }) as NodeJS.ProcessEnv,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const statusSets = async () => (await juju.calls()).filter((c) => c[0] === 'status-set');

beforeEach(async () => {
  juju = await createFakeJuju();
  charmDir = mkdtempSync(join(tmpdir(), 'docker-resource-cli-'));
  writeFileSync(
    join(charmDir, 'metadata.yaml'),
    ['name: my-charm', 'resources:', '  web:', '    type: oci-image', '    auto-fetch: true', '  db:', '    type: oci-image', '    auto-fetch: true', '  blob:', '    type: file', ''].join('\n'),
  );
});
afterEach(async () => {
  await juju.cleanup();
  rmSync(charmDir, { recursive: true, force: true });
});

describe('docker-resource hook: a whole charm life', () => {
  it('install with db missing → blocked; retries; attach → available; upgrade-charm changed/unchanged; emptied', async () => {
    await juju.attach('web', image('1'));
    const install = await run(['hook', '--retries', '0'], 'install');
    expect(install.code).toBe(0);
    expect(install.stdout).toContain('db: fetching → failed (missing: resource-get failed: ERROR could not download resource');
    expect(await statusSets()).toEqual([
      ['status-set', 'maintenance', '--', 'fetching resources: web, db'],
      ['status-set', 'blocked', '--', 'unable to fetch resource: db'],
    ]);
    const errors = (await juju.calls()).filter((c) => c[0] === 'juju-log');
    expect(errors).toEqual([['juju-log', '-l', 'ERROR', '--', expect.stringMatching(/^resource "db" unavailable \(missing\)/)]]);
    expect((await run(['flags'])).stdout.split('\n').filter(Boolean)).toEqual([
      'layer.docker-resource.auto-fetched',
      'layer.docker-resource.db.failed',
      'layer.docker-resource.db.fetched',
      'layer.docker-resource.pending',
      'layer.docker-resource.web.available',
      'layer.docker-resource.web.fetched',
    ]);

    // update-status: still missing, retried, status unchanged (no status-set)
    const before = (await juju.calls()).length;
    expect((await run(['hook', '--retries', '0'], 'update-status')).code).toBe(0);
    const calls = (await juju.calls()).slice(before);
    expect(calls.map((c) => c[0])).toEqual(['resource-get', 'juju-log']);

    // attach → next update-status fetches it and clears the blocked status
    await juju.attach('db', image('1'));
    expect((await run(['hook'], 'update-status')).code).toBe(0);
    expect(await juju.status()).toEqual({ state: 'active', message: '' });

    // upgrade-charm: web changes, db does not
    await juju.attach('web', image('2'));
    const upgrade = await run(['hook'], 'upgrade-charm');
    expect(upgrade.code).toBe(0);
    const flags = (await run(['flags'])).stdout;
    expect(flags).toContain('layer.docker-resource.web.changed');
    expect(flags).not.toContain('layer.docker-resource.db.changed');
    expect((await run(['info', 'web'])).stdout).toContain('registryPath: registry.example/app:2');

    // emptied resource → failed, blocked
    await juju.attach('db', '');
    await run(['hook'], 'upgrade-charm');
    expect(await juju.status()).toEqual({ state: 'blocked', message: 'unable to fetch resource: db' });
    const info = await run(['info', 'db']);
    expect(info.code).toBe(1);
    expect(info.stderr).toContain('resource "db": resource file is empty');

    // nothing printed or logged ever held the password; the state file is owner-only
    const everything = JSON.stringify(await juju.calls()) + install.stdout + install.stderr + upgrade.stdout + flags;
    expect(everything).not.toContain(SECRET);
    expect(statSync(join(charmDir, '.docker-resource', 'state.json')).mode & 0o777).toBe(0o600);
  });

  it('both missing: plural wording in metadata order, no duplicates', async () => {
    await run(['hook', '--retries', '0'], 'install');
    expect(await juju.status()).toEqual({ state: 'blocked', message: 'unable to fetch resources: web, db' });
  });

  it('set-status: false in layer.yaml: no status-set at all', async () => {
    writeFileSync(join(charmDir, 'layer.yaml'), 'options:\n  docker-resource:\n    set-status: false\n');
    await run(['hook', '--retries', '0'], 'install');
    expect(await statusSets()).toEqual([]);
  });

  it('--fail-on-error exits 1 naming the failed resource', async () => {
    const r = await run(['hook', '--retries', '0', '--fail-on-error'], 'install');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unable to fetch resources: web, db');
  });
});

describe('docker-resource commands', () => {
  it('fetch NAME fetches now and exits 1 naming a failure', async () => {
    await juju.attach('web', image('1'));
    expect((await run(['fetch', 'web'])).code).toBe(0);
    const r = await run(['fetch', 'db', '--retries', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unable to fetch resource: db');
  });

  it('fetch NAME fails only for the named resources; others still failed are a warning', async () => {
    await juju.attach('web', image('1'));
    expect((await run(['hook', '--retries', '0', '-q'], 'install')).code).toBe(0); // db failed: missing
    const web = await run(['fetch', 'web', '--retries', '0']);
    expect(web.code).toBe(0);
    expect(web.stderr).toBe('docker-resource: warning: still unable to fetch resource: db (not named, so not a failure of this command)\n');
    const db = await run(['fetch', 'db', 'web', '--retries', '0', '-q']);
    expect(db.code).toBe(1);
    expect(db.stderr).toBe('docker-resource: unable to fetch resource: db\n');
  });

  it.each([
    ['--timeout', '2147483648'],
    ['--timeout', '99999999999999'],
    ['--concurrency', '2147483648'],
    ['--retries', '1e10'],
  ])('%s %s (above 2^31-1) is a usage error, exit 2, before anything runs', async (option, value) => {
    const r = await run(['hook', option, value], 'install');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`docker-resource: ${option} must be an integer from`);
    expect(r.stderr).toContain(`to 2147483647, not "${value}"`);
    expect(await juju.calls()).toEqual([]);
  });

  it('escapes control characters from image fields, tool output and reasons in every line it prints', async () => {
    await juju.attach('web', `registrypath: registry.example/app:1\nusername: "bot\\npassword: x\\e[31m\\r"\npassword: ${SECRET}\n`);
    await juju.setPath('db', '/nonexistent\n\x1b]0;owned\x07\x1b[2Jforged');
    const hook = await run(['hook', '--retries', '0'], 'install');
    const info = await run(['info', 'web']);
    const status = await run(['status']);
    const history = await run(['history', 'db']);
    for (const out of [hook.stdout, hook.stderr, info.stdout, status.stdout, history.stdout]) {
      expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/); // nothing but the newline that ends each line
    }
    expect(info.stdout.split('\n')).toContain('username: bot\\npassword: x\\x1b[31m\\r');
    expect(info.stdout.split('\n').filter((l) => l.startsWith('password:'))).toEqual(['password: <redacted>']);
    expect(status.stdout).toContain('db  failed  missing: resource-get printed /nonexistent\\n\\x1b]0;owned\\x07\\x1b[2Jforged, which does not exist');
    const logged = (await juju.calls()).filter((c) => c[0] === 'juju-log').map((c) => c[4]!);
    expect(logged.join('')).not.toMatch(/[\x00-\x1f]/);
  });

  it('info shows secrets only when asked, as text or JSON', async () => {
    await juju.attach('web', image('1'));
    await run(['fetch', 'web']);
    expect((await run(['info', 'web'])).stdout).toContain('password: <redacted>');
    expect(JSON.parse((await run(['info', 'web', '--json'])).stdout)).toMatchObject({ password: '<redacted>' });
    expect(JSON.parse((await run(['info', 'web', '--json', '--show-secrets'])).stdout)).toMatchObject({ password: SECRET });
  });

  it('unknown names, commands and options get one clear message each', async () => {
    const unknownName = await run(['info', 'nope']);
    expect(unknownName.code).toBe(1);
    expect(unknownName.stderr).toBe(
      'docker-resource: unknown resource "nope": the charm\'s metadata declares these oci-image resources: web, db\n',
    );
    const fetchUnknown = await run(['fetch', 'nope']);
    expect(fetchUnknown.code).toBe(1);
    expect(fetchUnknown.stderr).toContain('unknown resource "nope"');
    const cmd = await run(['frobnicate']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('unknown command "frobnicate"');
    const opt = await run(['flags', '--bogus']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("'--bogus'");
  });

  it('flags works outside a hook (no hook tools on PATH)', async () => {
    const r = await run(['flags'], undefined, { PATH: '/nonexistent' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('hook outside a Juju hook fails clearly without touching the state', async () => {
    const r = await run(['hook'], 'install', { PATH: mkdtempSync(join(tmpdir(), 'empty-')) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not inside a Juju hook: the hook tools (resource-get, status-set, juju-log) are not on PATH');
    expect(() => statSync(join(charmDir, '.docker-resource', 'state.json'))).toThrow();
  });

  it('status --json lists each resource with its state and reason', async () => {
    await juju.attach('web', image('1'));
    await run(['hook', '--retries', '0'], 'install');
    const { resources } = JSON.parse((await run(['status', '--json'])).stdout);
    expect(resources).toEqual([
      expect.objectContaining({ name: 'web', state: 'available' }),
      expect.objectContaining({ name: 'db', state: 'failed', kind: 'missing' }),
    ]);
  });

  it('--help works for every command', async () => {
    for (const cmd of ['hook', 'fetch', 'info', 'flags', 'status', 'history', 'graph']) {
      const r = await run([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`docker-resource ${cmd}`);
    }
  });
});
