import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFixture } from './fixtures/bundle-fixture.js';
import { DockerResourceError } from '../src/errors/index.js';
import { readStateFile, STATE_VERSION, writeStateFile, type WriteStep } from '../src/state-file.js';
import { statePaths } from '../src/state-paths.js';

const SECRET = 's3cr3t-SENTINEL';
let root: string;
let file: string;
let backup: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'state-file-'));
  ({ file, backup } = statePaths(root));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;
const temps = async (): Promise<string[]> => (await readdir(join(root, '.docker-resource'))).filter((n) => n.endsWith('.tmp'));

/** Two writes: the main file holds n = 2, the backup n = 1. */
async function twoWrites(): Promise<void> {
  await writeStateFile(file, { n: 1, password: SECRET });
  await writeStateFile(file, { n: 2, password: SECRET });
}

async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const old = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(old);
  }
}

describe('statePaths', () => {
  it('puts the state, its backup, its lock and its idle summary in <charmDir>/.docker-resource', () => {
    expect(statePaths('/charm')).toEqual({
      dir: '/charm/.docker-resource',
      file: '/charm/.docker-resource/state.json',
      backup: '/charm/.docker-resource/state.json.bak',
      lock: '/charm/.docker-resource/state.json.lock',
      idle: '/charm/.docker-resource/state.json.idle',
    });
  });
});

describe('writeStateFile and readStateFile', () => {
  it('round-trips a document stamped with the version', async () => {
    const { bytes } = await writeStateFile(file, { resources: { a: { state: 'idle' } } });
    expect(bytes).toBe((await stat(file)).size);
    expect(await readStateFile(file)).toEqual({
      data: { version: STATE_VERSION, resources: { a: { state: 'idle' } } },
      source: 'main',
      warnings: [],
    });
  });

  it('refuses a document that carries another version', async () => {
    await expect(writeStateFile(file, { version: 2 })).rejects.toThrow(DockerResourceError);
    await expect(stat(file)).rejects.toThrow();
  });

  it('reports a missing file as a first hook: nothing, no warning', async () => {
    expect(await readStateFile(file)).toEqual({ data: null, source: 'none', warnings: [] });
  });

  it('keeps the previous good document as the backup', async () => {
    await twoWrites();
    expect(JSON.parse(await readFile(backup, 'utf8'))).toEqual({ version: 1, n: 1, password: SECRET });
    expect((await readStateFile(file)).data).toMatchObject({ n: 2 });
  });

  it.each([0o000, 0o022, 0o277])('writes the file and backup 0600 and the directory 0700 under umask %o', async (mask) => {
    await withUmask(mask, twoWrites);
    expect(await mode(file)).toBe(0o600);
    expect(await mode(backup)).toBe(0o600);
    expect(await mode(join(root, '.docker-resource'))).toBe(0o700);
  });

  it('tightens a main file and a backup that were readable by others', async () => {
    await mkdir(join(root, '.docker-resource'), { mode: 0o700 });
    await writeFile(file, JSON.stringify({ version: 1, n: 1 }), { mode: 0o644 });
    await writeStateFile(file, { n: 2 });
    expect([await mode(file), await mode(backup)]).toEqual([0o600, 0o600]);

    await writeFile(file, 'garbage'); // damaged main: the old backup stays the last good copy
    await chmod(backup, 0o666);
    await writeStateFile(file, { n: 3 });
    expect(await mode(backup)).toBe(0o600);
    expect(JSON.parse(await readFile(backup, 'utf8'))).toMatchObject({ n: 1 });
  });

  it('throws a DockerResourceError naming the file when it cannot write', async () => {
    await writeFile(join(root, 'not-a-dir'), '');
    const path = join(root, 'not-a-dir', 'state.json');
    await expect(writeStateFile(path, { n: 1 })).rejects.toThrow(`cannot write state file ${path}`);
  });

  it('removes temp files older than a minute that a crashed writer left, and nothing else', async () => {
    await writeStateFile(file, { n: 1 });
    const dir = join(root, '.docker-resource');
    const old = new Date(Date.now() - 120_000);
    for (const name of ['.state.json.1.aaaa.tmp', '.state.json.bak.1.bbbb.tmp', '.other.1.cccc.tmp']) {
      await writeFile(join(dir, name), 'x');
      await utimes(join(dir, name), old, old);
    }
    await writeFile(join(dir, '.state.json.2.dddd.tmp'), 'x'); // recent: perhaps a writer at work
    await writeStateFile(file, { n: 2 });
    expect((await temps()).sort()).toEqual(['.other.1.cccc.tmp', '.state.json.2.dddd.tmp']);
  });
});

