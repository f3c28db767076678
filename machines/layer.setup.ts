/**
 * What the hook cycle can do: its context, events, child and tool actors, actions and guards,
 * named for machines/layer.machine.ts. Pure: the side effects are placeholders here, provided by
 * `src/` with `machine.provide()`; the rules are the pure functions of layer.context.ts.
 */
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { UnitStatus } from '../src/hook-tools.js';
import { sameStatus, type Status } from '../src/status.js';
import {
  afterPlan,
  announcement,
  canStart,
  enqueue,
  finalStatus,
  isSettled,
  nextFetches,
  ownerOf,
  settledOf,
  stateOf,
  withState,
  type LayerContext,
} from './layer.context.js';
import { isFatal } from './resource.events.js';
import { resourceMachine, type ResourceEntered } from './resource.machine.js';

export type { LayerContext };

/** Events the facade sends, and the one its children send. */
export type LayerEvent =
  /** Request a fetch of a resource (it stays requested from then on). */
  | { type: 'fetch'; name: string }
  /** Run the layer's part of the hook: auto-fetch, refetch on upgrade-charm, retry failures. */
  | { type: 'run' }
  /** Fetch these resources now, announcing it (what `docker-resource fetch` does); no auto-fetch or retries. */
  | { type: 'fetch-now'; names: string[] }
  /** The charm's own status (null withdraws it), competing with the layer's by priority. */
  | { type: 'charm-status'; status: Status | null }
  /** End the hook: final status, then write the state if it changed. */
  | { type: 'commit' }
  /** End the hook without writing anything. */
  | { type: 'abandon'; reason: string }
  | ResourceEntered;

/** How the hook ended: whether the state was written, and why it was aborted if it was. */
export interface LayerOutput {
  wrote: boolean;
  aborted: string | null;
}

/** What the `saveState` actor receives: the layer's own part of the state (the children's is read from them). */
export interface SaveInput {
  names: string[];
  status: LayerContext['status'];
  charmStatus: Status | null;
  autoFetched: boolean;
}

/** A transition of one resource, as the `notifyTransition` action receives it (no credential). */
export type ResourceTransition = Omit<ResourceEntered, 'type' | 'state' | 'fatal'> & {
  from: ResourceEntered['state'];
  to: ResourceEntered['state'];
};

/**
 * The transition a child's report makes, or null when its state did not change. A fetch the layer started
 * is in flight before its child reports entering `fetching`: that transition is from the state it settled in.
 */
export function transitionOf(context: LayerContext, event: ResourceEntered): ResourceTransition | null {
  const from = event.state === 'fetching' ? settledOf(context, event.name) : stateOf(context, event.name);
  const { type: _type, state: to, fatal: _fatal, ...details } = event;
  return from === to ? null : { ...details, from, to };
}

/** What the `toolFailed` action is told of a hook tool that failed. */
export const toolFailure = (tool: string, error: unknown) => ({ tool, message: error instanceof Error ? error.message : String(error) });

