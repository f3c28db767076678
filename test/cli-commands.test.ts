/**
 * The CLI as a charm author meets it: --version, help that lists every option, the shell's words,
 * one spelling of each field, and the charm's own status next to the layer's (`status-set`).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type CliIO } from '../src/cli.js';
import { VERSION } from '../src/version.js';
import { createFakeJuju, FAKE_BIN, type FakeJuju } from './fixtures/fake-juju.js';

const CLI = fileURLToPath(new URL('../dist/bundle/docker-resource.js', import.meta.url));
const PKG = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const image = (tag: string) => `registrypath: registry.example/app:${tag}\nusername: bot\npassword: pw\n`;
const COMMANDS = ['hook', 'fetch', 'status-set', 'info', 'flags', 'status', 'history', 'graph', 'report', 'replay', 'demo'];

let juju: FakeJuju;
let charmDir: string;

function run(args: string[], hook?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const env = juju.env({ JUJU_CHARM_DIR: charmDir, JUJU_DISPATCH_PATH: hook ? `hooks/${hook}` : undefined });
    execFile(process.execPath, [CLI, ...args], { cwd: charmDir, env: env as NodeJS.ProcessEnv }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs the CLI in-process (no hook tools needed for help and usage errors). */
async function inProcess(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { env: {}, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  return { code: await main(argv, io), stdout, stderr };
}

/** Sets the unit status as a bash charm would, with the hook tool itself (not through the layer). */
function rawStatusSet(state: string, message: string) {
  return new Promise<void>((resolve, reject) =>
    execFile(join(FAKE_BIN, 'status-set'), [state, '--', message], { env: juju.env() as NodeJS.ProcessEnv }, (e) => (e ? reject(e) : resolve())),
  );
}

beforeEach(async () => {
  juju = await createFakeJuju();
  charmDir = mkdtempSync(join(tmpdir(), 'docker-resource-cmds-'));
  writeFileSync(join(charmDir, 'metadata.yaml'), 'name: c\nresources:\n  web:\n    type: oci-image\n    auto-fetch: true\n  other:\n    type: oci-image\n');
});
afterEach(async () => {
  await juju.cleanup();
  rmSync(charmDir, { recursive: true, force: true });
});

describe('the command line', () => {
  it('--version and -V print the version, which is package.json\'s', async () => {
    expect(VERSION).toBe(PKG.version);
    expect(await inProcess(['--version'])).toMatchObject({ code: 0, stdout: `${PKG.version}\n` });
    expect(await inProcess(['-V'])).toMatchObject({ code: 0, stdout: `${PKG.version}\n` });
  });

  it('every command’s --help lists every option it takes, and no other', async () => {
    for (const command of COMMANDS) {
      const help = await inProcess([command, '--help']);
      expect(help.code).toBe(0);
      const lines = [...help.stdout.matchAll(/^ {2}(?:-\w, )? *--([\w-]+)(\[=\w+\]| [A-Z]+)?/gm)];
      const listed = lines.map((m) => m[1]);
      // Each listed option parses (with a value where the help names one).
      for (const [, option, arg] of lines) {
        const r = await inProcess([command, arg ? `--${option}=x` : `--${option}`, '--help']);
        expect({ command, option, code: r.code }).toEqual({ command, option, code: 0 });
      }
      const unknown = await inProcess([command, '--no-such-option']);
      expect(unknown.code).toBe(2);
      if (!['graph', 'demo'].includes(command)) expect(listed).toEqual(expect.arrayContaining(['charm-dir', 'state-file', 'help']));
    }
  });

  it('fetch takes no --fail-on-error (it fails on a named failure anyway)', async () => {
    const r = await inProcess(['fetch', 'web', '--fail-on-error']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option for "fetch"');
  });

  it('speaks the shell’s language: info on a resource never requested says what to run', async () => {
    await juju.attach('web', image('1'));
    expect((await run(['hook'], 'install')).code).toBe(0);
    const r = await run(['info', 'other']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('docker-resource: resource "other" was never requested: run `docker-resource fetch other` first\n');
  });

  it('one spelling of each field: info prints the keys info --json has', async () => {
    await juju.attach('web', image('1'));
    await run(['hook'], 'install');
    const keys = Object.keys(JSON.parse((await run(['info', 'web', '--json'])).stdout));
    const text = (await run(['info', 'web'])).stdout.trim().split('\n').map((l) => l.slice(0, l.indexOf(':')));
    expect(text).toEqual(keys);
    expect(keys).toEqual(['registryPath', 'username', 'password']);
  });
});

describe('docker-resource report and replay, through the built command', () => {
  it('report --html writes one self-contained page without a credential; replay --print gives the events in order', async () => {
    await juju.attach('web', image('1'));
    await run(['hook'], 'install');
    const out = join(charmDir, 'life.html');
    const r = await run(['report', '--html', '--out', out]);
    expect(r).toMatchObject({ code: 0, stdout: `wrote the lifecycle report: ${out}\n` });
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('web');
    expect(html).not.toContain('password: pw');
    expect(html).not.toMatch(/<script|src=|https?:\/\//i);
    expect((await run(['report'])).code).toBe(2);

    const printed = await run(['replay', '--print']);
    expect(printed.code).toBe(0);
    const events = printed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; name?: string });
    expect(events[0]).toMatchObject({ type: '@xstate.actor' });
    expect(events.filter((e) => e.type === '@xstate.actor').map((e) => e.name)).toEqual([expect.stringMatching(/^install \d{4}-/), 'web', 'other']);
    expect(printed.stdout).not.toContain('"pw"');
  });
});

describe('docker-resource status-set: the charm’s own status competes with the layer’s', () => {
  it('a bash charm that says active while an image is failed still shows blocked, then its own once the image is back', async () => {
    expect((await run(['hook'], 'install')).code).toBe(0);
    expect(await juju.status()).toEqual({ state: 'blocked', message: 'unable to fetch resource: web' });
    expect(await run(['status-set', 'active', '--', 'ready'], 'install')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await juju.status()).toEqual({ state: 'blocked', message: 'unable to fetch resource: web' });
    expect(JSON.parse((await run(['status', '--json'])).stdout).charmStatus).toEqual({ state: 'active', message: 'ready' });

    await juju.attach('web', image('1'));
    expect((await run(['hook'], 'update-status')).code).toBe(0);
    expect(await juju.status()).toEqual({ state: 'active', message: 'ready' });
    const calls = (await juju.calls()).filter((c) => c[0] === 'status-set');
    expect(calls.at(-1)).toEqual(['status-set', 'active', '--', 'ready']);

    expect((await run(['status-set', '--clear'], 'update-status')).code).toBe(0);
    expect(await juju.status()).toEqual({ state: 'active', message: 'ready' });
  });

  it('a status the charm set itself with the raw tool is not overwritten when the layer clears its own', async () => {
    expect((await run(['hook'], 'install')).code).toBe(0);
    await rawStatusSet('active', 'serving'); // the charm's own code, after the layer's blocked
    await juju.attach('web', image('1'));
    expect((await run(['hook'], 'update-status')).code).toBe(0); // the retry succeeds quietly
    expect(await juju.status()).toEqual({ state: 'active', message: 'serving' });
    const calls = (await juju.calls()).map((c) => c[0]);
    expect(calls.slice(calls.lastIndexOf('resource-get'))).toEqual(['resource-get', 'status-get']);
  });

  it('takes a message after -- as it is, even one that looks like an option', async () => {
    expect(await run(['status-set', 'active', '--', '--inspect'], 'install')).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse((await run(['status', '--json'])).stdout).charmStatus).toEqual({ state: 'active', message: '--inspect' });
  });

  it('a bad state is a usage error, and outside a hook it changes nothing', async () => {
    expect((await run(['status-set', 'happy', 'x'], 'install')).code).toBe(2);
    const outside = await inProcess(['status-set', 'active', 'x']);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('not inside a Juju hook');
  });
});
