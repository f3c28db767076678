/**
 * One hook cycle over N resource actors: restore, request, fetch with a bound,
 * settle, derive flags and status, set status, persist.
 */
import { dirname } from 'node:path';
import type { InspectionEvent } from 'xstate';
import type { ResourceEvent, ResourceState } from '../machines/resource.machine.js';
import { type CharmResource, charmDirFromEnv, hookNameFromEnv, readCharm } from './charm.js';
import { DockerResourceError, HookToolError, ResourceNotAvailableError, UnknownResourceError } from './errors/index.js';
import type { RetryPolicy } from './fetch-image.js';
import { deriveFlags } from './flags.js';
import { createHookTools, type HookTools } from './hook-tools.js';
import { redactImageFields, type ImageInfo } from './image-info.js';
import { acquireLock } from './lock.js';
import { validateLayerOptions } from './layer-options.js';
import { freezeInspectionEvent } from './inspection.js';
import type { ActorFactory, ResourceActor } from './resource-actors.js';
import { readState, type HistoryEntry, type PersistedResource, type LayerState } from './layer-state.js';
import { own } from './own.js';
import { freshContext, imageInfoOf, type ResourceView } from './resource-view.js';
import { ensureStateDir } from './state-dir.js';
import { statePaths, writeStateFile } from './state-file.js';
import { combineStatuses, layerStatus, sameStatus, type Status } from './status.js';

/** A lifecycle transition of one resource, safe to log: no credential in it. */
export interface Transition {
  resource: string;
  from: ResourceState;
  to: ResourceState;
  /** The event that caused it: `FETCH`, `REFETCH`, `RETRY`, or XState's fetch done/error/after event, summarised. */
  event: { type: string; digest?: string; kind?: string; reason?: string };
  /** When it happened (ISO 8601). */
  at: string;
  /** The hook it happened in, if known. */
  hook: string | null;
}

/** Options of {@link openLayer}; each mirrors a layer option or a hook fact. */
export interface LayerOptions {
  /** The charm directory (default: JUJU_CHARM_DIR, else CHARM_DIR, else the current directory). */
  charmDir?: string;
  /** The hook environment (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The hook tools (default: the real ones, spawned through execa). */
  tools?: HookTools;
  /** The hook's name (default: from JUJU_DISPATCH_PATH or JUJU_HOOK_NAME). */
  hookName?: string;
  /** Set the unit's status automatically (default: layer.yaml's `set-status`, else true). */
  setStatus?: boolean;
  /** How many resources to fetch at once (default 16). */
  concurrency?: number;
  /** The time limit of one fetch, in ms (default 5 minutes). */
  fetchTimeoutMs?: number;
  /** In-hook retries of a failing `resource-get` (default: 1 retry after 500 ms; `{ retries: 0 }` turns it off). */
  retry?: Partial<RetryPolicy>;
  /** Where the state is kept (default `<charmDir>/.docker-resource/state.json`). */
  stateFile?: string;
  /** How long to wait for another process holding the state lock, in ms (default 120 s). */
  lockTimeoutMs?: number;
  /** How many transitions to keep per resource in the history (default 20). */
  historyLimit?: number;
  /** An XState inspector (e.g. `createSkyInspector().inspect`); receives every actor's events, redacted. */
  inspect?: ((event: InspectionEvent) => void) | { next?: (event: InspectionEvent) => void };
  /** Where warnings go besides `juju-log -l WARNING` (default: stderr). */
  onWarning?: (message: string) => void;
  /** The clock, for tests. */
  now?: () => Date;
}

/** What one hook cycle did. */
export interface HookSummary {
  hook: string | null;
  fetched: string[];
  /** Resources that are failed at the end of the hook, in metadata order. */
  failed: string[];
  transitions: Transition[];
  flags: string[];
  status: Status | null;
  wroteState: boolean;
}

interface Slot {
  readonly name: string;
  readonly autoFetch: boolean;
  persisted: PersistedResource | null;
  actor: ResourceActor | null;
  /** The state before the latest snapshot, to detect transitions. */
  last: ResourceState;
}