/** The layer machine's setup: everything its states refer to by name. */
export const layerSetup = setup({
  types: {
    context: {} as LayerContext,
    events: {} as LayerEvent,
    input: {} as LayerContext,
    output: {} as LayerOutput,
  },
  actors: {
    resource: resourceMachine,
    /** Sets the unit's status (`status-set`) and resolves with the status it set. */
    setStatus: fromPromise<Status, Status>(async ({ input }) => input),
    /** Reads the unit's status (`status-get`). */
    getStatus: fromPromise<UnitStatus, void>(async () => ({ status: 'unknown', message: '' })),
    /** Writes the state file; resolves with whether it wrote. */
    saveState: fromPromise<boolean, SaveInput>(async () => false),
  },
  actions: {
    /** Tells subscribers and the history about a transition (provided by src/: it stamps the time). */
    notifyTransition: (_, _transition: ResourceTransition | null) => undefined,
    /** Logs a failed fetch at ERROR (provided by src/: juju-log). */
    logFailure: (_, _failure: { name: string; kind: string; reason: string } | null) => undefined,
    /** Says the registry could not confirm an image, which stays available and is asked again later (provided by src/). */
    warnUnverified: (_, _unverified: { name: string; reason: string } | null) => undefined,
    /** Says something went wrong but the hook goes on (provided by src/). */
    warn: (_, _message: string) => undefined,
    /** Says a hook tool failed and the hook goes on without it (provided by src/: stderr). */
    toolFailed: (_, _failure: { tool: string; message: string }) => undefined,
    queueFetch: assign({
      queue: ({ context, event }) => (event.type === 'fetch' ? enqueue(context, [event.name], 'fetch') : context.queue),
    }),
    plan: assign(({ context, event }) =>
      event.type === 'fetch-now'
        ? { queue: enqueue(context, event.names, 'fetch') }
        : afterPlan(context),
    ),
    setCharmStatus: assign(({ context, event }) => {
      if (event.type !== 'charm-status') return {};
      return { charmStatus: event.status, dirty: context.dirty || !sameStatus(context.charmStatus, event.status) };
    }),
    startFetches: enqueueActions(({ context, enqueue: act }) => {
      const { start, next } = nextFetches(context);
      act.assign({ next, inFlight: [...context.inFlight, ...start.map((s) => s.name)] });
      for (const { name, event } of start)
        act.sendTo(name, event === 'reverify' ? { type: event } : { type: event, verify: context.verify.includes(name) });
    }),
    /** A child settled, or entered `fetching` without the layer starting it (an event sent to the child itself). */
    childEntered: assign(({ context, event }) => {
      if (event.type !== 'resource.entered') return {};
      const others = context.inFlight.filter((n) => n !== event.name);
      const unverified = context.unverified.filter((n) => n !== event.name);
      return {
        states: event.state === 'fetching' ? context.states : withState(context, event.name, event.state),
        inFlight: event.state === 'fetching' ? [...others, event.name] : others,
        unverified: event.state === 'available' && event.unverified !== null ? [...unverified, event.name] : unverified,
        dirty: true,
      };
    }),
    recordStatus: assign(({ context }, status: Status) => ({
      status: { ...status, owner: ownerOf(context, status) },
      statusSetNow: true,
      statusInDoubt: false,
      dirty: true,
    })),
    /** The unit shows a status that is not the layer's (the charm set its own since): the layer has none to clear. */
    forgetStatus: assign({ status: null, dirty: true }),
    /** One child per resource, with the resource name as its id and system id. */
    spawnResources: enqueueActions(({ context, enqueue: act }) => {
      for (const name of context.names) act.spawnChild('resource', { id: name, systemId: name, input: { name } });
    }),
    abort: assign({ aborted: (_, reason: string) => reason }),
  },
  guards: {
    notPlanned: ({ context }) => !context.ran,
    /** A child reports entering `fetching` for a fetch the layer started: the layer already counts it in flight. */
    startedHere: ({ context, event }) => event.type === 'resource.entered' && event.state === 'fetching' && context.inFlight.includes(event.name),
    mustAnnounce: ({ context }) => announcement(context) !== null,
    canStart: ({ context }) => canStart(context),
    isSettled: ({ context }) => isSettled(context),
    isBusy: ({ context }) => !isSettled(context),
    /** A hook tool is missing: the process is not inside a Juju hook (a child's report, or a tool actor's error). */
    notInHook: ({ event }) =>
      event.type === 'resource.entered' ? event.fatal : isFatal((event as { error?: unknown }).error),
    mustSetFinal: ({ context }) => finalStatus(context)?.askFirst === false,
    mustAskFirst: ({ context }) => finalStatus(context)?.askFirst === true,
    unitShowsOurs: ({ context, event }) => {
      const shown = (event as { output?: UnitStatus }).output;
      return !shown || !context.status || (shown.status === context.status.state && shown.message === context.status.message);
    },
    mustWrite: ({ context }) => context.dirty,
  },
});
