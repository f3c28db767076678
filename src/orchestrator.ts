/**
 * The layer for one hook: a thin facade over the layer actor (machines/layer.machine.ts). Until a
 * hook has something to do it reads the saved state alone, so an idle hook loads no XState,
 * spawns nothing and writes nothing; the first request that needs the machine starts the actor.
 */
import { afterPlan, busy, finalStatus, isSettled, plan, type LayerContext } from '../machines/layer.context.js';
import { lifecycleState } from '../machines/resource.events.js';
import type { LayerEvent } from '../machines/layer.machine.js';
import { DockerResourceError, ResourceNotAvailableError, UnknownResourceError } from './errors/index.js';
import { deriveFlags } from './flags.js';
import type { HookTools } from './hook-tools.js';
import { redactImageFields, type ImageInfo } from './image-info.js';
import type { LayerActor } from './layer-actor.js';
import { readHistoryFile, type SavedHistory } from './history-file.js';
import { LayerIO } from './layer-io.js';
import type { LayerOptions } from './layer-open.js';
import type { Started } from './layer-start.js';
import type { HistoryEntry, LayerState, PersistedResource } from './layer-state.js';
import type { Lock } from './lock.js';
import { freshContext, imageInfoOf, type ResourceView } from './resource-view.js';
import { combineStatuses, layerStatus, type Status } from './status.js';
import type { Transition } from './transition.js';
import { TransitionLog } from './transition-log.js';

export { openLayer, type LayerOptions } from './layer-open.js';
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
export interface LayerInit {
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
  readonly #io: LayerIO;
  /** The context until the actor starts; the actor's afterwards. */
  #context: LayerContext;
  #started: Promise<Started> | null = null;
  /** The started actor, once it runs (views read its children synchronously). */
  #ready: Started | null = null;
  #run: Promise<void> | null = null;
  #end: Promise<HookSummary | null> | null = null;

  /** Use {@link openLayer}. */
  constructor(init: LayerInit) {
    this.charmDir = init.charmDir;
    this.hookName = init.context.hook;
    this.#init = init;
    this.#context = init.context;
    this.#saved = new Map(Object.entries(init.state.resources));
    this.#io = new LayerIO(init.tools, init.options.onWarning);
    const onListenerError = (e: unknown) => this.#io.warn(`a transition listener threw: ${(e as Error).message}`);
    const load = () => this.#readHistory();
    this.#log = new TransitionLog({ load, hook: init.context.hook }, init.options.historyLimit ?? 20, onListenerError);
    for (const warning of init.warnings) this.#io.warn(warning);
    if (init.context.statusInDoubt)
      this.#io.warn('the previous hook was killed while holding the state lock; its unsaved work is redone and the status set again');
  }

