/**
 * The hook cycle's context and the rules that read it: what to fetch, how many at once, which
 * status to set and when, whether the state must be written. Pure and free of XState: the layer
 * machine's guards and actions call these, and so does an idle hook, which never loads XState.
 */
import type { Status } from '../src/status.js';
import { combineStatuses, layerStatus, sameStatus } from '../src/status.js';
import type { CharmResource } from '../src/charm.js';
import type { LayerState } from '../src/layer-state.js';
import type { ResourceState } from './resource.machine.js';

/** A fetch waiting for a free slot: which resource, and the event that will start it. */
export interface Queued {
  name: string;
  event: 'fetch' | 'refetch' | 'retry' | 'reverify';
}

/** The status the layer last set through `status-set`, and whose it was. */
export type RecordedStatus = Status & { owner: 'layer' | 'charm' };

/** Everything the hook cycle decides from: plain JSON. */
export interface LayerContext {
  /** The hook's name (`install`, `upgrade-charm`, …), or null outside a known hook. */
  hook: string | null;
  /** The charm's oci-image resources, in metadata order. */
  names: string[];
  /** Those marked `auto-fetch`. */
  autoFetch: string[];
  /** Those whose fetch also asks the registry (the `verify` option). */
  verify: string[];
  /** Those available but not confirmed by their registry (asked again in every hook while `verify` holds). */
  unverified: string[];
  /**
   * Each resource's state as its actor last reported it settling (`idle`, `available`, `failed`; or
   * `fetching` as saved), in the order of `names`, in chunks of 32 (read with `stateOf`, which says
   * `fetching` for a resource in `inFlight`): every settling replaces one state, and a chunked list is
   * copied in 64 places, not 1000. A fetch the layer started is in `inFlight` from that moment, so the
   * child's report that it entered `fetching` changes nothing here: it is a transition to tell, not a
   * context to copy (at install N = 100 that is 100 fewer updates of the hook cycle's context).
   */
  states: ResourceState[][];
  /** The fetches queued in this hook, oldest first; those from `next` on wait for a slot. */
  queue: Queued[];
  /** Where the waiting part of `queue` starts (an index, so that starting a fetch copies no list). */
  next: number;
  /** Resources fetching now. */
  inFlight: string[];
  /** At most this many fetches at once. */
  concurrency: number;
  /** Whether the layer sets the unit's status (layer.yaml `set-status`). */
  setStatus: boolean;
  /** The status the layer last set (kept across hooks). */
  status: RecordedStatus | null;
  /** Whether `status` was set by this hook (else an earlier one, and the charm may have set its own since). */
  statusSetNow: boolean;
  /** The previous hook was killed holding the lock: the unit may show a status never recorded. */
  statusInDoubt: boolean;
  /** The charm's own status, competing by priority (kept across hooks). */
  charmStatus: Status | null;
  /** Whether auto-fetch has run. */
  autoFetched: boolean;
  /** Whether this hook's plan (auto-fetch, refetch, retries) has been made. */
  ran: boolean;
  /** Whether something the state file holds has changed since it was read. */
  dirty: boolean;
  /** Why the hook was aborted, if it was. */
  aborted: string | null;
  /** Whether the state was written. */
  wrote: boolean;
}

/** Each `names` array's positions by name, computed once per array (the names do not change in a hook). */
const positions = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

/** Where a resource is in `names` (and `states`), by a name that may be any text (`constructor` included); -1 if absent. */
export function indexOf(names: readonly string[], name: string): number {
  let map = positions.get(names);
  if (!map) positions.set(names, (map = new Map(names.map((n, i) => [n, i]))));
  return map.get(name) ?? -1;
}

const CHUNK = 32;

/** States in the order of `names`, as `LayerContext.states` holds them (chunks of 32). */
export function chunked(states: readonly ResourceState[]): ResourceState[][] {
  const out: ResourceState[][] = [];
  for (let i = 0; i < states.length; i += CHUNK) out.push(states.slice(i, i + CHUNK));
  return out;
}

/** The state of a resource, by name: `fetching` while it is in flight, else the state it last settled in. */
export function stateOf(context: Pick<LayerContext, 'names' | 'states' | 'inFlight'>, name: string): ResourceState {
  return context.inFlight.includes(name) ? 'fetching' : settledOf(context, name);
}

