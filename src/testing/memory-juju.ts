/** In-memory hook tools that behave as Juju's (docs/BEHAVIOUR.md §1), for tests: nothing is spawned. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HookToolError } from '../errors/index.js';
import type { CallOptions, HookTools, LogLevel, UnitStatus } from '../hook-tools.js';
import { isStatusState, type Status, type StatusState } from '../status.js';

/** How a resource behaves on the simulated controller. */
export type SimulatedResource =
  | { content: string; delayMs?: number; failTimes?: number }
  | { missing: true; delayMs?: number }
  | { hang: true };

/** One hook-tool call as Juju would have received it. */
export type ToolCall = readonly string[];

/** A simulated Juju controller and unit: resources to serve, and a record of every call. */
export class MemoryJuju implements HookTools {
  /** Every call, as argv: `['status-set', 'blocked', '--', 'unable to fetch resource: web']`. */
  readonly calls: ToolCall[] = [];
  /** Every status set, in order. */
  readonly statuses: Status[] = [];
  /** Every log line, in order. */
  readonly logs: Array<{ level: LogLevel; message: string }> = [];
  readonly #resources = new Map<string, SimulatedResource>();
  readonly #dir = mkdtempSync(join(tmpdir(), 'docker-resource-juju-'));
  #fetches = 0;

  /**
   * Serves `content` as the resource's file (a new upload replaces the old). `delayMs` makes
   * `resource-get` slow; `failTimes` makes its next n calls fail as a transient controller error.
   */
  attach(name: string, content: string, options: { delayMs?: number; failTimes?: number } = {}): this {
    this.#resources.set(name, { content, ...options });
    return this;
  }

  /** Makes `resource-get` for this resource slow (ms) without changing what it serves. */
  delay(name: string, delayMs: number): this {
    const r = this.#resources.get(name) ?? { missing: true as const };
    if (!('hang' in r)) this.#resources.set(name, { ...r, delayMs });
    return this;
  }

  /** Makes the next `n` calls of `resource-get` for this resource fail (exit 1), then serve it again. */
  failTimes(name: string, n: number): this {
    const r = this.#resources.get(name);
    if (r && 'content' in r) this.#resources.set(name, { ...r, failTimes: n });
    return this;
  }

  /** Makes `resource-get` fail for this resource, as for one never attached. */
  detach(name: string): this {
    this.#resources.set(name, { missing: true });
    return this;
  }

  /** Makes `resource-get` for this resource never return. */
  hang(name: string): this {
    this.#resources.set(name, { hang: true });
    return this;
  }

  /** How many times `resource-get` ran. */
  get resourceGets(): number {
    return this.#fetches;
  }

  /** The resources `resource-get` was called for, in order (one entry per call). */
  get fetchedNames(): string[] {
    return this.calls.filter((c) => c[0] === 'resource-get').map((c) => c[1]!);
  }

  /** The unit's current status, as `juju status` shows it. */
  get status(): Status | undefined {
    return this.statuses.at(-1);
  }

  async resourceGet(name: string, options: CallOptions = {}): Promise<string> {
    this.calls.push(['resource-get', name]);
    this.#fetches++;
    const r = this.#resources.get(name) ?? { missing: true as const };
    if ('hang' in r) return new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(abortError(name))));
    if (r.delayMs) await sleep(r.delayMs, options.signal, name);
    if ('missing' in r || (r.failTimes !== undefined && r.failTimes-- > 0)) {
      const stderr = `ERROR could not download resource: resource "${name}" not found`;
      throw new HookToolError(`resource-get ${name} failed (exit 1): ${stderr}`, {
        tool: 'resource-get',
        argv: ['resource-get', name],
        failure: 'failed',
        exitCode: 1,
        stderr,
      });
    }
    const dir = join(this.#dir, 'resources', name);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'image.yaml');
    writeFileSync(path, r.content, { mode: 0o600 });
    return path;
  }

  async statusSet(state: StatusState, message: string): Promise<void> {
    if (!isStatusState(state)) {
      throw new HookToolError(`status-set: invalid status "${String(state)}"`, {
        tool: 'status-set',
        argv: ['status-set', String(state)],
        failure: 'usage',
        exitCode: 2,
      });
    }
    this.calls.push(['status-set', state, '--', message]);
    this.statuses.push({ state, message });
  }

  async statusGet(): Promise<UnitStatus> {
    this.calls.push(['status-get', '--format=json']);
    const s = this.status;
    return { status: s?.state ?? 'unknown', message: s?.message ?? '' };
  }

  async jujuLog(message: string, level: LogLevel = 'INFO'): Promise<void> {
    this.calls.push(['juju-log', '-l', level, '--', message]);
    this.logs.push({ level, message });
  }

  /** Forgets the calls, statuses and logs recorded so far (the unit's status stays). */
  clear(): void {
    this.calls.length = 0;
    this.logs.length = 0;
    this.statuses.splice(0, this.statuses.length - 1);
  }

  /** Removes the files it wrote. */
  cleanup(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

function abortError(name: string): HookToolError {
  return new HookToolError(`resource-get ${name} was aborted`, { tool: 'resource-get', argv: ['resource-get', name], failure: 'aborted' });
}

function sleep(ms: number, signal: AbortSignal | undefined, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(abortError(name))), { once: true });
  });
}
