/**
 * The layer for one hook: a thin facade over the layer actor (machines/layer.machine.ts). Until a
 * hook has something to do, it reads the saved state alone, so an idle hook loads no XState,
 * spawns nothing and writes nothing; the first request that needs the machine starts the actor.
 */
import type { InspectionEvent } from 'xstate';
import { finalStatus, isSettled, plan, afterPlan, type LayerContext } from '../machines/layer.context.js';
import type { LayerEvent } from '../machines/layer.machine.js';
import { DockerResourceError, HookToolError, ResourceNotAvailableError, UnknownResourceError } from './errors/index.js';
import { deriveFlags } from './flags.js';
import type { HookTools } from './hook-tools.js';
import { redactImageFields, type ImageInfo } from './image-info.js';
import { freezeInspectionEvent } from './inspection.js';
import type { LayerActor, ResourceActor } from './layer-actor.js';
import type { LayerOptions } from './layer-open.js';
import type { HistoryEntry, LayerState, PersistedResource } from './layer-state.js';
import type { Lock } from './lock.js';
import { freshContext, imageInfoOf, type ResourceView } from './resource-view.js';
import { combineStatuses, layerStatus, type Status } from './status.js';
import { toTransition, type Transition } from './transition.js';
import { TransitionLog } from './transition-log.js';

export { openLayer, type LayerOptions } from './layer-open.js';

/** Resolves once `done()` holds after a snapshot, or the actor has stopped (done, aborted, failed). */
function until(actor: LayerActor, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      if (actor.getSnapshot().status !== 'active' || done()) return (sub?.unsubscribe(), resolve(), true);
      return false;
    };
    let sub: { unsubscribe(): void } | undefined;
    if (!check()) sub = actor.subscribe({ next: check, error: check, complete: check });
  });
}
export type { Transition } from './transition.js';

/** What one hook cycle did. */
export interface HookSummary {
  hook: string | null;
  /** Resources whose fetch started in this hook, in order. */
  fetched: string[];
  /** Resources that are failed at the end of the hook, in metadata order. */
  failed: string[];
  transitions: Transition[];
  flags: string[];
  /** The status the layer last set (now or in an earlier hook). */
  status: Status | null;
  wroteState: boolean;
}

/** What {@link openLayer} hands the facade. */
interface LayerInit {
  charmDir: string;
  stateFile: string;
  tools: HookTools;
  options: LayerOptions;
  state: LayerState;
  lock: Lock;
  context: LayerContext;
  warnings: readonly string[];
}

/** The layer for the current hook: holds the state lock until {@link DockerResourceLayer.commit}. */
export class DockerResourceLayer {
  readonly hookName: string | null;
  readonly charmDir: string;
  readonly #init: LayerInit;
  readonly #saved: Map<string, PersistedResource>;
  readonly #log: TransitionLog;
  readonly #io: Promise<unknown>[] = [];
  /** The context until the actor starts; the actor's afterwards. */
  #context: LayerContext;
  #actor: Promise<LayerActor> | null = null;
  /** Each resource's actor, once the layer actor runs (kept: a stopped system forgets them). */
  readonly #children = new Map<string, ResourceActor>();
  #fatal: unknown = null;
  #run: Promise<void> | null = null;
  #end: Promise<HookSummary | null> | null = null;