/** The state a resource last settled in (or was saved in), by name, whether or not it is in flight now. */
export function settledOf(context: Pick<LayerContext, 'names' | 'states'>, name: string): ResourceState {
  const at = indexOf(context.names, name);
  return (at === -1 ? undefined : context.states[Math.floor(at / CHUNK)]?.[at % CHUNK]) ?? 'idle';
}

/** The states with one resource's replaced: a copy that shares every chunk but the one it changes. */
export function withState(context: Pick<LayerContext, 'names' | 'states'>, name: string, state: ResourceState): ResourceState[][] {
  const at = indexOf(context.names, name);
  if (at === -1) return context.states;
  const states = [...context.states];
  const chunk = [...(states[Math.floor(at / CHUNK)] ?? [])];
  chunk[at % CHUNK] = state;
  states[Math.floor(at / CHUNK)] = chunk;
  return states;
}

/** The fetches that wait for a slot, oldest first. */
export function waiting(context: Pick<LayerContext, 'queue' | 'next'>): Queued[] {
  return context.queue.slice(context.next);
}

/** Whether a resource in `state` starts fetching on `event`, as the resource machine would. */
export function accepts(state: ResourceState, event: Queued['event']): boolean {
  if (event === 'fetch') return state !== 'fetching';
  if (event === 'refetch') return state === 'available' || state === 'failed';
  if (event === 'reverify') return state === 'available';
  return state === 'failed';
}

/** Whether a resource waits for a slot or is fetching. */
export function busy(context: LayerContext, name: string): boolean {
  if (context.inFlight.includes(name)) return true;
  for (let i = context.next; i < context.queue.length; i++) if (context.queue[i]!.name === name) return true;
  return false;
}

/** The resources that wait for a slot or are fetching. */
function busyNames(context: LayerContext): Set<string> {
  const names = new Set(context.inFlight);
  for (let i = context.next; i < context.queue.length; i++) names.add(context.queue[i]!.name);
  return names;
}

/** The queue with each of `names` added once, unless it is already waiting or fetching. */
export function enqueue(context: LayerContext, names: readonly string[], event: Queued['event']): Queued[] {
  const busyNow = busyNames(context);
  const added: Queued[] = [];
  for (const name of names) {
    if (busyNow.has(name)) continue;
    busyNow.add(name);
    added.push({ name, event });
  }
  return added.length === 0 ? context.queue : [...context.queue, ...added];
}

/**
 * What a hook asks of the layer by itself: auto-fetch (first hook), refetch on upgrade-charm, retry
 * failures, and ask the registry again about images it could not confirm.
 */
export function plan(context: LayerContext): Queued[] {
  const added: Queued[] = [];
  const auto = new Set(context.autoFetch);
  const reverify = new Set(context.unverified.filter((name) => context.verify.includes(name)));
  const busyNow = busyNames(context);
  for (const name of context.names) {
    const state = stateOf(context, name);
    const event =
      auto.has(name) && state === 'idle'
        ? 'fetch'
        : context.hook === 'upgrade-charm' && state !== 'idle'
          ? 'refetch'
          : state === 'failed'
            ? 'retry'
            : state === 'available' && reverify.has(name)
              ? 'reverify'
              : undefined;
    if (event && !busyNow.has(name)) added.push({ name, event });
  }
  return added.length === 0 ? context.queue : [...context.queue, ...added];
}

/** The context once the hook's plan is made: the plan queued, auto-fetch marked done. */
export function afterPlan(context: LayerContext, queue: Queued[] = plan(context)): LayerContext {
  return { ...context, queue, ran: true, autoFetched: true, dirty: context.dirty || !context.autoFetched };
}

/** The hook cycle's starting context, from the charm, the saved state and the options. Pure. */
export function initialLayerContext(init: {
  hook: string | null;
  resources: readonly CharmResource[];
  state: LayerState;
  concurrency: number;
  setStatus: boolean;
  /** Verify every resource (else those marked `verify` in metadata.yaml). */
  verify: boolean;
  clean: boolean;
  recovered: boolean;
}): LayerContext {
  const { state, resources } = init;
  const saved = new Map(Object.entries(state.resources));
  return {
    hook: init.hook,
    names: resources.map((r) => r.name),
    autoFetch: resources.filter((r) => r.autoFetch).map((r) => r.name),
    verify: resources.filter((r) => init.verify || r.verify === true).map((r) => r.name),
    unverified: resources.filter(({ name }) => typeof saved.get(name)?.context.unverified === 'string').map((r) => r.name),
    states: chunked(resources.map(({ name }) => saved.get(name)?.value ?? 'idle')),
    queue: [],
    next: 0,
    inFlight: [],
    concurrency: init.concurrency,
    setStatus: init.setStatus,
    status: state.status,
    statusSetNow: false,
    statusInDoubt: init.recovered,
    charmStatus: state.charmStatus ?? null,
    autoFetched: state.autoFetched,
    ran: false,
    dirty: !init.clean,
    aborted: null,
    wrote: false,
  };
}

