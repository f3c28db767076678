/** How a hook tool call failed, as one {@link HookToolError}; and `status-get`'s output, parsed. Pure. */
import { HookToolError } from './errors/hook-tool-error.js';
import type { UnitStatus } from './hook-tools.js';
import { firstLine } from './text.js';

/** One hook tool invocation: what runs, and what an error may show of it. */
export type Invocation = {
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
export function hookToolError(call: Invocation, outcome: { exitCode: number; stderr: string } | { thrown: unknown }): HookToolError {
  const { tool, argv, label } = call;
  if (!('thrown' in outcome)) {
    const first = firstLine(outcome.stderr);
    return new HookToolError(`${label} failed (exit ${outcome.exitCode})${first === '' ? '' : `: ${first}`}`, {
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
  const reason = firstLine(cause instanceof Error ? cause.message : String(cause));
  return new HookToolError(`${label} failed: ${reason}`, { tool, argv, failure: 'failed', stderr, cause });
}

/** A call rejected before spawning because an argument is invalid. */
export function usageError(tool: string, argv: readonly string[], problem: string): HookToolError {
  return new HookToolError(`${tool}: ${problem}`, { tool, argv, failure: 'usage' });
}

/** Parses `status-get --include-data --format=json` output: `{"status","message","status-data"}`, or a bare status string. */
export function parseStatus(stdout: string, args: readonly string[]): UnitStatus {
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