describe('readStateFile on a damaged main file', () => {
  const damaged: [string, string | null, RegExp][] = [
    ['empty', '', /empty file/],
    ['truncated', `{"version":1,"password":"${SECRET}`, /not valid JSON/],
    ['garbage', `${SECRET} is not JSON`, /not valid JSON/],
    ['an array', `["${SECRET}"]`, /not a JSON object but an array/],
    ['null', 'null', /not a JSON object but null/],
    ['a future version', `{"version":99,"password":"${SECRET}"}`, /written by a newer version \(99\)/],
    ['no version', `{"password":"${SECRET}"}`, /no version/],
    ['a string version', `{"version":"${SECRET}"}`, /invalid version/],
    ['a directory', null, /it is a directory/],
  ];

  it.each(damaged)('uses the backup with one warning when the main file is %s', async (_, content, reason) => {
    await twoWrites();
    await rm(file);
    if (content === null) await mkdir(file);
    else await writeFile(file, content);
    const result = await readStateFile(file);
    expect(result.source).toBe('backup');
    expect(result.data).toMatchObject({ version: 1, n: 1 });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain(`state file ${file} is damaged`);
    expect(result.warnings[0]).toMatch(reason);
    expect(result.warnings[0]).toContain('using the last good copy');
    expect(result.warnings.join('\n')).not.toContain(SECRET);
  });

  // Root reads a mode-000 file anyway: test/state-targets.test.ts runs the CLI as another user for this.
  (process.getuid?.() === 0 ? it.skip : it)('throws, naming the file and the cause, when the main file is unreadable (mode 000)', async () => {
    await twoWrites();
    await chmod(file, 0o000);
    await expect(readStateFile(file)).rejects.toThrow(`cannot read state file ${file}: EACCES (permission denied`);
  });

  it('uses the backup when reading the main file fails (a symlink loop, unreadable even for root)', async () => {
    await twoWrites();
    await rm(file);
    await symlink(file, file);
    const result = await readStateFile(file);
    expect(result).toMatchObject({ source: 'backup', data: { n: 1 } });
    expect(result.warnings).toEqual([`state file ${file} is damaged (unreadable: ELOOP); using the last good copy ${backup}`]);
  });

  it('starts fresh with a warning for each file when both are damaged', async () => {
    await twoWrites();
    await writeFile(file, `{"password":"${SECRET}"`);
    await writeFile(backup, `[${SECRET}]`);
    const result = await readStateFile(file);
    expect(result).toMatchObject({ data: null, source: 'none' });
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings[0]).toContain(file);
    expect(result.warnings[1]).toContain(`backup state file ${backup} is damaged too`);
    expect(result.warnings.join('\n')).not.toContain(SECRET);
  });

  it('starts fresh with one warning when the main file is damaged and there is no backup', async () => {
    await writeStateFile(file, { n: 1 });
    await writeFile(file, '{');
    const result = await readStateFile(file);
    expect(result).toMatchObject({ data: null, source: 'none' });
    expect(result.warnings).toEqual([`state file ${file} is damaged (not valid JSON: truncated or corrupt) and has no backup; starting fresh`]);
  });

  it('uses the backup with a warning when the main file is missing but a backup exists', async () => {
    await twoWrites();
    await rm(file);
    const result = await readStateFile(file);
    expect(result).toMatchObject({ source: 'backup', data: { n: 1 } });
    expect(result.warnings).toEqual([`state file ${file} is missing; using the last good copy ${backup}`]);
  });
});

