/**
 * Starts the layer actor for the facade, with the real effects: hook tools, the unit's log,
 * subscribers and history, the state file, the inspector. Loaded only when a hook has work to do.
 */
import type { InspectionEvent } from 'xstate';
import type { LayerContext } from '../machines/layer.context.js';
import { freezeInspectionEvent } from './inspection.js';
import { persistedResources, startLayerActor, type LayerActor, type ResourceActor } from './layer-actor.js';
import type { LayerIO } from './layer-io.js';
import type { LayerOptions } from './layer-open.js';
import { saveLayerState } from './layer-save.js';
import type { CharmCache } from './charm.js';
import type { HookTools } from './hook-tools.js';
import type { PersistedResource } from './layer-state.js';
import { toTransition } from './transition.js';
import type { TransitionLog } from './transition-log.js';

/** What the layer actor needs from the facade. */
export interface StartInput {
  context: LayerContext;
  saved: ReadonlyMap<string, PersistedResource>;
  tools: HookTools;
  options: LayerOptions;
  stateFile: string;
  charm: CharmCache | undefined;
  io: LayerIO;
  log: TransitionLog;
}

/** The started layer actor, each resource's actor by name, and a way to wait on the layer. */
export interface Started {
  actor: LayerActor;
  children: Map<string, ResourceActor>;
  /** Resolves once `done()` holds after a snapshot, or the actor has stopped (done, aborted, failed). */
  until(done: () => boolean): Promise<void>;
}

/** The user's inspector, given frozen redacted copies of the events it shows, or undefined without one. */
function inspector(user: LayerOptions['inspect']): ((event: InspectionEvent) => void) | undefined {
  if (!user) return undefined;
  const deliver = typeof user === 'function' ? user : (e: InspectionEvent) => user.next?.(e);
  return (event) => {
    const safe = freezeInspectionEvent(event);
    if (safe) deliver(safe);
  };
}

/** Starts the layer actor in `input.context`'s phase, its children restored from their saved snapshots. */
export function startLayer(input: StartInput): Started {
  const { options, io, log, context } = input;
  const hook = context.hook;
  const now = (): string => (options.now?.() ?? new Date()).toISOString();
  const actor = startLayerActor(context, input.saved, {
    tools: input.tools,
    retry: options.retry,
    fetchTimeoutMs: options.fetchTimeoutMs,
    registry: { env: options.env ?? process.env, timeoutMs: options.registry?.timeoutMs, fetch: options.registry?.fetch },
    onToolError: (error) => io.noteError(error),
    notifyTransition: (t) => log.record(toTransition(t, now(), hook)),
    logFailure: ({ name, kind, reason }) => io.log(`resource "${name}" unavailable (${kind}): ${reason}`, 'ERROR'),
    warn: (message) => io.warn(message),
    warnUnverified: ({ name, reason }) => io.warn(`resource "${name}": the registry could not confirm the image (${reason}); it stays available and is asked again in the next hook`),
    toolFailed: ({ tool, message }) => io.toolFailed(tool, message),
    // The save runs in `committing`, before an observer of the actor hears of that phase: record it here.
    saveState: (save, self) => (
      log.phase('committing', now),
      saveLayerState(save, {
        stateFile: input.stateFile,
        resources: persistedResources(self, save.names),
        log,
        charm: input.charm,
        onError: (m) => io.warn(m, 'ERROR'),
      })
    ),
    inspect: inspector(options.inspect),
  });
  const children = new Map(context.names.map((name) => [name, actor.system.get(name) as ResourceActor]));
  return { actor, children, until: (done) => until(actor, done) };
}

function until(actor: LayerActor, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    let sub: { unsubscribe(): void } | undefined;
    const check = (): boolean => {
      if (actor.getSnapshot().status !== 'active' || done()) return (sub?.unsubscribe(), resolve(), true);
      return false;
    };
    if (!check()) sub = actor.subscribe({ next: check, error: check, complete: check });
  });
}