  /** Use {@link openLayer}. */
  constructor(init: LayerInit) {
    this.charmDir = init.charmDir;
    this.hookName = init.context.hook;
    this.#init = init;
    this.#context = init.context;
    this.#saved = new Map(Object.entries(init.state.resources));
    this.#log = new TransitionLog(new Map(Object.entries(init.state.history)), init.options.historyLimit ?? 20, (e) =>
      this.#warn(`a transition listener threw: ${(e as Error).message}`),
    );
    for (const warning of init.warnings) this.#warn(warning);
    if (init.context.statusInDoubt)
      this.#warn('the previous hook was killed while holding the state lock; its unsaved work is redone and the status set again');
  }

  /** The oci-image resources of the charm, in metadata order. */
  get resources(): string[] {
    return [...this.#context.names];
  }

  /** Each resource's state and context, in metadata order, with credentials in the image info redacted. */
  views(): ResourceView[] {
    return this.#views().map((v) => (v.context.image ? { ...v, context: { ...v.context, image: redactImageFields(v.context.image) } } : v));
  }

  /** The flags (docs/BEHAVIOUR.md), derived from the machines' states, sorted. */
  get flags(): string[] {
    return deriveFlags(this.#views(), this.#context.autoFetched);
  }

  /** Whether a flag is set. */
  isSet(flag: string): boolean {
    return this.flags.includes(flag);
  }

  /** The combined status now: the layer's own and the charm's, highest priority wins. */
  get status(): Status | null {
    return combineStatuses([layerStatus(this.#views()), this.#context.charmStatus]);
  }

  /** Contributes the charm's own status (kept across hooks; `null` withdraws it); it competes with the layer's by priority. */
  setCharmStatus(status: Status | null): void {
    this.#send({ type: 'charm-status', status: status && { state: status.state, message: status.message } });
  }

  /** The recorded transitions of a resource across hooks, oldest first. */
  history(name: string): HistoryEntry[] {
    this.#known(name);
    return this.#log.history(name);
  }

  /** Requests a fetch of a resource; it stays requested from then on. Await {@link settled} for the outcome. */
  fetch(name: string): void {
    this.#known(name);
    this.#send({ type: 'fetch', name });
  }

  /** Resolves when every requested fetch has settled (available or failed). */
  async settled(): Promise<void> {
    if (this.#actor) {
      const actor = await this.#actor;
      await until(actor, () => isSettled(this.#sync(actor)));
    }
    if (this.#fatal) throw this.#fatal;
  }

  /** The image info of an available resource; throws a clear error naming the resource and why otherwise. */
  getInfo(name: string): ImageInfo {
    this.#known(name);
    const { queue, inFlight } = this.#context;
    if (queue.some((q) => q.name === name) || inFlight.includes(name)) throw new ResourceNotAvailableError(name, 'fetching');
    return imageInfoOf(this.#view(name));
  }

  /** Subscribes to transitions of one resource, or of all; tells it at once of this hook's earlier ones. Returns the unsubscribe function. */
  subscribe(listener: (transition: Transition) => void, resource?: string): () => void {
    if (resource !== undefined) this.#known(resource);
    return this.#log.subscribe(listener, resource);
  }

  /** The layer actor (XState), started now if it was not: `actor.system.get(name)` is resource `name`'s actor. */
  actor(): Promise<LayerActor> {
    return (this.#actor ??= this.#start());
  }

  /**
   * Runs the layer's part of the hook and waits for it to settle: auto-fetch (first hook), refetch on
   * upgrade-charm, retry failures, and fetch what was requested. A second call returns the same outcome.
   */
  run(): Promise<void> {
    return (this.#run ??= this.#guard(async () => {
      if (!this.#actor && plan(this.#context).length === 0) this.#context = afterPlan(this.#context);
      else (await this.actor()).send({ type: 'run' });
      await this.settled();
    }));
  }

  /** The whole hook in one call: {@link run}, then {@link commit}. */
  async runHook(): Promise<HookSummary> {
    await this.run();
    return this.commit();
  }

  /** Fetches these resources now and ends the hook (status, persist): what `docker-resource fetch` does. */
  async fetchNow(names: readonly string[]): Promise<HookSummary> {
    for (const name of names) this.#known(name);
    await this.#guard(async () => {
      (await this.actor()).send({ type: 'fetch-now', names: [...names] });
      await this.settled();
    });
    return this.commit();
  }

  /** Sets the final status, writes the state if it changed, and releases the lock. The hook's one commit: a second call returns the same summary. */
  async commit(): Promise<HookSummary> {
    const summary = await (this.#end ??= this.#commit());
    if (!summary) throw new DockerResourceError('the layer was abandoned for this hook: nothing was committed');
    return summary;
  }

  /** Releases the lock without writing anything (the state stays as it was before this hook). */
  async abandon(): Promise<void> {
    this.#end ??= this.#finish(async (actor) => actor?.send({ type: 'abandon', reason: 'abandoned' })).then(() => null);
    await this.#end.catch(() => undefined);
  }

  // ---- internals -------------------------------------------------------------------------------

  async #commit(): Promise<HookSummary> {
    await this.settled();
    let wrote = false;
    await this.#finish(async (actor) => {
      const ctx = this.#context;
      if (!actor && finalStatus(ctx) === null && !ctx.dirty) return;
      const running = actor ?? (await this.actor());
      running.send({ type: 'commit' });
      await until(running, () => false);
      this.#sync(running);
      if (this.#fatal) throw this.#fatal;
      const output = running.getSnapshot().output;
      if (output?.aborted) throw new DockerResourceError(`the hook was aborted: ${output.aborted}`);
      wrote = output?.wrote ?? false;
    });
    const status = this.#context.status;
    return {
      hook: this.hookName,
      fetched: [...this.#context.fetched],
      failed: this.#views().filter((v) => v.state === 'failed').map((v) => v.name),
      transitions: [...this.#log.transitions],
      flags: this.flags,
      status: status && { state: status.state, message: status.message },
      wroteState: wrote,
    };
  }

  /** Ends the hook with `work`, then waits for the logs and releases the lock, however `work` ends. */
  async #finish(work: (actor: LayerActor | null) => Promise<void>): Promise<void> {
    try {
      await work(this.#actor ? await this.#actor : null);
    } finally {
      if (this.#actor) (await this.#actor.catch(() => null))?.stop();
      await Promise.allSettled(this.#io);
      await this.#init.lock.release();
    }
  }

  /** Runs `work`; on any error, abandons the hook (nothing written) and rethrows. */
  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.abandon();
      throw error;
    }
  }

  #send(event: LayerEvent): void {
    if (this.#end) throw new DockerResourceError('the hook has ended: the layer was committed or abandoned');
    void this.actor().then(
      (actor) => actor.send(event),
      (error: unknown) => (this.#fatal ??= error),
    );
  }

  async #start(): Promise<LayerActor> {
    const { startLayerActor, persistedResources } = await import('./layer-actor.js');
    const { saveLayerState } = await import('./layer-save.js');
    const { tools, options, state, stateFile } = this.#init;
    const actor: LayerActor = startLayerActor(this.#context, this.#saved, {
      tools,
      retry: options.retry,
      fetchTimeoutMs: options.fetchTimeoutMs,
      onToolError: (error) => {
        if (error instanceof HookToolError && error.failure === 'not-in-hook') this.#fatal ??= error;
      },
      notifyTransition: (t) => this.#log.record(toTransition(t, (options.now?.() ?? new Date()).toISOString(), this.hookName)),
      logFailure: ({ name, kind, reason }) => this.#jujuLog(`resource "${name}" unavailable (${kind}): ${reason}`, 'ERROR'),
      warn: (message) => this.#warn(message),
      toolFailed: ({ tool, message }) => process.stderr.write(`docker-resource: ${tool} failed, going on: ${message}\n`),
      saveState: (input, self) =>
        saveLayerState(input, {
          stateFile,
          resources: persistedResources(self, input.names),
          log: this.#log,
          charm: state.charm,
          onError: (m) => this.#warn(m, 'ERROR'),
        }),
      inspect: this.#inspector(),
    });
    actor.subscribe({ next: () => this.#sync(actor), error: () => undefined });
    for (const name of this.#context.names) this.#children.set(name, actor.system.get(name) as ResourceActor);
    return actor;
  }

  #inspector(): ((event: InspectionEvent) => void) | undefined {
    const user = this.#init.options.inspect;
    if (!user) return undefined;
    const deliver = typeof user === 'function' ? user : (e: InspectionEvent) => user.next?.(e);
    return (event) => {
      const safe = freezeInspectionEvent(event);
      if (safe) deliver(safe);
    };
  }

  /** Takes the actor's context as the facade's, and returns it. */
  #sync(actor: LayerActor): LayerContext {
    return (this.#context = actor.getSnapshot().context);
  }

  #known(name: string): void {
    if (!this.#context.names.includes(name)) throw new UnknownResourceError(name, this.#context.names);
  }

  #view(name: string): ResourceView {
    const child = this.#children.get(name);
    if (child) {
      const s = child.getSnapshot();
      return { name, state: s.value, context: s.context };
    }
    const saved = this.#saved.get(name);
    return saved ? { name, state: saved.value, context: saved.context } : { name, state: 'idle', context: freshContext(name) };
  }

  #views(): ResourceView[] {
    return this.#context.names.map((name) => this.#view(name));
  }

  #jujuLog(message: string, level: 'ERROR' | 'WARNING'): void {
    this.#io.push(this.#init.tools.jujuLog(message, level).catch((error: unknown) => this.#noteToolFailure(error, 'juju-log')));
  }

  /** Tells the operator: on stderr (or `onWarning`), and in the unit's log at `level`. */
  #warn(message: string, level: 'WARNING' | 'ERROR' = 'WARNING'): void {
    (this.#init.options.onWarning ?? ((m: string) => process.stderr.write(`docker-resource: warning: ${m}\n`)))(message);
    this.#jujuLog(message, level);
  }

  #noteToolFailure(error: unknown, tool: string): void {
    if (error instanceof HookToolError && error.failure === 'not-in-hook') {
      this.#fatal ??= error;
      return;
    }
    process.stderr.write(`docker-resource: ${tool} failed, going on: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
