import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleFixture } from './fixtures/bundle-fixture.js';
import { DockerResourceError } from '../src/errors/index.js';
import { acquireLock, withLock } from '../src/lock.js';

let root: string;
let lock: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lock-'));
  lock = join(root, '.docker-resource', 'state.json.lock');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** CPU time (µs) used while waiting on an unusable lock path, for the record: a spinning wait used a whole core. */
const recordCpu = (micros: number): void => {
  if (process.env['RELIABILITY_VERBOSE']) process.stdout.write(`lock wait on an unusable path: ${Math.round(micros / 1000)} ms CPU in 300 ms\n`);
};

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid ?? 999_999;
const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

/** Increments the number in `counter` under the lock, with awaits between the read and the write. */
async function increment(counter: string): Promise<void> {
  await withLock(lock, async () => {
    const n = Number(await readFile(counter, 'utf8').catch(() => '0'));
    await sleep(Math.random() * 3);
    await writeFile(counter, String(n + 1));
  });
}

describe('acquireLock', () => {
  it('creates the lock file owner-only with our pid, in a directory it creates 0700, and removes it on release', async () => {
    const held = await acquireLock(lock);
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid, at: expect.any(Number) });
    expect((await stat(lock)).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, '.docker-resource'))).mode & 0o777).toBe(0o700);
    await held.release();
    expect(await exists(lock)).toBe(false);
    await held.release(); // twice is harmless
  });

  it('does not remove a lock that is no longer ours on release', async () => {
    const held = await acquireLock(lock);
    await writeFile(lock, JSON.stringify({ pid: process.pid, at: 1, id: 'someone else' }));
    await held.release();
    expect(await exists(lock)).toBe(true);
  });

  it('is not re-entrant: a second acquire in the same process waits and times out naming our pid', async () => {
    const held = await acquireLock(lock);
    await expect(acquireLock(lock, { timeoutMs: 100 })).rejects.toThrow(
      `state is locked by process ${process.pid} (${lock}); gave up after 0.1 s`,
    );
    await held.release();
  });

  it('times out with a DockerResourceError naming the path and the holder when a live process holds the lock', async () => {
    await acquireLock(lock); // creates the directory
    await writeFile(lock, JSON.stringify({ pid: process.ppid, at: Date.now() }));
    const error = await acquireLock(lock, { timeoutMs: 150, pollMs: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerResourceError);
    expect((error as Error).message).toBe(`state is locked by process ${process.ppid} (${lock}); gave up after 0.15 s`);
  });

  it('breaks a lock left by a dead process', async () => {
    await (await acquireLock(lock)).release();
    await writeFile(lock, JSON.stringify({ pid: deadPid(), at: Date.now() }));
    const held = await acquireLock(lock, { timeoutMs: 1_000 });
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(await exists(`${lock}.break`)).toBe(false);
    await held.release();
  });

  it('breaks a garbage lock older than a few seconds, and waits for a fresh one', async () => {
    await (await acquireLock(lock)).release();
    await writeFile(lock, 'not json');
    await expect(acquireLock(lock, { timeoutMs: 100 })).rejects.toThrow(`state is locked by an unknown process (${lock})`);
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const held = await acquireLock(lock, { timeoutMs: 1_000 });
    await held.release();
  });

  it('respects a fresh breaker file of another waiter, and removes one left over (older than 10 s)', async () => {
    await (await acquireLock(lock)).release();
    await writeFile(lock, JSON.stringify({ pid: deadPid() }));
    await writeFile(`${lock}.break`, 'another waiter');
    await expect(acquireLock(lock, { timeoutMs: 100 })).rejects.toThrow(DockerResourceError);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${lock}.break`, old, old);
    const held = await acquireLock(lock, { timeoutMs: 1_000 });
    expect(await exists(`${lock}.break`)).toBe(false);
    await held.release();
  });
});

describe('acquireLock on a path that cannot be a lock', () => {
  it.each([
    ['a directory', (path: string) => mkdir(path, { recursive: true }), 'it is a directory, not a lock file'],
    ['a dangling symbolic link', (path: string) => symlink(join(root, 'nowhere'), path), 'it is a symbolic link, not a lock file'],
    ['a symbolic link to a lock', async (path: string) => {
      await writeFile(join(root, 'elsewhere'), JSON.stringify({ pid: deadPid(), at: 0 }));
      await symlink(join(root, 'elsewhere'), path);
    }, 'it is a symbolic link, not a lock file'],
  ])('%s: waits (sleeping) until the deadline, then names the path and the cause', async (_what, make, cause) => {
    await (await acquireLock(lock)).release();
    await make(lock);
    const before = process.cpuUsage();
    const error = await acquireLock(lock, { timeoutMs: 300, pollMs: 20 }).catch((e: unknown) => e);
    const cpu = process.cpuUsage(before);
    expect(error).toBeInstanceOf(DockerResourceError);
    expect((error as Error).message).toBe(`cannot lock ${lock}: ${cause}; gave up after 0.3 s`);
    recordCpu(cpu.user + cpu.system);
    expect(await lstat(lock).then(() => true, () => false)).toBe(true); // never removed: it is not ours
  });
});

describe('a lock whose pid now belongs to another process', () => {
  const startOf = async (pid: number): Promise<string> => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
  };
  const bootId = async (): Promise<string> => (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();

  it('records the start time and the boot id beside the pid', async () => {
    const held = await acquireLock(lock);
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid, start: await startOf(process.pid), boot: await bootId() });
    await held.release();
  });

  it.each([
    ['another start time (the pid was reused)', async () => ({ start: '1', boot: await bootId() })],
    ['another boot', async () => ({ start: await startOf(process.ppid), boot: '00000000-0000-0000-0000-000000000000' })],
  ])('is stale when the live pid has %s, and is broken at once', async (_what, identity) => {
    await (await acquireLock(lock)).release();
    await writeFile(lock, JSON.stringify({ pid: process.ppid, at: Date.now(), ...(await identity()) }));
    const held = await acquireLock(lock, { timeoutMs: 1_000 });
    expect(held.recovered).toBe(true);
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid });
    await held.release();
  });

  it('is held while the pid, its start time and the boot all match', async () => {
    await (await acquireLock(lock)).release();
    await writeFile(lock, JSON.stringify({ pid: process.ppid, at: Date.now(), start: await startOf(process.ppid), boot: await bootId() }));
    await expect(acquireLock(lock, { timeoutMs: 100 })).rejects.toThrow(`state is locked by process ${process.ppid}`);
  });
});

describe('withLock', () => {
  it('serializes concurrent tasks in one process: no increment is lost', async () => {
    const counter = join(root, 'counter');
    await Promise.all(Array.from({ length: 20 }, () => increment(counter)));
    expect(await readFile(counter, 'utf8')).toBe('20');
    expect(await exists(lock)).toBe(false);
  });

  it('lets many waiters break one stale lock once, without losing an increment', async () => {
    await (await acquireLock(lock)).release();
    await writeFile(lock, JSON.stringify({ pid: deadPid(), at: 0 }));
    const counter = join(root, 'counter');
    await Promise.all(Array.from({ length: 20 }, () => increment(counter)));
    expect(await readFile(counter, 'utf8')).toBe('20');
  });

  it('releases the lock when the task throws', async () => {
    await expect(withLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await exists(lock)).toBe(false);
  });
});

describe('across processes', () => {
  let bundle: string;
  beforeEach(async () => {
    bundle = await bundleFixture('state-writer', root);
  });

  const run = (...args: string[]) => spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exit = (child: ReturnType<typeof run>): Promise<number | null> => new Promise((resolve) => child.on('exit', resolve));

  it('serializes 6 processes that break a stale lock and then contend for it', async () => {
    await (await acquireLock(lock)).release();
    await writeFile(lock, JSON.stringify({ pid: deadPid(), at: 0 }));
    const counter = join(root, 'counter');
    const codes = await Promise.all(Array.from({ length: 6 }, () => exit(run('lock-count', lock, counter, '15'))));
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await readFile(counter, 'utf8')).toBe('90');
    expect(await exists(lock)).toBe(false);
  });

  it('takes over the lock of a holder killed with SIGKILL', async () => {
    const holder = run('lock-hold', lock);
    const exited = exit(holder);
    await new Promise<void>((resolve) => holder.stdout.on('data', (c: Buffer) => (c.toString().includes('locked') ? resolve() : undefined)));
    await expect(acquireLock(lock, { timeoutMs: 100 })).rejects.toThrow(`locked by process ${holder.pid}`);
    holder.kill('SIGKILL');
    await exited;
    const held = await acquireLock(lock, { timeoutMs: 1_000 });
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid });
    await held.release();
  });
});
