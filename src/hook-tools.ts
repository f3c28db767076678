import { HookToolError } from './errors/hook-tool-error.js';
import { hookToolError, parseStatus, usageError, type Invocation } from './hook-tool-failure.js';
import { STATUS_STATES, type StatusState } from './status.js';
import { cap, escapeControl } from './text.js';

/** A workload state that `status-set` accepts (https://documentation.ubuntu.com/juju/3.6/reference/hook-command/list-of-hook-commands/status-set/). */
export type { StatusState };

/** A level that `juju-log -l` accepts (https://documentation.ubuntu.com/juju/3.6/reference/hook-command/list-of-hook-commands/juju-log/). */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** Per-call limits: a time limit in milliseconds (0 or Infinity: none) and a signal that aborts the call. */
export type CallOptions = { timeoutMs?: number; signal?: AbortSignal };

/** The unit's workload status as `status-get` reports it (https://documentation.ubuntu.com/juju/3.6/reference/hook-command/list-of-hook-commands/status-get/). */
export type UnitStatus = { status: string; message: string };

/** The Juju hook tools this library uses; each call spawns one tool and throws a {@link HookToolError} when it fails. */
export interface HookTools {
  /** Runs `resource-get NAME` and returns the path of the unit's copy of the resource (https://documentation.ubuntu.com/juju/3.6/reference/hook-command/list-of-hook-commands/resource-get/). */
  resourceGet(name: string, options?: CallOptions): Promise<string>;
  /** Runs `status-set STATE -- MESSAGE`, control characters in the message escaped (https://documentation.ubuntu.com/juju/3.6/reference/hook-command/list-of-hook-commands/status-set/). */
  statusSet(state: StatusState, message: string, options?: CallOptions): Promise<void>;
  /** Runs `status-get --include-data --format=json` and returns the unit's status (https://documentation.ubuntu.com/juju/3.6/reference/hook-command/list-of-hook-commands/status-get/). */
  statusGet(options?: CallOptions): Promise<UnitStatus>;
  /** Runs `juju-log -l LEVEL -- MESSAGE`, control characters in the message escaped (https://documentation.ubuntu.com/juju/3.6/reference/hook-command/list-of-hook-commands/juju-log/). */
  jujuLog(message: string, level?: LogLevel, options?: CallOptions): Promise<void>;
}

/**
 * Runs one program and resolves with its output and exit code, whatever the code.
 *
 * Rejects only when it could not run the program to the end: with an error whose `code` is
 * `'ENOENT'` when the program is not found, with `timedOut: true` when it exceeded `timeoutMs`,
 * or with any error once `signal` is aborted. `env`, when given, is the program's whole environment.
 */
export type Runner = (
  file: string,
  args: readonly string[],
  options: { timeoutMs?: number; signal?: AbortSignal; env?: Record<string, string | undefined> },
) => Promise<{ stdout: string; stderr: string; exitCode: number }>;

/** Options of {@link createHookTools}. */
export type HookToolsOptions = {
  /** Runs the tools; defaults to {@link defaultRunner} (execa). */
  run?: Runner;
  /** The tools' whole environment (`PATH` included); defaults to this process's environment. */
  env?: Record<string, string | undefined>;
  /** Time limit of every call unless the call sets its own; defaults to none for `resource-get` (it may block long), 30 s for the others. */
  timeoutMs?: number;
};

const LOG_LEVELS: readonly string[] = ['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR'] satisfies LogLevel[];
const DEFAULT_TIMEOUT_MS = 30_000;

/** The most of a tool's stdout, and of its stderr, that is kept (in characters); the rest is read and dropped. */
export const MAX_TOOL_OUTPUT = 64 * 1024;
/** The longest free-text argument (a status message, a log line) passed to a tool, well below the kernel's E2BIG. */
const MAX_TOOL_ARGUMENT = 16 * 1024;

/** Process groups of tools still running: killed when this process exits, so none outlives the hook. */
const liveGroups = new Set<number>();
let killOnExit = false;
const killGroup = (pid: number): void => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
};

/** Collects what a stream prints, keeping at most {@link MAX_TOOL_OUTPUT} characters and saying where it was cut. */
function capture(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  let dropped = 0;
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const room = Math.max(0, MAX_TOOL_OUTPUT - text.length);
    if (chunk.length <= room) text += chunk;
    else {
      text += chunk.slice(0, room);
      dropped += chunk.length - room;
    }
  });
  return () => (dropped === 0 ? text : `${text}… (${dropped} more characters cut)`);
}

/**
 * Runs a program with execa, imported on first use so that hooks which never spawn don't pay for loading it.
 * The program leads a process group of its own: once it exits, times out or is aborted, the whole group is
 * killed, so a child it left behind (a shell script's `sleep`) can neither hold its output open nor keep the
 * hook alive. Output is read through bounded listeners (`buffer: false`), never buffered whole.
 */
