import { uniqueId } from './unique-id.js';
import { chmod, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DockerResourceError } from './errors/index.js';

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

/** Options of {@link writeStateFile}. */
export interface WriteStateOptions {
  /** Called after each step; tests throw here to stop a write midway as a crash would. */
  onStep?: (step: WriteStep) => void | Promise<void>;
}

/** The files of a charm's state: `<charmDir>/.docker-resource/state.json`, its `.bak` and its `.lock`. */
export function statePaths(charmDir: string): { dir: string; file: string; backup: string; lock: string } {
  const dir = join(charmDir, '.docker-resource');
  const file = join(dir, 'state.json');
  return { dir, file, backup: `${file}.bak`, lock: `${file}.lock` };
}

type Checked = { doc: StateDocument } | { reason: string } | { missing: true };

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;
const tempName = (dir: string, base: string, tag: string): string =>
  join(dir, `.${base}.${tag}${process.pid}.${uniqueId()}.tmp`);

/** Validates the text of a state file; the reason never quotes the text (it may hold credentials). */
function check(text: string): { doc: StateDocument } | { reason: string } {
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
  return { reason: version > STATE_VERSION ? `written by a newer version (${version})` : `unsupported version (${version})` };
}

async function load(path: string): Promise<Checked> {
  try {
    return check(await readFile(path, 'utf8'));
  } catch (e) {
    const c = code(e);
    if (c === 'ENOENT') return { missing: true };
    return { reason: c === 'EISDIR' ? 'it is a directory' : c === 'EACCES' ? 'permission denied' : `unreadable: ${c ?? 'unknown error'}` };
  }
}

/**
 * Reads the state at `path`, falling back to `path.bak` and then to nothing; never throws for a damaged file.
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
 * Throws a {@link DockerResourceError} (with the cause) when the file cannot be written.
 */
export async function writeStateFile(path: string, data: object, options: WriteStateOptions = {}): Promise<{ bytes: number }> {
  const version = (data as { version?: unknown }).version;
  if (version !== undefined && version !== STATE_VERSION) {
    throw new DockerResourceError(`cannot write state file ${path}: its version is not ${STATE_VERSION}`);
  }
  const text = JSON.stringify({ version: STATE_VERSION, ...data });
  const dir = dirname(path);
  const base = basename(path);
  const step = async (s: WriteStep): Promise<void> => options.onStep?.(s);
  try {
    if ((await mkdir(dir, { recursive: true, mode: 0o700 })) !== undefined) await chmod(dir, 0o700); // umask may strip bits
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
    if (code(e) === undefined) throw e;
    throw new DockerResourceError(`cannot write state file ${path}: ${code(e)}`, { cause: e });
  }
  return { bytes: Buffer.byteLength(text) };
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

/** Copies the current main file to `path.bak` if it is a good document; else keeps the old backup, tightened. */
async function keepBackup(path: string, temp: string, step: (s: WriteStep) => Promise<void>): Promise<void> {
  const backup = `${path}.bak`;
  const current = await readFile(path, 'utf8').catch(() => ''); // missing or unreadable: nothing good to keep
  if (!('doc' in check(current))) {
    await chmod(backup, 0o600).catch(() => undefined);
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
