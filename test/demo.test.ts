/** `docker-resource demo` (`npm run demo`): the charm's life it prints, plain under NO_COLOR, and no credential in it. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../src/demo/controller.js';
import { runDemo as runDemoInProcess } from '../src/demo/demo.js';

const CLI = fileURLToPath(new URL('../dist/bundle/docker-resource.js', import.meta.url));

function runDemo(args: string[] = []) {
  return new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      [CLI, 'demo', ...args],
      { timeout: 25_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? (error.killed ? 'killed' : Number(error.code ?? 1)) : 0, stdout, stderr }),
    ),
  );
}

/** The lines of one numbered section (`── 1. hook install …`), up to the next. */
function section(stdout: string, title: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('── ') && l.includes(title));
  const end = lines.findIndex((l, i) => i > start && (l.startsWith('── ') || l.startsWith('Done in')));
  return start < 0 ? [] : lines.slice(start, end < 0 ? undefined : end);
}

describe('docker-resource demo', () => {
  let run: Awaited<ReturnType<typeof runDemo>>;
  let charmDir: string;
  let stateFile: string;

  beforeAll(async () => {
    run = await runDemo();
    charmDir = /charm directory {3}(\S+)/.exec(run.stdout)?.[1] ?? '';
    stateFile = /state file {8}(\S+)/.exec(run.stdout)?.[1] ?? '';
  });
  afterAll(() => {
    if (charmDir) rmSync(dirname(charmDir), { recursive: true, force: true });
  });

  it('exits 0, prints no escape codes under NO_COLOR, and never the password', () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toMatch(/\x1b\[/);
    expect(run.stdout + run.stderr).not.toContain(DEMO_PASSWORD);
    expect(run.stdout).toContain('password: <redacted>');
  });

  it('install: web available, db failed as missing, blocked, with the flags', () => {
    const install = section(run.stdout, 'hook install');
    expect(install).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}web +idle → fetching$/),
        expect.stringMatching(/^ {2}db +idle → fetching$/),
        expect.stringMatching(/^ {2}web +fetching → available {2}\[\d\/2\] sha256:/),
        expect.stringMatching(/^ {2}db +fetching → failed {2}\[\d\/2\] missing: resource-get failed: ERROR could not download resource/),
        '    + layer.docker-resource.db.failed',
        '    + layer.docker-resource.web.available',
        '    + layer.docker-resource.pending',
        '    Unit          Workload     Message',
        '    demo-charm/0  blocked      unable to fetch resource: db',
      ]),
    );
    // The fetches run beside the maintenance status-set: compare the calls as a set; blocked comes last.
    const tools = install.find((l) => l.startsWith('  hook tools  '))!.slice('  hook tools  '.length).split(' · ');
    expect([...tools].sort()).toEqual(['juju-log ERROR', 'resource-get db', 'resource-get web', 'status-set blocked', 'status-set maintenance']);
    expect(tools.at(-1)).toBe('status-set blocked');
  });

  it('update-status retries db quietly; after the attach, the next one finds it and the unit is active', () => {
    const still = section(run.stdout, 'db is still missing');
    expect(still).toEqual(expect.arrayContaining(['  hook tools  resource-get db · juju-log ERROR', '    demo-charm/0  blocked      unable to fetch resource: db']));
    expect(section(run.stdout, 'attach-resource demo-charm db=')).toEqual(
      expect.arrayContaining(['  db-image.yaml  registrypath: registry.example/demo/db:15, username: demo, password: <redacted>']),
    );
    const found = section(run.stdout, 'the retry finds db');
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}db +fetching → available/),
        '    + layer.docker-resource.db.available',
        '    - layer.docker-resource.pending',
        '    demo-charm/0  active       ',
      ]),
    );
  });

  it('upgrade-charm after a new web image: refetches both, web changed, db not', () => {
    const upgrade = section(run.stdout, 'hook upgrade-charm');
    expect(upgrade).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}web +available → fetching$/),
        expect.stringMatching(/^ {2}db +available → fetching$/),
        '  getInfo("web")  registryPath: registry.example/demo/web:1.1, username: demo, password: <redacted>',
        '    + layer.docker-resource.web.changed',
      ]),
    );
    expect(upgrade.join('\n')).not.toContain('db.changed');
  });

  it('prints the history and ends by naming what it wrote, which it leaves in place (state file 0600)', () => {
    const history = section(run.stdout, 'docker-resource history web');
    expect(history.filter((l) => / (install|upgrade-charm) +\S+ → \S+/.test(l))).toHaveLength(4);
    expect(run.stdout).toMatch(/Done in \d+\.\d s\. What it wrote \(left in place\):/);
    expect(stateFile).toBe(`${charmDir}/.docker-resource/state.json`);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${charmDir}/metadata.yaml`, 'utf8')).toContain('type: oci-image');
    expect(run.stdout).toContain(`rm -rf ${dirname(charmDir)}`);
    expect(run.stdout).toContain(`node ${relative(process.cwd(), CLI)} status --charm-dir ${charmDir}`);
  });

  it('--clean removes what it wrote and says so', async () => {
    const clean = await runDemo(['--clean']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('(now removed: --clean)');
    const dir = /charm directory {3}(\S+)/.exec(clean.stdout)?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dirname(dir!))).toBe(false);
  });
});

describe('runDemo (in-process)', () => {
  it('a step that fails: exit 1, and it says where it left what it wrote and how to remove it', async () => {
    let printed = '';
    const code = await runDemoInProcess({
      out: { write: (t) => void (printed += t), live: false, colour: false },
      env: process.env,
      clean: false,
      cli: async () => {
        throw new Error('the CLI is broken');
      },
      script: undefined,
    });
    const work = /left in (\S+) to show how far it got/.exec(printed)?.[1];
    expect(code).toBe(1);
    expect(printed).toContain('The demo failed: the CLI is broken');
    expect(work).toBeDefined();
    expect(existsSync(`${work}/juju/calls`)).toBe(true);
    expect(printed).toContain(`Remove it with: rm -rf ${work}`);
    rmSync(work!, { recursive: true, force: true });
  });
});
