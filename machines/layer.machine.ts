/**
 * The hook cycle (docs/BEHAVIOUR.md §1–§4): one run of the layer inside one Juju hook, as a parent
 * machine whose children are the resource machines (registered with `systemId` = the resource
 * name). Pure: the side effects (status-set, status-get, writing the state, the log, telling
 * subscribers) are actors and actions named in layer.setup.ts and provided by `src/`.
 *
 * starting → open → planning → announcing → fetching → settled → committing → done, or aborted.
 */
import { assign } from 'xstate';
import { announcement, finalStatus, type LayerContext } from './layer.context.js';
import { layerSetup, toolFailure, transitionOf } from './layer.setup.js';

export type { LayerContext };
export type { LayerEvent, LayerOutput, ResourceTransition, SaveInput } from './layer.setup.js';

/** The hook-cycle machine. */
export const layerMachine = layerSetup.createMachine({
  id: 'layer',
  context: ({ input }) => input,
  // A hook that restores saved resources starts in `open` with its children restored (src/layer-actor.ts).
  initial: 'starting',
  on: {
    'charm-status': { actions: 'setCharmStatus' },
    'resource.entered': [
      { guard: 'notInHook', target: '.aborted', actions: { type: 'abort', params: 'not inside a Juju hook' } },
      // A fetch this cycle started is in flight already: its child's report of entering `fetching` is only told.
      { guard: 'startedHere', actions: { type: 'notifyTransition', params: ({ context, event }) => transitionOf(context, event) } },
      {
        actions: [
          { type: 'notifyTransition', params: ({ context, event }) => transitionOf(context, event) },
          { type: 'logFailure', params: ({ event }) => (event.state === 'failed' && event.failure ? { name: event.name, ...event.failure } : null) },
          {
            type: 'warnUnverified',
            params: ({ event }) => (event.state === 'available' && event.unverified !== null ? { name: event.name, reason: event.unverified } : null),
          },
          'childEntered',
        ],
      },
    ],
    abandon: { target: '.aborted', actions: { type: 'abort', params: ({ event }) => event.reason } },
  },
  states: {
    starting: {
      entry: 'spawnResources',
      always: 'open',
    },
    open: {
      always: { guard: 'isBusy', target: 'fetching' },
      on: {
        fetch: { target: 'fetching', actions: 'queueFetch' },
        run: 'planning',
        'fetch-now': 'planning',
        commit: 'committing',
      },
    },
    planning: {
      entry: 'plan',
      always: [{ guard: 'mustAnnounce', target: 'announcing' }, { target: 'fetching' }],
    },
    announcing: {
      invoke: {
        id: 'status-set',
        src: 'setStatus',
        input: ({ context }) => announcement(context)!,
        onDone: { target: 'fetching', actions: { type: 'recordStatus', params: ({ event }) => event.output } },
        onError: [
          { guard: 'notInHook', target: 'aborted', actions: { type: 'abort', params: 'not inside a Juju hook' } },
          { target: 'fetching', actions: { type: 'toolFailed', params: ({ event }) => toolFailure('status-set', event.error) } },
        ],
      },
      on: { fetch: { actions: 'queueFetch' } },
    },
    fetching: {
      always: [{ guard: 'canStart', actions: 'startFetches' }, { guard: 'isSettled', target: 'settled' }],
      on: { fetch: { actions: 'queueFetch' } },
    },
    settled: {
      always: { guard: 'isBusy', target: 'fetching' },
      on: {
        fetch: { target: 'fetching', actions: 'queueFetch' },
        run: { guard: 'notPlanned', target: 'planning' },
        'fetch-now': 'planning',
        commit: 'committing',
      },
    },
    committing: {
      initial: 'status',
      states: {
        status: {
          always: [
            { guard: 'mustSetFinal', target: 'settingStatus' },
            { guard: 'mustAskFirst', target: 'askingStatus' },
            { target: 'persisting' },
          ],
        },
        askingStatus: {
          invoke: {
            id: 'status-get',
            src: 'getStatus',
            onDone: [
              { guard: 'unitShowsOurs', target: 'settingStatus' },
              { target: 'persisting', actions: 'forgetStatus' },
            ],
            onError: [
              { guard: 'notInHook', target: '#layer.aborted', actions: { type: 'abort', params: 'not inside a Juju hook' } },
              { target: 'settingStatus', actions: { type: 'toolFailed', params: ({ event }) => toolFailure('status-get', event.error) } },
            ],
          },
        },
        settingStatus: {
          invoke: {
            id: 'status-set',
            src: 'setStatus',
            input: ({ context }) => finalStatus(context)!.status,
            onDone: { target: 'persisting', actions: { type: 'recordStatus', params: ({ event }) => event.output } },
            onError: [
              { guard: 'notInHook', target: '#layer.aborted', actions: { type: 'abort', params: 'not inside a Juju hook' } },
              { target: 'persisting', actions: { type: 'toolFailed', params: ({ event }) => toolFailure('status-set', event.error) } },
            ],
          },
        },
        persisting: {
          always: [{ guard: 'mustWrite', target: 'writing' }, { target: '#layer.done' }],
        },
        writing: {
          invoke: {
            id: 'save',
            src: 'saveState',
            input: ({ context }) => ({
              names: context.names,
              status: context.status,
              charmStatus: context.charmStatus,
              autoFetched: context.autoFetched,
            }),
            onDone: { target: '#layer.done', actions: assign({ wrote: ({ event }) => event.output }) },
            onError: { target: '#layer.done', actions: { type: 'warn', params: 'the state could not be saved' } },
          },
        },
      },
    },
    // A machine that reaches a final state stops its children (an aborted hook's fetches among them).
    done: { type: 'final' },
    aborted: { type: 'final' },
  },
  output: ({ context }) => ({ wrote: context.wrote, aborted: context.aborted }),
});

/** The machine's type, for callers that provide its effects. */
export type LayerMachine = typeof layerMachine;