describe('what is at the path', () => {
  it('refuses a FIFO and a device, without opening them (a FIFO would block) or replacing them', async () => {
    await mkdir(join(root, '.docker-resource'), { mode: 0o700 });
    execFileSync('mkfifo', [file]);
    await expect(readStateFile(file)).rejects.toThrow(`state file ${file} is a FIFO, not a regular file: refusing to read or replace it`);
    await expect(writeStateFile(file, { n: 1 })).rejects.toThrow(`state file ${file} is a FIFO`);
    expect((await lstat(file)).isFIFO()).toBe(true);
    await expect(readStateFile('/dev/null')).rejects.toThrow('state file /dev/null is a character device');
    await rm(file);
    await symlink('/dev/zero', file);
    await expect(readStateFile(file)).rejects.toThrow(`state file ${file} is a character device`);
  });

  it.each([
    ['a text file that is no state', 'my notes, not a state\n', 'unrecognised'],
    ['a state of a newer version', `{"version":2,"password":"${SECRET}"}`, 'newer-v2'],
  ])('keeps %s aside instead of replacing it', async (_what, text, why) => {
    await mkdir(join(root, '.docker-resource'), { mode: 0o700 });
    await writeFile(file, text, { mode: 0o600 });
    const read = await readStateFile(file);
    expect(read.source).toBe('none');
    await writeStateFile(file, { n: 1 });
    const aside = (await readdir(join(root, '.docker-resource'))).filter((n) => n.startsWith(`state.json.${why}-`));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(root, '.docker-resource', aside[0]!), 'utf8')).toBe(text);
    expect((await readStateFile(file)).data).toMatchObject({ n: 1 });
    if (why.startsWith('newer')) expect(read.warnings[0]).toContain('written by a newer version (2); kept aside when the state is next saved');
  });

  it('never changes a mode through a symbolic link: a backup linked to another file leaves that file as it was', async () => {
    await mkdir(join(root, '.docker-resource'), { mode: 0o700 });
    const victim = join(root, 'victim');
    await writeFile(victim, 'not ours', { mode: 0o644 });
    await chmod(victim, 0o644);
    await symlink(victim, backup);
    await writeFile(file, ''); // damaged main: the backup is kept, and tightened if it were a file
    await writeStateFile(file, { n: 1 });
    expect(await mode(victim)).toBe(0o644);
    expect(await readFile(victim, 'utf8')).toBe('not ours');
  });

  it('tightens the layer\'s own state directory to 0700, refuses another that others may write in', async () => {
    const dir = join(root, '.docker-resource');
    await mkdir(dir);
    await chmod(dir, 0o777);
    await writeStateFile(file, { n: 1 });
    expect(await mode(dir)).toBe(0o700);
    const shared = join(root, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);
    await expect(writeStateFile(join(shared, 'state.json'), { n: 1 })).rejects.toThrow(
      `state directory ${shared} is open to others (mode 0777): make it 0700, or choose another`,
    );
    await chmod(shared, 0o755); // readable by others is fine for a directory of one's own choosing: the files are 0600
    await writeStateFile(join(shared, 'state.json'), { n: 1 });
    expect(await mode(shared)).toBe(0o755);
  });

  (process.getuid?.() === 0 ? it : it.skip)('refuses a state directory owned by another user', async () => {
    const dir = join(root, '.docker-resource');
    await mkdir(dir, { mode: 0o700 });
    await chown(dir, 65534, 65534);
    await expect(writeStateFile(file, { n: 1 })).rejects.toThrow(`state directory ${dir} is owned by uid 65534, not by this user (uid 0)`);
    await expect(stat(file)).rejects.toThrow();
  });
});

describe('crash safety', () => {
  const steps: WriteStep[] = ['temp-created', 'temp-synced', 'backup-written', 'backup-renamed', 'renamed'];

  it.each(steps)('leaves the old or the new document when a write stops after %s', async (at) => {
    await twoWrites();
    const crash = new Error(`crash at ${at}`);
    const onStep = (s: WriteStep): void => {
      if (s === at) throw crash;
    };
    await expect(writeStateFile(file, { n: 3 }, { onStep })).rejects.toBe(crash);

    const main = await readStateFile(file);
    expect(main.source).toBe('main');
    expect(main.data?.['n']).toBe(at === 'renamed' ? 3 : 2);
    const bak = JSON.parse(await readFile(backup, 'utf8')) as { n: number };
    expect(bak.n).toBe(at === 'backup-renamed' || at === 'renamed' ? 2 : 1);
    expect(await temps()).toEqual([]);

    await writeStateFile(file, { n: 4 }); // the next write recovers
    expect((await readStateFile(file)).data).toMatchObject({ n: 4 });
  });

  it.each(['temp-created', 'temp-synced'] as const)('leaves no file at all when a first write stops after %s', async (at) => {
    const onStep = (s: WriteStep): void => {
      if (s === at) throw new Error('crash');
    };
    await expect(writeStateFile(file, { n: 1 }, { onStep })).rejects.toThrow('crash');
    expect(await readStateFile(file)).toEqual({ data: null, source: 'none', warnings: [] });
  });

  it('keeps a complete document when a writer process is killed (SIGKILL) at random points', async () => {
    const bundle = await bundleFixture('state-writer', root);
    for (let trial = 0; trial < 8; trial++) {
      const child = spawn(process.execPath, [bundle, 'write-loop', file], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => (chunk.toString().includes('ready') ? resolve() : undefined));
        child.on('exit', () => reject(new Error('the writer exited before it was ready')));
      });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
      child.kill('SIGKILL');
      expect(await exited).toBeNull(); // killed by the signal, not exited

      const main = await readStateFile(file);
      expect(main.source).toBe('main');
      expect(main.warnings).toEqual([]);
      const n = main.data?.['n'] as number;
      const bak = await readStateFile(backup); // read as a main file: source 'main' means the backup is good
      expect(bak.warnings).toEqual([]);
      if (bak.source === 'none') expect(n).toBe(1); // killed before a second write could keep a backup
      else expect([n - 1, n]).toContain(bak.data?.['n']);
      expect(await mode(file)).toBe(0o600);
    }
  });
});
