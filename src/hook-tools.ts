import { HookToolError } from './errors/hook-tool-error.js';
import { STATUS_STATES, type StatusState } from './status.js';

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
  /** Runs `status-set STATE -- MESSAGE` (https://documentation.ubuntu.com/juju/3.6/reference/hook-command/list-of-hook-commands/status-set/). */
  statusSet(state: StatusState, message: string, options?: CallOptions): Promise<void>;
  /** Runs `status-get --include-data --format=json` and returns the unit's status (https://documentation.ubuntu.com/juju/3.6/reference/hook-command/list-of-hook-commands/status-get/). */
  statusGet(options?: CallOptions): Promise<UnitStatus>;
  /** Runs `juju-log -l LEVEL -- MESSAGE` (https://documentation.ubuntu.com/juju/3.6/reference/hook-command/list-of-hook-commands/juju-log/). */
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

/** Runs a program with execa, imported on first use so that hooks which never spawn don't pay for loading it. */
export const defaultRunner: Runner = async (file, args, { timeoutMs, signal, env }) => {
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    ...(signal === undefined ? {} : { cancelSignal: signal }),
    ...(env === undefined ? {} : { env, extendEnv: false }),
  });
  // Without an exit code the program did not run to the end (not found, timed out, aborted, killed):
  // `result` is then the ExecaError, which carries `code`, `timedOut` and `isCanceled`.
  if (result.exitCode === undefined) throw result;
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
};

/** One hook tool invocation: what runs, and what an error may show of it. */
type Invocation = {
  tool: string;
  args: readonly string[];
  /** `[tool, ...args]` with any secret-prone text replaced. */
  argv: readonly string[];
  /** The tool and its safe arguments, e.g. `resource-get my-image`: starts every error message. */
  label: string;
  timeoutMs: number | undefined;
  signal: AbortSignal | undefined;
};

/** Maps every way a hook tool call can fail to one {@link HookToolError}. */
function hookToolError(call: Invocation, outcome: { exitCode: number; stderr: string } | { thrown: unknown }): HookToolError {
  const { tool, argv, label } = call;
  if (!('thrown' in outcome)) {
    const firstLine = outcome.stderr.trim().split('\n', 1)[0] ?? '';
    return new HookToolError(`${label} failed (exit ${outcome.exitCode})${firstLine === '' ? '' : `: ${firstLine}`}`, {
      tool,
      argv,
      failure: outcome.exitCode === 2 ? 'usage' : 'failed',
      exitCode: outcome.exitCode,
      stderr: outcome.stderr,
    });
  }
  const cause = outcome.thrown;
  const details = cause !== null && typeof cause === 'object' ? (cause as Record<string, unknown>) : {};
  const stderr = typeof details['stderr'] === 'string' ? details['stderr'] : '';
  if (details['code'] === 'ENOENT') {
    return new HookToolError(
      `${tool}: not found on PATH — not running inside a Juju hook (hook tools are only on PATH while a hook runs)`,
      { tool, argv, failure: 'not-in-hook', cause },
    );
  }
  if (details['timedOut'] === true) {
    return new HookToolError(`${label} timed out after ${call.timeoutMs} ms`, { tool, argv, failure: 'timeout', stderr, cause });
  }
  if (call.signal?.aborted === true || details['isCanceled'] === true) {
    return new HookToolError(`${label} was aborted`, { tool, argv, failure: 'aborted', stderr, cause });
  }
  const reason = cause instanceof Error ? (cause.message.split('\n', 1)[0] ?? '') : String(cause);
  return new HookToolError(`${label} failed: ${reason}`, { tool, argv, failure: 'failed', stderr, cause });
}

/** A call rejected before spawning because an argument is invalid. */
function usageError(tool: string, argv: readonly string[], problem: string): HookToolError {
  return new HookToolError(`${tool}: ${problem}`, { tool, argv, failure: 'usage' });
}

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
      const label = `resource-get ${name}`;
      const path = (await invoke({ tool: 'resource-get', args, label, defaultTimeoutMs: undefined }, callOptions)).trim();
      if (path === '') {
        const argv = ['resource-get', ...args];
        throw new HookToolError(`${label} printed no path`, { tool: 'resource-get', argv, failure: 'failed', exitCode: 0 });
      }
      return path;
    },

    async statusSet(state, message, callOptions) {
      const args = [state, '--', message];
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
      const args = ['-l', level, '--', message];
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

/** Parses `status-get --include-data --format=json` output: `{"status","message","status-data"}`, or a bare status string. */
function parseStatus(stdout: string, args: readonly string[]): UnitStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (cause) {
    throw new HookToolError('status-get printed invalid JSON', {
      tool: 'status-get',
      argv: ['status-get', ...args],
      failure: 'failed',
      exitCode: 0,
      cause,
    });
  }
  if (typeof parsed === 'string') return { status: parsed, message: '' };
  const fields = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  return {
    status: typeof fields['status'] === 'string' ? fields['status'] : 'unknown',
    message: typeof fields['message'] === 'string' ? fields['message'] : '',
  };
}
