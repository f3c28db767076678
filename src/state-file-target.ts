/**
 * What is at a state file's path, before the layer reads it or replaces it: a regular file (read, bounded),
 * nothing, something that cannot be a state (refused), or something unreadable (an error, never a fresh
 * start). A file that is not a state of this version is moved aside before a write, never clobbered.
 */
import { constants, link, lstat, open, rename, stat } from 'node:fs/promises';
import { DockerResourceError } from './errors/index.js';
import { errorCode, fsCause } from './fs-cause.js';
import { uniqueId } from './unique-id.js';

/** The largest state file read (a state of 1000 resources is about 1.5 MB). */
export const MAX_STATE_BYTES = 64 * 1024 * 1024;

/** What {@link readTarget} found: the text, nothing, or why the path cannot be used as a state (a damaged one). */
export type Target = { text: string } | { missing: true } | { damaged: string };

function kindOf(st: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return st.isSocket() ? 'a socket' : 'not a regular file';
}

const refuse = (path: string, what: string): DockerResourceError =>
  new DockerResourceError(`state file ${path} is ${what}, not a regular file: refusing to read or replace it`);

/**
 * Reads the state file at `path`. Throws a {@link DockerResourceError} when it is a device, a FIFO or a
 * socket (never opened: a FIFO would block) or cannot be read (permission denied, an I/O error): the state
 * is there but unusable, and starting afresh would lose it. A directory or a symbolic link loop is damage.
 */
export async function readTarget(path: string): Promise<Target> {
  let st;
  try {
    st = await stat(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { missing: true };
    if (code === 'ELOOP' || code === 'ENOTDIR') return { damaged: `unreadable: ${code}` };
    throw new DockerResourceError(`cannot read state file ${path}: ${fsCause(error)}`, { cause: error });
  }
  if (st.isDirectory()) return { damaged: 'it is a directory' };
  if (!st.isFile()) throw refuse(path, kindOf(st));
  if (st.size > MAX_STATE_BYTES) return { damaged: `larger than ${MAX_STATE_BYTES} bytes` };
  try {
    const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      return { text: await fh.readFile('utf8') };
    } finally {
      await fh.close();
    }
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { missing: true };
    if (code === 'ELOOP' || code === 'EISDIR') return { damaged: `unreadable: ${code}` };
    throw new DockerResourceError(`cannot read state file ${path}: ${fsCause(error)}`, { cause: error });
  }
}

/** Refuses to replace `path` when something other than a regular file or a symbolic link is there. */
export async function checkReplaceable(path: string): Promise<void> {
  const st = await lstat(path).catch((error: unknown) => (errorCode(error) === 'ENOENT' ? undefined : Promise.reject(error)));
  if (st && !st.isFile() && !st.isSymbolicLink() && !st.isDirectory()) throw refuse(path, kindOf(st));
}

/**
 * Keeps the file at `path` under a new name beside it (`state.json.<why>-<time>`), so that the next write
 * replaces nothing that could matter; returns that name. The file stays in place until then (a hard link),
 * falling back to a rename where the file system has no hard links.
 */
export async function moveAside(path: string, why: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const aside of [`${path}.${why}-${stamp}`, `${path}.${why}-${stamp}-${uniqueId()}`]) {
    try {
      await link(path, aside);
      return aside;
    } catch (error) {
      if (errorCode(error) === 'EEXIST') continue;
      await rename(path, aside);
      return aside;
    }
  }
  const last = `${path}.${why}-${stamp}-${uniqueId()}`;
  await rename(path, last);
  return last;
}

/** Sets a regular file's mode to `mode` without following a symbolic link; anything else is left alone. */
export async function tighten(path: string, mode: number): Promise<void> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (fh === undefined) return; // missing, or a symbolic link: never changed through
  try {
    if ((await fh.stat()).isFile()) await fh.chmod(mode);
  } finally {
    await fh.close();
  }
}