/**
 * Whether a hook that starts from `context` has nothing to do: it plans no fetch, sets no status and
 * writes nothing (an idle hook). What the facade does when its hook only runs and commits.
 */
export function hasNothingToDo(context: LayerContext): boolean {
  const queue = plan(context);
  if (queue.length > 0) return false;
  const planned = afterPlan(context, queue);
  return !planned.dirty && finalStatus(planned) === null;
}

/** Whether a slot is free and something waits for it. */
export function canStart(context: LayerContext): boolean {
  return context.inFlight.length < context.concurrency && context.next < context.queue.length;
}

/** Whether nothing is queued or fetching. */
export function isSettled(context: LayerContext): boolean {
  return context.next >= context.queue.length && context.inFlight.length === 0;
}

/** The fetches to start now (at most the free slots; one its resource no longer accepts is dropped), and where the waiting part starts after them. */
export function nextFetches(context: LayerContext): { start: Queued[]; next: number } {
  const start: Queued[] = [];
  let next = context.next;
  while (next < context.queue.length && context.inFlight.length + start.length < context.concurrency) {
    const queued = context.queue[next++]!;
    if (accepts(stateOf(context, queued.name), queued.event)) start.push(queued);
  }
  return { start, next };
}

const views = (context: LayerContext) => context.names.map((name) => ({ name, state: stateOf(context, name) }));

/** The layer's own status (unless `set-status` is off) and the charm's, combined by priority. */
function desired(context: LayerContext, fetching: readonly string[] = []): Status | null {
  return combineStatuses([context.setStatus ? layerStatus(views(context), fetching) : null, context.charmStatus]);
}

/** Whether setting `status` would change what the unit shows. */
function differs(context: LayerContext, status: Status): boolean {
  return context.statusInDoubt || !sameStatus(context.status, status);
}

/**
 * The status to set before fetching starts: `maintenance` naming what will be fetched, unless only
 * failed resources are retried (they stay under the blocked status until they succeed) or images
 * are asked about again (quietly). Null when nothing would change.
 */
export function announcement(context: LayerContext): Status | null {
  if (!context.setStatus) return null;
  const queued = waiting(context).filter((q) => q.event !== 'reverify').map((q) => q.name);
  const names = [...context.inFlight, ...queued].filter((n) => stateOf(context, n) !== 'failed');
  const status = desired(context, names);
  return status && differs(context, status) ? status : null;
}

/** The status to set at the end of the hook, and whether to ask the unit first what it shows. */
export interface FinalStatus {
  status: Status;
  /**
   * Clearing a status set in an earlier hook: the charm may have set its own since, so ask
   * `status-get` and clear only if the unit still shows the layer's.
   */
  askFirst: boolean;
}

/**
 * The status the hook must end with, or null when the unit already shows the right one. With
 * `set-status` off the layer adds nothing of its own, but a status the charm set through it is set.
 */
export function finalStatus(context: LayerContext): FinalStatus | null {
  const status = desired(context);
  if (status) return differs(context, status) ? { status, askFirst: false } : null;
  const last = context.status;
  const cleared = { state: 'active', message: '' } as const;
  // The layer's own status must not outlive the hook in which it stopped being true.
  if (last?.owner === 'layer' && last.state !== 'active') return { status: cleared, askFirst: !context.statusSetNow && !context.statusInDoubt };
  // After a killed hook the unit may show that hook's status (maintenance, say): replace it.
  if (context.setStatus && context.statusInDoubt && last?.owner !== 'charm') return { status: cleared, askFirst: false };
  return null;
}

/** Who owns a status the layer sets: the charm when it is the charm's own, else the layer. */
export function ownerOf(context: LayerContext, status: Status): RecordedStatus['owner'] {
  return context.charmStatus && sameStatus(status, context.charmStatus) ? 'charm' : 'layer';
}
