/**
 * The idle hook's short way. The bin (scripts/cli-loader.js) asks {@link isIdleHook} before it loads the
 * CLI when the command is `hook`; when the answer is yes, the hook is over: nothing to fetch, retry or
 * verify, no status to set, nothing to write, which is what the whole layer would have found, with none of
 * it loaded. The answer comes from a few `stat` calls and the idle summary the last writing hook left
 * (src/idle-summary.ts), through Node's synchronous `fs`, which the bin has loaded already.
 *
 * Yes only when every one of these holds, else no and the CLI runs the hook in full (and says what is wrong,
 * if anything is): the command is `hook` with no option but `--quiet`, `--fail-on-error`, `--no-status`,
 * `--verify`; `status-set` is on PATH (in a hook); the hook is not upgrade-charm (which refetches); the
 * state directory is the layer's own as the layer would leave it (a directory, this user's, 0700); no lock
 * file nor a lock being broken (no other hook holds the state, none was killed holding it); the summary was written by this
 * version, for this state file (its identity) and these charm files (their key), and names these flags.
 * It takes no lock: the state file is only ever replaced whole, so what it reads is one state, complete.
 */
import { accessSync, closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHARM_FILES, charmFilesKey } from './charm-files.js';
import { charmDirFromEnv, hookNameFromEnv, statusSetCandidates } from './hook-env.js';
import { fileIdentity, flagKey, MAX_IDLE_SUMMARY_BYTES, parseIdleSummary, type IdleFlag, type IdleSummary } from './idle-summary.js';
import { lockBreakPath, statePaths } from './state-paths.js';
import { VERSION } from './version.js';

/** The options of `hook` that the short way takes, with the flag each is for the summary (null: changes nothing). */
const OPTIONS: ReadonlyMap<string, IdleFlag | null> = new Map([
  ['--quiet', null],
  ['-q', null],
  ['--fail-on-error', null],
  ['--no-status', 'no-status'],
  ['--verify', 'verify'],
]);

/**
 * Whether `docker-resource ARGS` in this hook has nothing to do, known without loading the layer.
 * Never throws: any doubt is a no.
 */
export function isIdleHook(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): boolean {
  try {
    return idle(args, env, cwd);
  } catch {
    return false;
  }
}

function idle(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): boolean {
  const flags = hookFlags(args);
  if (flags === undefined || !inHook(env) || hookNameFromEnv(env) === 'upgrade-charm') return false;
  const charmDir = charmDirFromEnv(env, cwd);
  const paths = statePaths(charmDir);
  const dir = lstatSync(paths.dir, { throwIfNoEntry: false });
  const uid = process.getuid?.();
  if (!dir?.isDirectory() || (uid !== undefined && dir.uid !== uid) || (dir.mode & 0o7777) !== 0o700) return false;
  if ([paths.lock, lockBreakPath(paths.lock)].some((p) => lstatSync(p, { throwIfNoEntry: false }) !== undefined)) return false;
  const summary = readSummary(paths.idle);
  if (summary?.version !== VERSION || !summary.idle.includes(flagKey(flags))) return false;
  const state = statSync(paths.file, { bigint: true, throwIfNoEntry: false });
  if (!state?.isFile() || fileIdentity(state) !== summary.state) return false;
  return charmKey(charmDir) === summary.charm;
}

/** The summary's flags of `hook [options]`, or `undefined` for another command or another option. */
function hookFlags(args: readonly string[]): IdleFlag[] | undefined {
  const [command, ...options] = args;
  if (command !== 'hook' || new Set(options).size !== options.length) return undefined;
  const flags: IdleFlag[] = [];
  for (const option of options) {
    if (!OPTIONS.has(option)) return undefined;
    const flag = OPTIONS.get(option);
    if (flag) flags.push(flag);
  }
  return flags;
}

/** Whether `status-set` is an executable on PATH, as src/in-hook.ts asks. */
function inHook(env: NodeJS.ProcessEnv): boolean {
  return statusSetCandidates(env).some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The summary at `path` if it is a regular file of at most its bound that parses as one. A missing one, or a
 * link (O_NOFOLLOW), throws, which {@link isIdleHook} reads as no; a FIFO opens without blocking and is not a file.
 */
function readSummary(path: string): IdleSummary | undefined {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buffer = Buffer.alloc(MAX_IDLE_SUMMARY_BYTES + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    return length > MAX_IDLE_SUMMARY_BYTES ? undefined : parseIdleSummary(buffer.toString('utf8', 0, length));
  } finally {
    closeSync(fd);
  }
}

/** The charm files' key, as src/charm.ts computes it. */
function charmKey(dir: string): string {
  return charmFilesKey(
    CHARM_FILES.map((f) => {
      try {
        return statSync(join(dir, f));
      } catch {
        return undefined;
      }
    }),
  );
}
