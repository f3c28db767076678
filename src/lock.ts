import { uniqueId } from './unique-id.js';
import { constants, lstat, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DockerResourceError } from './errors/index.js';
import { errorCode as code, fsCause } from './fs-cause.js';
import { holderAlive, parseHolder, selfHolder } from './lock-holder.js';
import { makeDir } from './state-dir.js';
import { lockBreakPath } from './state-paths.js';

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
/** A lock file holds a few dozen bytes; no more than this is read of whatever is there. */
const MAX_LOCK_BYTES = 4096;

/** A lock file as read: its content, identity, holder and whether it is stale; or why it cannot be a lock. */
type Seen =
  | { content: string; ino: number; mtimeMs: number; pid: number | undefined; stale: boolean }
  | { unusable: string };

const fail = (path: string, e: unknown): DockerResourceError =>
  new DockerResourceError(`cannot lock ${path}: ${fsCause(e)}`, { cause: e });
const stamp = async (): Promise<string> => JSON.stringify({ ...(await selfHolder()), at: Date.now(), id: uniqueId() });

/**
 * Takes the inter-process lock at `lockPath`, waiting while a live process holds it.
 *
 * The lock file is created exclusively (mode 0600) and holds `{"pid","start","boot","at","id"}`. A lock whose
 * holder is gone (its pid dead, or reused by another process: another start time or boot), or whose content is
 * unreadable and older than 5 s, is stale and broken under a `.break` guard file, so several waiters never break
 * it twice. A path that cannot be a lock (a directory, a symbolic link, unreadable) is waited on like a held lock,
 * then named with its cause. Every wait sleeps, and none outlasts `timeoutMs`. Not re-entrant.
 */
export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<Lock> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const pollMs = options.pollMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let recovered = false;
  for (;;) {
    const content = await stamp();
    if (await tryCreate(lockPath, content)) return held(lockPath, content, recovered);
    const seen = await inspect(lockPath);
    let pause = pollMs; // a held, unusable or contested lock: wait a poll
    if (seen === undefined) pause = 1; // released between our attempt and our look: try again soon
    else if (!('unusable' in seen) && seen.stale) {
      const outcome = await breakStale(lockPath, seen);
      if (outcome === 'broken') recovered = true;
      if (outcome !== false) pause = 1;
    }
    if (Date.now() >= deadline) throw timedOut(lockPath, seen, timeoutMs);
    await sleep(Math.min(pause * (0.2 + 0.8 * Math.random()), Math.max(0, deadline - Date.now())));
  }
}

function timedOut(lockPath: string, seen: Seen | undefined, timeoutMs: number): DockerResourceError {
  const after = `gave up after ${timeoutMs / 1000} s`;
  if (seen === undefined) return new DockerResourceError(`cannot lock ${lockPath}: it kept appearing and vanishing; ${after}`);
  if ('unusable' in seen) return new DockerResourceError(`cannot lock ${lockPath}: ${seen.unusable}; ${after}`);
  const who = seen.pid === undefined ? 'an unknown process' : `process ${seen.pid}`;
  return new DockerResourceError(`state is locked by ${who} (${lockPath}); ${after}`);
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
    await makeDir(dirname(path)).catch((m: unknown) => {
      throw fail(path, m);
    });
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

/** Reads the lock through one handle (never following a symbolic link), so content, inode and mtime belong together. */
async function inspect(path: string): Promise<Seen | undefined> {
  let fh;
  try {
    const st = await lstat(path);
    if (st.isSymbolicLink()) return { unusable: 'it is a symbolic link, not a lock file' };
    if (st.isDirectory()) return { unusable: 'it is a directory, not a lock file' };
    if (!st.isFile()) return { unusable: 'it is not a regular file' };
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    return code(e) === 'ENOENT' ? undefined : { unusable: fsCause(e) };
  }
  try {
    const st = await fh.stat();
    const buffer = Buffer.alloc(MAX_LOCK_BYTES);
    const { bytesRead } = await fh.read(buffer, 0, MAX_LOCK_BYTES, 0);
    const content = buffer.toString('utf8', 0, bytesRead);
    const holder = parseHolder(content);
    const stale = holder === undefined ? Date.now() - st.mtimeMs > GARBAGE_STALE_MS : !(await holderAlive(holder));
    return { content, ino: st.ino, mtimeMs: st.mtimeMs, pid: holder?.pid, stale };
  } catch (e) {
    return { unusable: fsCause(e) };
  } finally {
    await fh.close();
  }
}

/**
 * Removes the stale lock `seen` if it is still that very file: `broken` when this call removed it, `again` when
 * it changed or went meanwhile (try again at once), false when another waiter is breaking it (wait).
 */
async function breakStale(lockPath: string, seen: Extract<Seen, { content: string }>): Promise<'broken' | 'again' | false> {
  const breakPath = lockBreakPath(lockPath);
  const token = await stamp();
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
    const same =
      now !== undefined && !('unusable' in now) && now.stale && now.content === seen.content && now.ino === seen.ino && now.mtimeMs === seen.mtimeMs;
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
