import { uniqueId } from './unique-id.js';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DockerResourceError } from './errors/index.js';
import { errorCode, fsCause } from './fs-cause.js';
import { fileIdentity } from './idle-summary.js';
import { ensureStateDir } from './state-dir.js';
import { checkReplaceable, moveAside, readTarget, tighten } from './state-file-target.js';

/** The version of the state document that this code writes and accepts. */
export const STATE_VERSION = 1;

/** A state document: a JSON object stamped with {@link STATE_VERSION}. */
export type StateDocument = { version: typeof STATE_VERSION } & Record<string, unknown>;

/** Where {@link readStateFile} found the state: the main file, its last good backup, or nowhere. */
export type StateSource = 'main' | 'backup' | 'none';

/** What {@link readStateFile} returns; `warnings` name files and reasons, never their content. */
export interface ReadStateResult {
  data: StateDocument | null;
  source: StateSource;
  warnings: string[];
}

/** A point in {@link writeStateFile}'s protocol, reported to `onStep` once it is done. */
export type WriteStep = 'temp-created' | 'temp-synced' | 'backup-written' | 'backup-renamed' | 'renamed';

/** What {@link writeStateFile} wrote: the text, and the file's identity after the write (null if it could not be read back). */
export interface WrittenState {
  bytes: number;
  text: string;
  identity: string | null;
}

/** Options of {@link writeStateFile}. */
export interface WriteStateOptions {
  /** Called after each step; tests throw here to stop a write midway as a crash would. */
  onStep?: (step: WriteStep) => void | Promise<void>;
}

type Checked = { doc: StateDocument } | { reason: string; newer?: number } | { missing: true };

const tempName = (dir: string, base: string, tag: string): string =>
  join(dir, `.${base}.${tag}${process.pid}.${uniqueId()}.tmp`);

/** Validates the text of a state file; the reason never quotes the text (it may hold credentials). */
function check(text: string): { doc: StateDocument } | { reason: string; newer?: number } {
  if (text.trim() === '') return { reason: 'empty file' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: 'not valid JSON: truncated or corrupt' }; // V8's message quotes the text
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { reason: `not a JSON object but ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}` };
  }
  const version = (value as { version?: unknown }).version;
  if (version === STATE_VERSION) return { doc: value as StateDocument };
  if (version === undefined) return { reason: 'no version' };
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) return { reason: 'invalid version' };
  if (version > STATE_VERSION) return { reason: `written by a newer version (${version}); kept aside when the state is next saved`, newer: version };
  return { reason: `unsupported version (${version})` };
}

/** Reads and checks one state file; throws when it is there but cannot be read or cannot be a state at all. */
async function load(path: string): Promise<Checked> {
  const target = await readTarget(path);
  if ('text' in target) return check(target.text);
  return 'missing' in target ? target : { reason: target.damaged };
}

/**
 * Reads the state at `path`, falling back to `path.bak` and then to nothing. A damaged file is a warning;
 * a file that cannot be read (permission denied) or is no file (a device, a FIFO) is an error, thrown.
 *
 * A missing main file with no backup is a first hook: no warning. Every fallback adds one warning.
 */
export async function readStateFile(path: string): Promise<ReadStateResult> {
  const backup = `${path}.bak`;
  const main = await load(path);
  if ('doc' in main) return { data: main.doc, source: 'main', warnings: [] };
  const bak = await load(backup);
  if ('missing' in main && 'missing' in bak) return { data: null, source: 'none', warnings: [] };
  const what = 'reason' in main ? `state file ${path} is damaged (${main.reason})` : `state file ${path} is missing`;
  if ('doc' in bak) return { data: bak.doc, source: 'backup', warnings: [`${what}; using the last good copy ${backup}`] };
  if ('missing' in bak) return { data: null, source: 'none', warnings: [`${what} and has no backup; starting fresh`] };
  const warnings = [`${what}; falling back to ${backup}`, `backup state file ${backup} is damaged too (${bak.reason}); starting fresh`];
  return { data: null, source: 'none', warnings };
}

