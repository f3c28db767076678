import { DockerResourceError } from './docker-resource-error.js';

/**
 * How a hook tool failed: it ran and failed (exit 1), was called wrongly (exit 2),
 * is not on PATH (not inside a Juju hook), or exceeded its time limit.
 */
export type HookToolFailure = 'failed' | 'usage' | 'not-in-hook' | 'timeout' | 'aborted';

/** A Juju hook tool failed; carries the tool, its argv (secret-free), exit code, stderr and cause. */
export class HookToolError extends DockerResourceError {
  override name = 'HookToolError';
  readonly tool: string;
  readonly argv: readonly string[];
  readonly failure: HookToolFailure;
  readonly exitCode: number | undefined;
  readonly stderr: string;

  constructor(
    message: string,
    details: {
      tool: string;
      argv: readonly string[];
      failure: HookToolFailure;
      exitCode?: number | undefined;
      stderr?: string;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.tool = details.tool;
    this.argv = details.argv;
    this.failure = details.failure;
    this.exitCode = details.exitCode;
    this.stderr = details.stderr ?? '';
  }
}
