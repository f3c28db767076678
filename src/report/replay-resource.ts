/**
 * The recorded life of resource actors, rebuilt from the saved history for a replay: each
 * recorded step becomes the resource machine's own event (`fetch`, `xstate.done.actor.fetch`…)
 * and the snapshot after it, its context rebuilt from what the entry holds (digest, failure
 * kind and reason, changed, attempts). Each hook run becomes a source actor, the events' origin.
 */
import { initialContext } from '../../machines/resource.context.js';
import { resourceMachine, type ResourceContext, type ResourceState } from '../../machines/resource.machine.js';
import { redactImageFields } from '../image-info.js';
import type { LayerState } from '../layer-state.js';
import type { ResourceView } from '../resource-view.js';
import { readSteps, type Step } from './history.js';
import { groupHookRuns, type HookRun } from './hook-runs.js';
import type { WireEventObject, WireSnapshot } from './inspect-wire.js';
import { createScrubber, scrubDeep, secretValues } from './scrub.js';
import type { RecordedActor, RecordedActorStep } from './replay-events.js';
import { own } from '../own.js';

/** The resource machine's event for a recorded step (domain names back to the machine's own). */
export function machineEvent(step: Step): WireEventObject {
  switch (step.event) {
    case 'fetch':
    case 'refetch':
    case 'retry':
    case 'reverify':
      return { type: step.event };
    case 'fetched':
      return { type: 'xstate.done.actor.fetch', output: step.digest ? { digest: step.digest } : {}, actorId: 'fetch' };
    case 'verified':
      return { type: 'xstate.done.actor.verify', output: { result: 'found', ...(step.registryDigest ? { digest: step.registryDigest } : {}) }, actorId: 'verify' };
    case 'unverified':
      return { type: 'xstate.done.actor.verify', output: { result: 'unverified', reason: step.reason ?? '' }, actorId: 'verify' };
    case 'verify-failed':
      return { type: 'xstate.done.actor.verify', output: { result: 'failed', ...(step.kind ? { kind: step.kind } : {}), reason: step.reason ?? '' }, actorId: 'verify' };
    case 'fetch-failed':
      return { type: 'xstate.error.actor.fetch', error: { ...(step.kind ? { kind: step.kind } : {}), reason: step.reason ?? '' }, actorId: 'fetch' };
    case 'timed-out':
      return { type: 'xstate.after.fetchTimeout.resource.fetching' };
    default:
      return { type: step.event, ...(step.reason ? { reason: step.reason } : {}) };
  }
}

const isStart = (s: Step) => s.to === 'fetching' && s.from !== 'fetching';

/** The context after a step, from the one before it and what the entry recorded. */
export function nextContext(c: ResourceContext, step: Step): ResourceContext {
  const next: ResourceContext = { ...c };
  if (isStart(step))
    Object.assign(next, { requested: true, image: null, failure: null, changed: step.event === 'reverify' ? c.changed : false, attempts: c.attempts + 1 });
  else if (step.to === 'available' && step.from === 'fetching')
    Object.assign(next, {
      image: null,
      digest: step.digest ?? null,
      changed: step.changed ?? false,
      failuresInARow: 0,
      registryDigest: step.registryDigest ?? null,
      unverified: step.event === 'unverified' ? (step.reason ?? '') : null,
    });
  else if (step.to === 'failed' && step.from === 'fetching')
    Object.assign(next, {
      image: null,
      digest: null,
      changed: false,
      failuresInARow: c.failuresInARow + 1,
      failure: { kind: step.kind ?? 'unknown', reason: step.reason ?? '' },
    });
  else {
    if (step.digest !== undefined) next.digest = step.digest;
    if (step.changed !== undefined) next.changed = step.changed;
  }
  if (step.attempts !== undefined) next.attempts = step.attempts;
  return next;
}

/** The context before the first recorded step (the history kept may start after the actor's birth). */
function contextBefore(name: string, first: Step | undefined): ResourceContext {
  const c = initialContext(name);
  if (!first || first.from === 'idle') return c;
  const attempts = first.attempts !== undefined ? Math.max(0, first.attempts - (isStart(first) ? 1 : 0)) : 0;
  return { ...c, requested: true, attempts };
}