export const defaultRunner: Runner = async (file, args, { timeoutMs, signal, env }) => {
  const { execa } = await import('execa');
  const subprocess = execa(file, args, {
    reject: false,
    stdin: 'ignore',
    buffer: false,
    detached: true,
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    ...(signal === undefined ? {} : { cancelSignal: signal }),
    ...(env === undefined ? {} : { env, extendEnv: false }),
  });
  const stdout = capture(subprocess.stdout);
  const stderr = capture(subprocess.stderr);
  const { pid } = subprocess;
  if (pid !== undefined) {
    if (!killOnExit) process.once('exit', () => liveGroups.forEach(killGroup));
    killOnExit = true;
    liveGroups.add(pid);
    subprocess.once('exit', () => (liveGroups.delete(pid), killGroup(pid)));
  }
  const result = await subprocess;
  // Without an exit code the program did not run to the end (not found, timed out, aborted, killed):
  // `result` is then the ExecaError, which carries `code`, `timedOut` and `isCanceled`.
  if (result.exitCode === undefined) throw Object.assign(result, { stderr: stderr() });
  return { stdout: stdout(), stderr: stderr(), exitCode: result.exitCode };
};

/** A positive, finite time limit, or undefined for none. */
function limit(timeoutMs: number | undefined): number | undefined {
  return timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs) ? timeoutMs : undefined;
}

/** Creates the hook tools; pass `run` to replace spawning (tests), `env` to set the tools' environment. */
export function createHookTools(options: HookToolsOptions = {}): HookTools {
  const run = options.run ?? defaultRunner;
  const { env } = options;

  /** Runs one tool and returns its stdout; the chokepoint every call goes through. */
  async function invoke(
    spec: { tool: string; args: readonly string[]; argv?: readonly string[]; label: string; defaultTimeoutMs: number | undefined },
    callOptions: CallOptions = {},
  ): Promise<string> {
    const call: Invocation = {
      tool: spec.tool,
      args: spec.args,
      argv: spec.argv ?? [spec.tool, ...spec.args],
      label: spec.label,
      timeoutMs: limit(callOptions.timeoutMs ?? options.timeoutMs ?? spec.defaultTimeoutMs),
      signal: callOptions.signal,
    };
    if (call.signal?.aborted === true) throw hookToolError(call, { thrown: call.signal.reason });
    let result: Awaited<ReturnType<Runner>>;
    try {
      result = await run(call.tool, call.args, {
        ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
        ...(call.signal === undefined ? {} : { signal: call.signal }),
        ...(env === undefined ? {} : { env }),
      });
    } catch (thrown) {
      throw hookToolError(call, { thrown });
    }
    if (result.exitCode !== 0) throw hookToolError(call, result);
    return result.stdout;
  }

  return {
    async resourceGet(name, callOptions) {
      if (typeof name !== 'string' || name === '' || name.startsWith('-')) {
        const problem = `invalid resource name ${JSON.stringify(name)}: it must be non-empty and not start with "-"`;
        throw usageError('resource-get', ['resource-get', String(name)], problem);
      }
      const args = [name];
      const label = `resource-get ${escapeControl(name)}`;
      const path = (await invoke({ tool: 'resource-get', args, label, defaultTimeoutMs: undefined }, callOptions)).trim();
      if (path === '') {
        const argv = ['resource-get', ...args];
        throw new HookToolError(`${label} printed no path`, { tool: 'resource-get', argv, failure: 'failed', exitCode: 0 });
      }
      return path;
    },

    async statusSet(state, message, callOptions) {
      const args = [state, '--', cap(escapeControl(message), MAX_TOOL_ARGUMENT)];
      if (!STATUS_STATES.includes(state)) {
        const problem = `invalid state ${JSON.stringify(state)}, expected one of ${STATUS_STATES.join(', ')}`;
        throw usageError('status-set', ['status-set', ...args], problem);
      }
      await invoke({ tool: 'status-set', args, label: `status-set ${state}`, defaultTimeoutMs: DEFAULT_TIMEOUT_MS }, callOptions);
    },

    async statusGet(callOptions) {
      const args = ['--include-data', '--format=json'];
      const stdout = await invoke({ tool: 'status-get', args, label: 'status-get', defaultTimeoutMs: DEFAULT_TIMEOUT_MS }, callOptions);
      return parseStatus(stdout, args);
    },

    async jujuLog(message, level = 'INFO', callOptions) {
      const args = ['-l', level, '--', cap(escapeControl(message), MAX_TOOL_ARGUMENT)];
      const argv = ['juju-log', '-l', level, '--', '<message>'];
      if (!LOG_LEVELS.includes(level)) {
        const problem = `invalid log level ${JSON.stringify(level)}, expected one of ${LOG_LEVELS.join(', ')}`;
        throw usageError('juju-log', argv, problem);
      }
      const label = `juju-log -l ${level}`;
      await invoke({ tool: 'juju-log', args, argv, label, defaultTimeoutMs: DEFAULT_TIMEOUT_MS }, callOptions);
    },
  };
}