  /** The oci-image resources of the charm, in metadata order. */
  get resources(): string[] {
    return [...this.#context.names];
  }

  /** Each resource's state and context, in metadata order, with credentials in the image info redacted. */
  views(): ResourceView[] {
    return this.#views().map((v) => (v.context.image ? { ...v, context: { ...v.context, image: redactImageFields(v.context.image) } } : v));
  }

  /** The flags (docs/BEHAVIOUR.md §3), derived from the machines' states, sorted. */
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
    if (this.#started) {
      const started = await this.#started;
      await started.until(() => isSettled(this.#sync(started.actor)));
    }
    if (this.#io.fatal) throw this.#io.fatal;
  }

  /** The image info of an available resource; throws a clear error naming the resource and why otherwise. */
  getInfo(name: string): ImageInfo {
    this.#known(name);
    if (busy(this.#context, name)) throw new ResourceNotAvailableError(name, 'fetching');
    return imageInfoOf(this.#view(name));
  }

  /** Subscribes to transitions of one resource, or of all; tells it at once of this hook's earlier ones. Returns the unsubscribe function. */
  subscribe(listener: (transition: Transition) => void, resource?: string): () => void {
    if (resource !== undefined) this.#known(resource);
    return this.#log.subscribe(listener, resource);
  }

  /** The layer actor (XState), started now if it was not: `actor.system.get(name)` is resource `name`'s actor. */
  async actor(): Promise<LayerActor> {
    return (await this.#start()).actor;
  }

  /**
   * Runs the layer's part of the hook and waits for it to settle: auto-fetch (first hook), refetch on
   * upgrade-charm, retry failures, and fetch what was requested. A second call returns the same outcome.
   */
  run(): Promise<void> {
    return (this.#run ??= this.#guard(async () => {
      const queue = this.#started ? null : plan(this.#context);
      if (queue?.length === 0) this.#context = afterPlan(this.#context, queue);
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
    if (!summary) throw new DockerResourceError('the layer was abandoned for this hook; open it again');
    return summary;
  }

  /** Releases the lock without writing anything (the state stays as it was before this hook). */
  async abandon(): Promise<void> {
    this.#end ??= this.#finish(async (started) => started?.actor.send({ type: 'abandon', reason: 'abandoned' })).then(() => null);
    await this.#end.catch(() => undefined);
  }

  // ---- internals -------------------------------------------------------------------------------

  async #commit(): Promise<HookSummary> {
    await this.settled();
    let wrote = false;
    await this.#finish(async (started) => {
      if (!started && finalStatus(this.#context) === null && !this.#context.dirty) return;
      const { actor, until } = started ?? (await this.#start());
      actor.send({ type: 'commit' });
      await until(() => false);
      this.#sync(actor);
      if (this.#io.fatal) throw this.#io.fatal;
      const output = actor.getSnapshot().output;
      if (output?.aborted) throw new DockerResourceError(`the hook was aborted: ${output.aborted}`);
      wrote = output?.wrote ?? false;
    });
    const status = this.#context.status;
    return {
      hook: this.hookName,
      fetched: this.#log.transitions.filter((t) => t.to === 'fetching').map((t) => t.resource),
      failed: this.#views().filter((v) => v.state === 'failed').map((v) => v.name),
      transitions: [...this.#log.transitions],
      flags: this.flags,
      status: status && { state: status.state, message: status.message },
      wroteState: wrote,
    };
  }

  /** Ends the hook with `work`, then waits for the log and releases the lock, however `work` ends. */
  async #finish(work: (started: Started | null) => Promise<void>): Promise<void> {
    try {
      await work(this.#started ? await this.#started : null);
    } finally {
      if (this.#started) (await this.#started.catch(() => null))?.actor.stop();
      await this.#io.drain();
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

  /** Sends an event to the layer actor, starting it first if need be. */
  #send(event: LayerEvent): void {
    if (this.#end) throw new DockerResourceError('the hook has ended: the layer was committed or abandoned');
    // A start that fails is reported by settled() and commit(), which await the same promise.
    void this.#start().then(({ actor }) => actor.send(event), () => undefined);
  }

  /** Loads XState and the machines, and starts the layer actor (once). */
  #start(): Promise<Started> {
    return (this.#started ??= import('./layer-start.js').then(({ startLayer }) => {
      const { tools, options, state, stateFile } = this.#init;
      const started = startLayer({ context: this.#context, saved: this.#saved, tools, options, stateFile, charm: state.charm, io: this.#io, log: this.#log });
      started.actor.subscribe({ next: () => this.#sync(started.actor), error: () => undefined });
      this.#sync(started.actor);
      return (this.#ready = started);
    }));
  }

  /** The saved history: the history file's, else what a state file written before it held; its warnings said. */
  #readHistory(): SavedHistory {
    const warnings: string[] = [];
    const { history, hooks } = this.#init.state;
    const saved = readHistoryFile(this.#init.stateFile, warnings) ?? { history, ...(hooks ? { hooks } : {}) };
    for (const warning of warnings) this.#io.warn(warning);
    return saved;
  }

  /** Takes the actor's context as the facade's (and its phase for the hook's record), and returns it. */
  #sync(actor: LayerActor): LayerContext {
    const snapshot = actor.getSnapshot();
    this.#log.phase(lifecycleState(snapshot.value), () => (this.#init.options.now?.() ?? new Date()).toISOString());
    return (this.#context = snapshot.context);
  }

  #known(name: string): void {
    if (!this.#context.names.includes(name)) throw new UnknownResourceError(name, this.#context.names);
  }

  #view(name: string): ResourceView {
    const child = this.#ready?.children.get(name);
    if (child) {
      const s = child.getSnapshot();
      return { name, state: lifecycleState<ResourceView['state']>(s.value), context: s.context };
    }
    const saved = this.#saved.get(name);
    return saved ? { name, state: saved.value, context: saved.context } : { name, state: 'idle', context: freshContext(name) };
  }

  #views(): ResourceView[] {
    return this.#context.names.map((name) => this.#view(name));
  }
}
