import { uniqueId } from './unique-id.js';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DockerResourceError } from './errors/index.js';

/** How long {@link acquireLock} waits for a lock and how often it looks again. */
export interface LockOptions {
  /** Give up after this many milliseconds (default 120 000). */
  timeoutMs?: number;
  /** Longest pause between two attempts in ms; each pause is jittered between a fifth of it and all of it (default 25). */
  pollMs?: number;
}

/** A lock this process holds. */
export interface Lock {
  /** Whether a dead holder's lock was found and broken on the way: the previous holder was killed mid-way. */
  readonly recovered: boolean;
  /** Removes the lock file if it still holds our content; never throws, and a second call does nothing. */
  release(): Promise<void>;
}

/** A lock file whose content names no pid is stale once its mtime is this old (a holder died before writing it). */
const GARBAGE_STALE_MS = 5_000;
/** A breaker file this old was left by a process that died while breaking a stale lock. */
const BREAKER_STALE_MS = 10_000;

interface Seen {
  content: string;
  ino: number;
  mtimeMs: number;
  pid: number | undefined;
  stale: boolean;
}

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;
const fail = (path: string, e: unknown): DockerResourceError =>
  new DockerResourceError(`cannot lock ${path}: ${code(e) ?? String(e)}`, { cause: e });
const stamp = (): string => JSON.stringify({ pid: process.pid, at: Date.now(), id: uniqueId() });

/**
 * Takes the inter-process lock at `lockPath`, waiting while a live process holds it.
 *
 * The lock file is created exclusively (mode 0600) and holds `{"pid","at","id"}`. A lock whose pid is dead,
 * or whose content is unreadable and older than 5 s, is stale and broken under a `.break` guard file, so
 * several waiters never break it twice. Not re-entrant: a second acquire in the same process waits like any
 * other. A holder killed by SIGKILL leaves its lock behind until a waiter finds its pid dead (a reused pid
 * makes waiters time out; the error names the pid).
 */
export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<Lock> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const pollMs = options.pollMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let recovered = false;
  for (;;) {
    const content = stamp();
    if (await tryCreate(lockPath, content)) return held(lockPath, content, recovered);
    const seen = await inspect(lockPath);
    if (seen === undefined) continue; // released between our attempt and our look: try again at once
    if (seen.stale) {
      const outcome = await breakStale(lockPath, seen);
      if (outcome === 'broken') recovered = true;
      if (outcome !== false) continue;
    }
    if (Date.now() >= deadline) {
      const who = seen.pid === undefined ? 'an unknown process' : `process ${seen.pid}`;
      throw new DockerResourceError(`state is locked by ${who} (${lockPath}); gave up after ${timeoutMs / 1000} s`);
    }
    await sleep(pollMs * (0.2 + 0.8 * Math.random()));
  }
}

/** Runs `fn` while holding the lock at `lockPath` (see {@link acquireLock}) and releases it however `fn` ends. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, options?: LockOptions): Promise<T> {
  const lock = await acquireLock(lockPath, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

async function tryCreate(path: string, content: string, mkdirDone = false): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'wx', 0o600);
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    if (code(e) !== 'ENOENT' || mkdirDone) throw fail(path, e);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch((m: unknown) => { throw fail(path, m); });
    return tryCreate(path, content, true);
  }
  try {
    await fh.writeFile(content);
  } catch (e) {
    await unlink(path).catch(() => undefined);
    throw fail(path, e);
  } finally {
    await fh.close();
  }
  return true;
}

function held(path: string, content: string, recovered: boolean): Lock {
  let released = false;
  return {
    recovered,
    async release() {
      if (released) return;
      released = true;
      try {
        if ((await readFile(path, 'utf8')) === content) await unlink(path);
      } catch {
        // Gone already, or unreadable: a lock left behind goes stale once this process exits.
      }
    },
  };
}

/** Reads the lock through one handle, so content, inode and mtime belong to the same file. */
async function inspect(path: string): Promise<Seen | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if (code(e) === 'ENOENT') return undefined;
    throw fail(path, e);
  }
  try {
    const st = await fh.stat();
    const content = await fh.readFile('utf8');
    const pid = holderPid(content);
    const stale = pid === undefined ? Date.now() - st.mtimeMs > GARBAGE_STALE_MS : !isAlive(pid);
    return { content, ino: st.ino, mtimeMs: st.mtimeMs, pid, stale };
  } finally {
    await fh.close();
  }
}

function holderPid(content: string): number | undefined {
  try {
    const pid = (JSON.parse(content) as { pid?: unknown } | null)?.pid;
    return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return code(e) !== 'ESRCH'; // EPERM: alive, owned by someone else
  }
}

/**
 * Removes the stale lock `seen` if it is still that very file: `broken` when this call removed it, `again` when
 * it changed or went meanwhile (try again at once), false when another waiter is breaking it (wait).
 */
async function breakStale(lockPath: string, seen: Seen): Promise<'broken' | 'again' | false> {
  const breakPath = `${lockPath}.break`;
  const token = stamp();
  let fh;
  try {
    fh = await open(breakPath, 'wx', 0o600);
  } catch (e) {
    if (code(e) !== 'EEXIST') throw fail(breakPath, e);
    await stat(breakPath)
      .then((st) => (Date.now() - st.mtimeMs > BREAKER_STALE_MS ? unlink(breakPath) : undefined))
      .catch(() => undefined); // gone meanwhile: nothing to clean
    return false;
  }
  try {
    await fh.writeFile(token);
    await fh.close();
    const now = await inspect(lockPath);
    const same = now?.stale === true && now.content === seen.content && now.ino === seen.ino && now.mtimeMs === seen.mtimeMs;
    if (!same) return 'again'; // released, or broken and taken by someone else meanwhile: look again at once
    return await unlink(lockPath).then(
      () => 'broken' as const,
      (e: unknown) => (code(e) === 'ENOENT' ? ('again' as const) : false),
    );
  } finally {
    await fh.close().catch(() => undefined);
    if ((await readFile(breakPath, 'utf8').catch(() => '')) === token) await unlink(breakPath).catch(() => undefined);
  }
}