/** The layer for the current hook: holds the state lock until {@link DockerResourceLayer.commit}. */
export class DockerResourceLayer {
  readonly hookName: string | null;
  readonly charmDir: string;
  readonly #slots = new Map<string, Slot>();
  readonly #tools: HookTools;
  readonly #options: LayerOptions;
  #createActor: ActorFactory | null = null;
  #loadingActors: Promise<void> | null = null;
  readonly #setStatus: boolean;
  readonly #concurrency: number;
  readonly #stateFile: string;
  readonly #release: () => Promise<void>;
  readonly #listeners = new Set<{ resource: string | undefined; fn: (t: Transition) => void }>();
  readonly #queue: Array<{ name: string; event: ResourceEvent }> = [];
  readonly #io: Promise<unknown>[] = [];
  readonly #transitions: Transition[] = [];
  readonly #fetched: string[] = [];
  #state: LayerState;
  /** Whether the state file holds exactly the state as it was read (nothing to write unless it changes). */
  #clean: boolean;
  readonly #initial: Pick<LayerState, 'autoFetched' | 'status'>;
  #inFlight = 0;
  #waiters: Array<() => void> = [];
  #charmStatus: Status | null = null;
  #fatal: unknown = null;
  #committed = false;
  /** The hook's one run and one commit: calling either again returns the same outcome. */
  #running: Promise<void> | null = null;
  #commitment: Promise<HookSummary> | null = null;
  /** The previous hook was killed holding the lock: the unit may show a status the state never recorded. */
  #statusInDoubt = false;

  /** Use {@link openLayer}. */
  constructor(init: {
    charmDir: string;
    hookName: string | null;
    resources: CharmResource[];
    tools: HookTools;
    options: LayerOptions;
    setStatus: boolean;
    stateFile: string;
    state: LayerState;
    clean: boolean;
    warnings: readonly string[];
    release: () => Promise<void>;
    /** The lock was taken over from a dead process. */
    recovered?: boolean;
  }) {
    this.charmDir = init.charmDir;
    this.hookName = init.hookName;
    this.#tools = init.tools;
    this.#options = init.options;
    this.#setStatus = init.setStatus;
    this.#concurrency = Math.max(1, init.options.concurrency ?? 16);
    this.#stateFile = init.stateFile;
    this.#state = init.state;
    this.#clean = init.clean;
    this.#initial = { autoFetched: init.state.autoFetched, status: init.state.status };
    this.#release = init.release;
    for (const { name, autoFetch } of init.resources) {
      const persisted = own(init.state.resources, name) ?? null;
      this.#slots.set(name, { name, autoFetch, persisted, actor: null, last: persisted?.value ?? 'idle' });
    }
    for (const warning of init.warnings) this.#warn(warning);
    if (init.recovered) {
      this.#statusInDoubt = true;
      this.#warn('the previous hook was killed while holding the state lock; its unsaved work is redone and the status set again');
    }
  }