/**
 * Writes `data` stamped with `version: STATE_VERSION` to `path` atomically, owner-only (0600, directory 0700),
 * keeping the previous main file as `path.bak` when it was a good document.
 *
 * Protocol: write and fsync a temp file, copy the current main to the backup (temp + rename) if it is valid,
 * rename the temp over `path`, fsync the directory. A crash at any point leaves `path` old or new, complete.
 * Throws a {@link DockerResourceError} (with the cause) when the file cannot be written. The caller holds the
 * state lock, so the file it identifies afterwards is the one it wrote.
 */
export async function writeStateFile(path: string, data: object, options: WriteStateOptions = {}): Promise<WrittenState> {
  const version = (data as { version?: unknown }).version;
  if (version !== undefined && version !== STATE_VERSION) {
    throw new DockerResourceError(`cannot write state file ${path}: its version is not ${STATE_VERSION}`);
  }
  const text = JSON.stringify({ version: STATE_VERSION, ...data });
  const dir = dirname(path);
  const base = basename(path);
  const step = async (s: WriteStep): Promise<void> => options.onStep?.(s);
  await ensureStateDir(dir).catch((e: unknown) => {
    // created 0700, or checked: owned by this user, closed to others
    throw new DockerResourceError(`cannot write state file ${path}: ${(e as Error).message}`, { cause: e });
  });
  try {
    await checkReplaceable(path);
    await removeOldTemps(dir, base);
    const temp = tempName(dir, base, '');
    try {
      await writeOwnerOnly(temp, text, () => step('temp-created'));
      await step('temp-synced');
      await keepBackup(path, tempName(dir, base, 'bak.'), step);
      await rename(temp, path);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    await step('renamed');
    await syncDir(dir);
  } catch (e) {
    if (errorCode(e) === undefined) throw e;
    throw new DockerResourceError(`cannot write state file ${path}: ${fsCause(e)}`, { cause: e });
  }
  const identity = await stat(path, { bigint: true }).then(fileIdentity, () => null);
  return { bytes: Buffer.byteLength(text), text, identity };
}

async function writeOwnerOnly(file: string, text: string, afterCreate?: () => Promise<void>): Promise<void> {
  const fh = await open(file, 'wx', 0o600);
  try {
    await fh.chmod(0o600); // the umask may have stripped the owner's bits
    await afterCreate?.();
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Copies the current main file to `path.bak` if it is a good document; else keeps the old backup, tightened
 * (never through a symbolic link), and moves a main file that holds something else aside.
 */
async function keepBackup(path: string, temp: string, step: (s: WriteStep) => Promise<void>): Promise<void> {
  const backup = `${path}.bak`;
  const target = await readTarget(path); // never blocks on a FIFO, never reads a device
  const current = 'text' in target ? target.text : ''; // missing or damaged: nothing good to keep
  const checked = check(current);
  if (!('doc' in checked)) {
    if (current.trim() !== '') await moveAside(path, checked.newer === undefined ? 'unrecognised' : `newer-v${checked.newer}`);
    await tighten(backup, 0o600);
    return;
  }
  try {
    await writeOwnerOnly(temp, current); // the bytes just validated, not a second read that could differ
    await step('backup-written');
    await rename(temp, backup);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await step('backup-renamed');
}

/** Removes `.<base>.*.tmp` files older than a minute: leftovers of a writer that crashed. Best effort. */
async function removeOldTemps(dir: string, base: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const old = names.filter((n) => n.startsWith(`.${base}.`) && n.endsWith('.tmp'));
  await Promise.all(
    old.map(async (n) => {
      const file = join(dir, n);
      const st = await stat(file).catch(() => undefined);
      if (st !== undefined && Date.now() - st.mtimeMs > 60_000) await unlink(file).catch(() => undefined);
    }),
  );
}

/** Makes the renames durable; some filesystems refuse to fsync a directory, so this is best effort. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  if (fh === undefined) return;
  await fh.sync().catch(() => undefined);
  await fh.close();
}