/** The machine's state value: `fetching` is compound (reading the resource, or asking the registry again). */
const valueOf = (state: ResourceState, event?: string): WireSnapshot['value'] =>
  state === 'fetching' ? { fetching: event === 'reverify' ? 'verifying' : 'reading' } : state;

const snapshotOf = (value: ResourceState, context: ResourceContext, event?: string): WireSnapshot => ({
  status: 'active',
  value: valueOf(value, event),
  context: { ...context },
  tags: [],
  children: {},
});

/** Options of {@link resourceReplayActors}. */
export interface ResourceReplayOptions {
  /** The resources to replay (default: all, in the charm's order). */
  names?: readonly string[];
  /** When to register a resource that has no recorded step (default: the replay's first step, else now). */
  now?: () => Date;
  /**
   * The source actor of a hook run (default: `base`, an actor without a machine named after the
   * hook). Return another actor under the same key (e.g. a layer actor with its machine's
   * definition and recorded steps) and the resource events name it as their origin.
   */
  hookActor?: (run: HookRun, base: RecordedActor) => RecordedActor;
}

/**
 * The recorded actors of a replay of these resources: one source actor per hook run that
 * touched them (named after the hook and its time), and one resource actor each, with the
 * resource machine's definition. Credentials are redacted and every known credential value scrubbed.
 */
export function resourceReplayActors(
  state: LayerState,
  views: readonly ResourceView[],
  options: ResourceReplayOptions = {},
): { actors: RecordedActor[]; warnings: string[] } {
  const warnings: string[] = [];
  const scrub = createScrubber(secretValues(state));
  const histories = new Map<string, Step[]>();
  for (const { name } of views)
    histories.set(name, scrubDeep(readSteps(name, own(state.history, name), warnings), scrub));
  const { runs, runOf } = groupHookRuns(histories);
  const chosen = views.filter((v) => !options.names || options.names.includes(v.name));

  const used = new Set<number>();
  for (const v of chosen) for (const run of runOf.get(v.name)!) used.add(run);
  const hookActors: RecordedActor[] = runs
    .filter((r) => used.has(r.index))
    .map((r) => {
      const base: RecordedActor = {
        key: `hook:${r.index}`,
        name: `${scrub(r.hook ?? 'outside a hook')} ${new Date(r.start).toISOString()}`,
        createdAt: r.start,
        initial: { status: 'active' },
        steps: [],
      };
      const actor = options.hookActor?.(r, base) ?? base;
      if (actor.key !== base.key) throw new Error(`hookActor must keep the key "${base.key}"`);
      return actor;
    });
  const earliest = Math.min(...[...used].map((i) => runs[i]!.start));
  const fallback = Number.isFinite(earliest) ? earliest : (options.now?.() ?? new Date()).getTime();

  const resourceActors = chosen.map((view, index): RecordedActor => {
    const steps = histories.get(view.name)!;
    const name = scrub(view.name);
    // The saved context is the truth about now: the last step that reaches the saved state shows it (redacted).
    const now = scrubDeep({ ...view.context, image: view.context.image ? redactImageFields(view.context.image) : null }, scrub);
    let context = contextBefore(name, steps[0]);
    const recorded: RecordedActorStep[] = steps.map((step, i) => {
      context = nextContext(context, step);
      const last = i === steps.length - 1 && step.to === view.state;
      return {
        at: step.time,
        source: `hook:${runOf.get(view.name)![i]}`,
        event: machineEvent(step),
        snapshot: snapshotOf(step.to, last ? now : context, step.event),
      };
    });
    const first = steps[0];
    return {
      key: `resource:${index}`,
      name,
      definition: resourceMachine.config,
      createdAt: first ? first.time : fallback,
      input: { name },
      initial: first ? snapshotOf(first.from, contextBefore(name, first)) : snapshotOf(view.state, now),
      steps: recorded,
    };
  });
  return { actors: [...hookActors, ...resourceActors], warnings };
}