  /** The oci-image resources of the charm, in metadata order. */
  get resources(): string[] {
    return [...this.#slots.keys()];
  }

  /** Each resource's state and context, in metadata order, with credentials in the image info redacted. */
  views(): ResourceView[] {
    return this.#views().map((view) => {
      const { image } = view.context;
      return image ? { ...view, context: { ...view.context, image: redactImageFields(image) } } : view;
    });
  }

  #views(): ResourceView[] {
    return [...this.#slots.values()].map((slot) => this.#view(slot));
  }


  /** The flags (docs/BEHAVIOUR.md §3), derived from the machines' states, sorted. */
  get flags(): string[] {
    return deriveFlags(this.#views(), this.#state.autoFetched);
  }

  /** Whether a flag is set. */
  isSet(flag: string): boolean {
    return this.flags.includes(flag);
  }

  /** The combined status now: the layer's own and the charm's, highest priority wins. */
  get status(): Status | null {
    return combineStatuses([layerStatus(this.#views()), this.#charmStatus]);
  }

  /** Contributes the charm's own status; it competes with the layer's by priority (blocked > maintenance > waiting > active). */
  setCharmStatus(status: Status | null): void {
    this.#charmStatus = status;
  }

  /** The recorded transitions of a resource across hooks, oldest first. */
  history(name: string): HistoryEntry[] {
    this.#slot(name);
    return [...(own(this.#state.history, name) ?? [])];
  }

  /** Requests a fetch of a resource; it stays requested from then on. Await {@link settled} for the outcome. */
  fetch(name: string): void {
    this.#slot(name);
    this.#enqueue(name, { type: 'FETCH' });
    this.#pump();
  }

  /** Resolves when every requested fetch has settled (available or failed). */
  settled(): Promise<void> {
    this.#pump();
    if (this.#queue.length === 0 && this.#inFlight === 0) return this.#checkFatal();
    return new Promise<void>((resolve) => this.#waiters.push(resolve)).then(() => this.#checkFatal());
  }

  /** The image info of an available resource; throws a clear error naming the resource and why otherwise. */
  getInfo(name: string): ImageInfo {
    const slot = this.#slot(name);
    if (this.#queue.some((q) => q.name === name)) throw new ResourceNotAvailableError(name, 'fetching');
    return imageInfoOf(this.#view(slot));
  }

  /**
   * Subscribes to transitions of one resource, or of all when `resource` is omitted; returns the
   * unsubscribe function. A listener first hears this hook's transitions so far, so it misses none
   * wherever in the hook it subscribes.
   */
  subscribe(listener: (transition: Transition) => void, resource?: string): () => void {
    if (resource !== undefined) this.#slot(resource);
    const entry = { resource, fn: listener };
    for (const transition of this.#transitions) this.#deliver(entry, transition);
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /**
   * Runs the layer's part of the hook and waits for it to settle: auto-fetch (first hook),
   * refetch on upgrade-charm, retry failures, and fetch what was requested. Then react to
   * the flags, and end the hook with {@link commit}. It runs once per hook: a second call
   * returns the first call's outcome.
   */
  run(): Promise<void> {
    return (this.#running ??= this.#guard(async () => {
      for (const slot of this.#slots.values()) {
        const { state } = this.#view(slot);
        if (slot.autoFetch && state === 'idle') this.#enqueue(slot.name, { type: 'FETCH' });
        if (this.hookName === 'upgrade-charm' && state !== 'idle') this.#enqueue(slot.name, { type: 'REFETCH' });
        if (state === 'failed') this.#enqueue(slot.name, { type: 'RETRY' });
      }
      this.#state.autoFetched = true;
      await this.#announce();
      await this.settled();
    }));
  }

  /** The whole hook in one call: {@link run}, then {@link commit}. */
  async runHook(): Promise<HookSummary> {
    await this.run();
    return this.#guard(() => this.commit());
  }

  /** Fetches these resources now and ends the hook (status, persist): what `docker-resource fetch` does. */
  async fetchNow(names: readonly string[]): Promise<HookSummary> {
    return this.#guard(async () => {
      for (const name of names) this.#slot(name);
      for (const name of names) this.#enqueue(name, { type: 'FETCH' });
      await this.#announce();
      await this.settled();
      return this.commit();
    });
  }

  /** Runs `work`; on any error, releases the lock without writing (the state stays as it was) and rethrows. */
  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.abandon();
      throw error;
    }
  }

  /**
   * Sets the final status, writes the state if it changed, and releases the lock: the end of the
   * hook. It commits once: a second call returns the first call's summary (or its error).
   */
  commit(): Promise<HookSummary> {
    if (this.#commitment) return this.#commitment;
    if (this.#committed) return Promise.reject(new DockerResourceError('the layer was abandoned for this hook; open it again'));
    return (this.#commitment = this.#commit());
  }

  async #commit(): Promise<HookSummary> {
    await this.settled();
    this.#committed = true;
    try {
      if (this.#setStatus) await this.#applyStatus(this.#finalStatus());
      const wroteState = await this.#persist();
      await Promise.allSettled(this.#io);
      return {
        hook: this.hookName,
        fetched: [...this.#fetched],
        failed: this.#views().filter((v) => v.state === 'failed').map((v) => v.name),
        transitions: [...this.#transitions],
        flags: this.flags,
        status: this.#state.status && { state: this.#state.status.state, message: this.#state.status.message },
        wroteState,
      };
    } finally {
      this.#stopActors();
      await this.#release();
    }
  }

  /** Releases the lock without writing anything (the state stays as it was before this hook). */
  async abandon(): Promise<void> {
    if (this.#committed) return;
    this.#committed = true;
    this.#stopActors();
    await Promise.allSettled(this.#io);
    await this.#release();
  }

  // ---- internals -------------------------------------------------------------------------------

  #slot(name: string): Slot {
    const slot = this.#slots.get(name);
    if (!slot) throw new UnknownResourceError(name, this.resources);
    return slot;
  }

  #view(slot: Slot): ResourceView {
    if (slot.actor) {
      const s = slot.actor.getSnapshot();
      return { name: slot.name, state: s.value as ResourceState, context: s.context };
    }
    if (slot.persisted) return { name: slot.name, state: slot.persisted.value, context: slot.persisted.context };
    return { name: slot.name, state: 'idle', context: freshContext(slot.name) };
  }

  #enqueue(name: string, event: ResourceEvent): void {
    if (this.#queue.some((q) => q.name === name)) return;
    this.#queue.push({ name, event });
  }

  /**
   * The maintenance status before fetching starts: set once, only if something will be fetched.
   * Retries of failed resources stay under the blocked status until they succeed.
   */
  async #announce(): Promise<void> {
    if (!this.#setStatus || this.#queue.length === 0) return this.#pump();
    const names = this.#queue.filter((q) => this.#view(this.#slot(q.name)).state !== 'failed').map((q) => q.name);
    const status = combineStatuses([layerStatus(this.#views(), names), this.#charmStatus]);
    const pending = this.#applyStatus(status);
    this.#pump();
    await pending;
  }

  #pump(): void {
    if (this.#queue.length > 0 && !this.#createActor) return this.#loadActors();
    while (this.#inFlight < this.#concurrency && this.#queue.length > 0) {
      const { name, event } = this.#queue.shift()!;
      const actor = this.#actor(this.#slot(name));
      actor.send(event);
      if (actor.getSnapshot().value === 'fetching') {
        this.#inFlight++;
        this.#fetched.push(name);
      }
    }
    if (this.#inFlight === 0 && this.#queue.length === 0) this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Loads XState and the fetch step on the first fetch of the hook, then goes on pumping. */
  #loadActors(): void {
    this.#loadingActors ??= import('./resource-actors.js').then(
      ({ createActorFactory }) => {
        this.#createActor = createActorFactory({
          tools: this.#tools,
          retry: this.#options.retry,
          fetchTimeoutMs: this.#options.fetchTimeoutMs,
          onFetchError: (error) => {
            if (error instanceof HookToolError && error.failure === 'not-in-hook') this.#fatal ??= error;
          },
        });
        this.#pump();
      },
      (error: unknown) => {
        this.#fatal ??= error;
        this.#queue.length = 0;
        this.#wake();
      },
    );
  }

  #actor(slot: Slot): ResourceActor {
    if (slot.actor) return slot.actor;
    const actor = this.#createActor!(slot.name, slot.persisted, (event) => this.#inspect(slot, event));
    slot.actor = actor;
    actor.start();
    if (actor.getSnapshot().status === 'error') {
      this.#warn(`resource "${slot.name}": its saved state could not be restored; starting it afresh`);
      const wasRequested = slot.persisted?.context.requested ?? false;
      actor.stop();
      slot.persisted = null;
      slot.actor = null;
      slot.last = 'idle';
      const fresh = this.#actor(slot);
      if (wasRequested) this.#enqueue(slot.name, { type: 'FETCH' });
      return fresh;
    }
    return actor;
  }

  #inspect(slot: Slot, event: InspectionEvent): void {
    const user = this.#options.inspect;
    if (user) {
      const safe = freezeInspectionEvent(event);
      if (safe) {
        if (typeof user === 'function') user(safe);
        else user.next?.(safe);
      }
    }
    if (event.type !== '@xstate.snapshot' || event.actorRef !== slot.actor) return;
    const to = (event.snapshot as { value?: ResourceState }).value;
    if (!to || to === slot.last) return;
    const from = slot.last;
    slot.last = to;
    this.#onTransition(slot, from, to, event.event);
  }

  #onTransition(slot: Slot, from: ResourceState, to: ResourceState, cause: { type: string }): void {
    const context = slot.actor!.getSnapshot().context;
    const event: Transition['event'] = { type: cause.type };
    if (to === 'available' && context.digest) event.digest = context.digest;
    if (to === 'failed' && context.failure) Object.assign(event, context.failure);
    const transition: Transition = {
      resource: slot.name,
      from,
      to,
      event,
      at: (this.#options.now?.() ?? new Date()).toISOString(),
      hook: this.hookName,
    };
    this.#transitions.push(transition);
    this.#record(transition);
    if (from === 'fetching') {
      this.#inFlight--;
      if (to === 'failed' && context.failure && !this.#fatal) {
        const { kind, reason } = context.failure;
        this.#log(`resource "${slot.name}" unavailable (${kind}): ${reason}`, 'ERROR');
      }
      queueMicrotask(() => this.#pump());
    }
    for (const entry of [...this.#listeners]) this.#deliver(entry, transition);
  }

  #deliver(entry: { resource: string | undefined; fn: (t: Transition) => void }, transition: Transition): void {
    if (entry.resource !== undefined && entry.resource !== transition.resource) return;
    try {
      entry.fn(structuredClone(transition));
    } catch (error) {
      this.#warn(`a transition listener threw: ${(error as Error).message}`);
    }
  }

  #record(t: Transition): void {
    const limit = this.#options.historyLimit ?? 20;
    const list = own(this.#state.history, t.resource) ?? (this.#state.history[t.resource] = []);
    const entry: HistoryEntry = { at: t.at, hook: t.hook, from: t.from, to: t.to, event: t.event.type };
    if (t.event.reason) entry.reason = t.event.reason;
    list.push(entry);
    if (list.length > limit) list.splice(0, list.length - limit);
  }

  #finalStatus(): Status | null {
    const desired = combineStatuses([layerStatus(this.#views()), this.#charmStatus]);
    if (desired) return desired;
    // The layer's own status must not outlive the hook in which it stopped being true.
    const last = this.#state.status;
    if (last && last.owner === 'layer' && last.state !== 'active') return { state: 'active', message: '' };
    // After a killed hook, the unit may still show that hook's status (e.g. maintenance): replace it.
    if (this.#statusInDoubt && last?.owner !== 'charm') return { state: 'active', message: '' };
    return null;
  }

  async #applyStatus(status: Status | null): Promise<void> {
    if (!status) return;
    const last = this.#state.status;
    if (last && sameStatus(last, status) && !this.#statusInDoubt) return;
    const owner = this.#charmStatus && sameStatus(status, this.#charmStatus) ? 'charm' : 'layer';
    try {
      await this.#tools.statusSet(status.state, status.message);
      this.#state.status = { ...status, owner };
      this.#statusInDoubt = false;
    } catch (error) {
      this.#noteToolFailure(error, 'status-set');
    }
  }

  #log(message: string, level: 'ERROR' | 'WARNING'): void {
    this.#io.push(this.#tools.jujuLog(message, level).catch((error) => this.#noteToolFailure(error, 'juju-log')));
  }

  /** Tells the operator: on stderr (or `onWarning`), and in the unit's log at `level`. */
  #warn(message: string, level: 'WARNING' | 'ERROR' = 'WARNING'): void {
    (this.#options.onWarning ?? ((m: string) => process.stderr.write(`docker-resource: warning: ${m}\n`)))(message);
    this.#log(message, level);
  }

  #noteToolFailure(error: unknown, tool: string): void {
    if (error instanceof HookToolError && error.failure === 'not-in-hook') {
      this.#fatal ??= error;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`docker-resource: ${tool} failed, going on: ${message}\n`);
  }

  async #checkFatal(): Promise<void> {
    if (this.#fatal) throw this.#fatal;
  }

  async #persist(): Promise<boolean> {
    if (this.#fatal) throw this.#fatal;
    if (!this.#changed()) return false;
    const resources: Record<string, PersistedResource> = {};
    for (const slot of this.#slots.values()) {
      const persisted = slot.actor ? (slot.actor.getPersistedSnapshot() as unknown as PersistedResource) : slot.persisted;
      if (persisted && (persisted.value !== 'idle' || slot.actor)) resources[slot.name] = persisted;
    }
    const history: LayerState['history'] = {};
    for (const name of this.#slots.keys()) {
      const list = own(this.#state.history, name);
      if (list) history[name] = list;
    }
    const next: LayerState = { ...this.#state, resources, history };
    try {
      await writeStateFile(this.#stateFile, next);
    } catch (error) {
      // Something is in the way (e.g. a directory at the path): say so loudly, but let the hook end well;
      // the next hook starts from the last saved state (or afresh) and redoes the work.
      this.#warn(`cannot save the state, the next hook will redo this one's work: ${(error as Error).message}`, 'ERROR');
      return false;
    }
    this.#clean = true;
    return true;
  }

  /**
   * Whether this hook changed anything the state file holds. Tracked rather than compared, so an
   * idle hook does not serialise the whole state (1.5 MB at 1000 resources) to find it unchanged:
   * machines change only through actors, the status only through status-set.
   */
  #changed(): boolean {
    const slots = [...this.#slots.values()];
    return (
      !this.#clean ||
      slots.some((slot) => slot.actor !== null) ||
      this.#state.autoFetched !== this.#initial.autoFetched ||
      this.#state.status !== this.#initial.status ||
      Object.keys(this.#state.resources).some((name) => !this.#slots.has(name)) ||
      Object.keys(this.#state.history).some((name) => !this.#slots.has(name))
    );
  }

  #stopActors(): void {
    for (const slot of this.#slots.values()) slot.actor?.stop();
  }
}

/** Opens the layer for the current hook: reads the charm and the saved state, and takes the state lock. */
export async function openLayer(options: LayerOptions = {}): Promise<DockerResourceLayer> {
  validateLayerOptions(options);
  const env = options.env ?? process.env;
  const charmDir = options.charmDir ?? charmDirFromEnv(env);
  const stateFile = options.stateFile ?? statePaths(charmDir).file;
  const tools = options.tools ?? createHookTools({ env });
  await ensureStateDir(dirname(stateFile)); // owner-only, or refused with the reason
  const lock = await acquireLock(`${stateFile}.lock`, { timeoutMs: options.lockTimeoutMs ?? 120_000 });
  try {
    const { state, clean, warnings } = await readState(stateFile);
    const cachedCharm = state.charm;
    const charm = await readCharm(charmDir, cachedCharm);
    state.charm = charm.cache;
    return new DockerResourceLayer({
      charmDir,
      hookName: options.hookName ?? hookNameFromEnv(env) ?? null,
      resources: charm.resources,
      tools,
      options,
      setStatus: options.setStatus ?? charm.setStatus ?? true,
      stateFile,
      state,
      clean: clean && charm.cache === cachedCharm,
      warnings,
      release: () => lock.release(),
      recovered: lock.recovered,
    });
  } catch (error) {
    await lock.release();
    throw error;
  }
}
