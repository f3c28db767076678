/**
 * Creates the layer actor: the layer machine with its effects provided, its resource children
 * restored from their saved snapshots in one `createActor`. Loaded by the facade only when a hook
 * has work to do, so an idle hook never loads XState, the machines or the fetch step.
 */
import { createActor, fromPromise, type Actor, type InspectionEvent } from 'xstate';
import { layerMachine, type LayerContext, type ResourceTransition, type SaveInput } from '../machines/layer.machine.js';
import { initialContext } from '../machines/resource.context.js';
import {
  DEFAULT_FETCH_TIMEOUT_MS,
  resourceMachine,
  type FetchInput,
  type FetchOutput,
  type VerifyInput,
  type VerifyOutput,
} from '../machines/resource.machine.js';
import { DEFAULT_RETRY, createFetchImage, type RetryPolicy } from './fetch-image.js';
import type { HookTools, UnitStatus } from './hook-tools.js';
import type { PersistedResource } from './layer-state.js';
import type { Status } from './status.js';

/** A running layer machine; `actor.system.get(name)` is the actor of resource `name`. */
export type LayerActor = Actor<typeof layerMachine>;

/** A running resource machine. */
export type ResourceActor = Actor<typeof resourceMachine>;

/** What the facade does for the machine: the side effects it names. */
export interface LayerEffects {
  tools: HookTools;
  /** Overrides of the default in-hook retry of `resource-get`. */
  retry?: Partial<RetryPolicy> | undefined;
  /** The fetch time limit in ms. */
  fetchTimeoutMs?: number | undefined;
  /** How the registry is asked (proxies from `env`); used only for resources that verify. */
  registry: { env: Record<string, string | undefined>; timeoutMs?: number | undefined; fetch?: typeof globalThis.fetch | undefined };
  /** Called with every error a hook tool throws, before the machine sees it (the facade keeps fatal ones). */
  onToolError: (error: unknown) => void;
  notifyTransition: (transition: ResourceTransition) => void;
  logFailure: (failure: { name: string; kind: string; reason: string }) => void;
  warn: (message: string) => void;
  warnUnverified: (unverified: { name: string; reason: string }) => void;
  toolFailed: (failure: { tool: string; message: string }) => void;
  saveState: (input: SaveInput, actor: LayerActor) => Promise<boolean>;
  inspect?: ((event: InspectionEvent) => void) | undefined;
}

/** Runs `work`, telling `onError` about anything it throws before rethrowing it. */
async function watched<T>(onError: (error: unknown) => void, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    onError(error);
    throw error;
  }
}

/** The layer machine with the real effects. */
function providedMachine(effects: LayerEffects, actor: () => LayerActor) {
  const { tools, onToolError } = effects;
  const fetchImage = createFetchImage(tools, { ...DEFAULT_RETRY, ...effects.retry });
  const { registry } = effects;
  const verifyImage = fromPromise<VerifyOutput, VerifyInput>(async ({ input, signal }) => {
    // Loaded on the first verification: a hook that does not verify never loads the probe or undici.
    const { probeImage } = await import('./registry/index.js');
    return probeImage(input.image, {
      signal,
      env: registry.env,
      ...(registry.timeoutMs === undefined ? {} : { timeoutMs: registry.timeoutMs }),
      ...(registry.fetch === undefined ? {} : { fetch: registry.fetch }),
    });
  });
  const resource = resourceMachine.provide({
    actors: { fetchImage: fromPromise<FetchOutput, FetchInput>((args) => watched(onToolError, () => fetchImage(args))), verifyImage },
    delays: { fetchTimeout: effects.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS },
  });
  return layerMachine.provide({
    actors: {
      resource,
      setStatus: fromPromise<Status, Status>(({ input }) =>
        watched(onToolError, async () => (await tools.statusSet(input.state, input.message), input)),
      ),
      getStatus: fromPromise<UnitStatus, void>(() => watched(onToolError, () => tools.statusGet())),
      saveState: fromPromise<boolean, SaveInput>(({ input }) => effects.saveState(input, actor())),
    },
    actions: {
      notifyTransition: (_, transition) => transition && effects.notifyTransition(transition),
      logFailure: (_, failure) => failure && effects.logFailure(failure),
      warn: (_, message) => effects.warn(message),
      warnUnverified: (_, unverified) => unverified && effects.warnUnverified(unverified),
      toolFailed: (_, failure) => effects.toolFailed(failure),
    },
  });
}

/** The persisted snapshot of a resource that was never requested. */
const fresh = (name: string): unknown =>
  resourceMachine.getPersistedSnapshot(resourceMachine.resolveState({ value: 'idle', context: initialContext(name) }));

/**
 * Creates and starts the layer actor in `context`'s phase, with one child per resource restored
 * from `saved` (a resource without a saved snapshot starts idle).
 */
export function startLayerActor(context: LayerContext, saved: ReadonlyMap<string, PersistedResource>, effects: LayerEffects): LayerActor {
  let self: LayerActor | undefined;
  const machine = providedMachine(effects, () => self!);
  const value = context.ran ? 'settled' : 'open';
  const parent = machine.getPersistedSnapshot(machine.resolveState({ value, context })) as unknown as Record<string, unknown>;
  const children: Record<string, unknown> = {};
  for (const name of context.names) {
    const snapshot = saved.get(name) ?? fresh(name);
    children[name] = { snapshot, src: 'resource', systemId: name, syncSnapshot: false };
  }
  const snapshot = { ...parent, children } as never;
  self = createActor(machine, { snapshot, input: context, ...(effects.inspect ? { inspect: effects.inspect } : {}) });
  self.start();
  if (self.getSnapshot().status === 'error') throw new Error('the layer could not be restored from its saved state');
  return self;
}

/** Each resource's persisted snapshot, read from its actor. */
export function persistedResources(actor: LayerActor, names: readonly string[]): Map<string, PersistedResource> {
  const out = new Map<string, PersistedResource>();
  for (const name of names) {
    const child = actor.system.get(name) as ResourceActor | undefined;
    if (child) out.set(name, child.getPersistedSnapshot() as unknown as PersistedResource);
  }
  return out;
}
