/** The layer's voice: warnings on stderr and in the unit's log, hook-tool failures, and the one fatal error. */
import { HookToolError } from './errors/index.js';
import type { HookTools } from './hook-tools.js';

/** Where the layer says things during a hook, and what it remembers of tools that failed. */
export class LayerIO {
  readonly #tools: HookTools;
  readonly #onWarning: (message: string) => void;
  readonly #pending: Promise<unknown>[] = [];
  #fatal: unknown = null;

  constructor(tools: HookTools, onWarning?: (message: string) => void) {
    this.#tools = tools;
    this.#onWarning = onWarning ?? ((m) => process.stderr.write(`docker-resource: warning: ${m}\n`));
  }

  /** The error that ends the hook (not inside a Juju hook), once one happened. */
  get fatal(): unknown {
    return this.#fatal;
  }

  /** Keeps the first fatal error: a hook tool missing from PATH means the process is not inside a hook. */
  noteError(error: unknown): void {
    if (error instanceof HookToolError && error.failure === 'not-in-hook') this.#fatal ??= error;
  }

  /** Writes to the unit's log with `juju-log` (not awaited: {@link drain} waits for every line). */
  log(message: string, level: 'ERROR' | 'WARNING'): void {
    this.#pending.push(this.#tools.jujuLog(message, level).catch((error: unknown) => this.toolFailed('juju-log', error)));
  }

  /** Tells the operator: on stderr (or `onWarning`), and in the unit's log at `level`. */
  warn(message: string, level: 'WARNING' | 'ERROR' = 'WARNING'): void {
    this.#onWarning(message);
    this.log(message, level);
  }

  /** Says on stderr that a hook tool failed and the hook goes on without it (a fatal failure is kept instead). */
  toolFailed(tool: string, error: unknown): void {
    this.noteError(error);
    if (this.#fatal === error) return;
    process.stderr.write(`docker-resource: ${tool} failed, going on: ${error instanceof Error ? error.message : String(error)}\n`);
  }

  /** Waits for every log line sent so far. */
  async drain(): Promise<void> {
    await Promise.allSettled(this.#pending);
  }
}
