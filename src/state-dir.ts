/**
 * The directory that holds the state (credentials inside): created owner-only with the real cause when it
 * cannot be, and checked before use. An existing one is tightened to 0700 when it is the layer's own, or
 * refused when it belongs to another user or others may write in it. chmod never follows a symbolic link.
 */
import { constants, mkdir, open, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { DockerResourceError } from './errors/index.js';
import { errorCode, fsCause } from './fs-cause.js';
import { STATE_DIR_NAME } from './state-paths.js';

/**
 * Creates `dir` and its missing parents (mode 0700), and says whether it did. Throws the real cause: Node's
 * recursive mkdir reports a read-only file system as ENOENT, so a failed one is retried level by level.
 */
export async function makeDir(dir: string): Promise<boolean> {
  try {
    return (await mkdir(dir, { recursive: true, mode: 0o700 })) !== undefined;
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  const missing: string[] = [];
  for (let d = dir; d !== dirname(d); d = dirname(d)) {
    if (await stat(d).then(() => true, () => false)) break;
    missing.unshift(d);
  }
  for (const d of missing) await mkdir(d, { mode: 0o700 }).catch((e: unknown) => (errorCode(e) === 'EEXIST' ? undefined : Promise.reject(e)));
  return missing.length > 0;
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/**
 * Makes `dir` ready to hold the state: creates it if missing, refuses it when another user owns it, and
 * when group or others have any access, tightens it to 0700 if it is the layer's own ({@link STATE_DIR_NAME}
 * or just created) or refuses it if they may write in it. Throws a {@link DockerResourceError} naming the
 * directory and the reason.
 */
export async function ensureStateDir(dir: string): Promise<void> {
  let created: boolean;
  try {
    created = await makeDir(dir);
  } catch (error) {
    const cause = errorCode(error) === 'EEXIST' ? `ENOTDIR (not a directory: ${dir})` : fsCause(error);
    throw new DockerResourceError(`cannot create state directory ${dir}: ${cause}`, { cause: error });
  }
  const ours = created || basename(dir) === STATE_DIR_NAME;
  let fh;
  try {
    fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    if (errorCode(error) !== 'ELOOP') throw new DockerResourceError(`cannot use state directory ${dir}: ${fsCause(error)}`, { cause: error });
    // A symbolic link to a directory: check where it leads, but change nothing through it.
    return check(dir, await stat(dir), false);
  }
  try {
    await check(dir, await fh.stat(), ours, (mode) => fh.chmod(mode));
  } finally {
    await fh.close();
  }
}

async function check(dir: string, st: { uid: number; mode: number }, ours: boolean, chmod?: (mode: number) => Promise<void>): Promise<void> {
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw new DockerResourceError(`state directory ${dir} is owned by uid ${st.uid}, not by this user (uid ${uid}): refusing to keep credentials there`);
  const mode = st.mode & 0o7777;
  if (ours && chmod && mode !== 0o700) return chmod(0o700);
  if ((mode & 0o022) !== 0 || (ours && (mode & 0o077) !== 0))
    throw new DockerResourceError(
      `state directory ${dir} is open to others (mode ${octal(mode)}): make it 0700${chmod ? '' : ' (it is a symbolic link, which is never changed through)'}, or choose another`,
    );
}
