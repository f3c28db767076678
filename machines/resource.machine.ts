/**
 * The lifecycle of one `oci-image` resource (docs/BEHAVIOUR.md §2):
 * idle → fetching → available | failed. Pure: the fetch is the `fetchImage` actor,
 * named here and provided by the caller with `machine.provide()`.
 *
 * Inside the layer machine it is a child: on entering a state it tells its parent
 * (`resource.entered`), which is how the hook cycle learns that a fetch settled.
 */
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { FailureKind } from '../src/errors/resource-error.js';
import type { ImageFields } from '../src/image-info.js';
import { initialContext } from './resource.context.js';
import { causeOf, toFailure, type Cause, type Failure } from './resource.events.js';

export { initialContext, toFailure };
export type { Cause, Failure };

/** What the `fetchImage` actor receives. */
export interface FetchInput {
  /** The resource name from the charm's metadata. */
  name: string;
}

/** What the `fetchImage` actor resolves with: the parsed image and a digest of its content. */
export interface FetchOutput {
  image: ImageFields;
  digest: string;
}

/** The machine's context: plain JSON, persisted between hooks. */
export interface ResourceContext {
  /** The resource name. */
  name: string;
  /** Whether the resource was ever requested (fetch, auto-fetch). */
  requested: boolean;
  /** The image info while `available`, else `null`. Holds credentials. */
  image: ImageFields | null;
  /** The content digest of the last available image (kept while refetching, to detect change). */
  digest: string | null;
  /** The failure while `failed`, else `null`. */
  failure: Failure | null;
  /** Whether the last fetch of an already available resource returned different content. */
  changed: boolean;
  /** Fetches started, in all. */
  attempts: number;
  /** Fetches that failed in a row (0 once one succeeds). */
  failuresInARow: number;
}

/** Events a caller sends; the fetch actor's done/error events and the time limit come from XState. */
export type ResourceEvent =
  /** Request a fetch (from idle, available or failed). */
  | { type: 'fetch' }
  /** Fetch again because the charm or its resources changed (upgrade-charm); requested resources only. */
  | { type: 'refetch' }
  /** Try a failed fetch again. */
  | { type: 'retry' };

/** What a resource tells its parent on entering a state: enough for flags, status and a transition, never a credential. */
export interface ResourceEntered {
  type: 'resource.entered';
  name: string;
  state: ResourceState;
  /** The domain name of the event that led here. */
  cause: Cause;
  digest: string | null;
  changed: boolean;
  attempts: number;
  failure: Failure | null;
  /** The fetch failed because the hook tools are gone (not inside a hook): the hook must stop. */
  fatal: boolean;
}

/** The machine's input: the resource name. */
export interface ResourceInput {
  name: string;
}

/** The state names of the lifecycle. */
export type ResourceState = 'idle' | 'fetching' | 'available' | 'failed';

/** Every state of the lifecycle, in the order a resource meets them. */
export const RESOURCE_STATES: readonly ResourceState[] = ['idle', 'fetching', 'available', 'failed'];

/** Default fetch time limit (ms); provide `delays.fetchTimeout` to change it. */
export const DEFAULT_FETCH_TIMEOUT_MS = 5 * 60_000;

/** The resource lifecycle machine. */
export const resourceMachine = setup({
  types: {
    context: {} as ResourceContext,
    events: {} as ResourceEvent,
    input: {} as ResourceInput,
  },
  actors: {
    fetchImage: fromPromise<FetchOutput, FetchInput>(async ({ input }) => {
      throw new Error(`fetchImage was not provided (resource "${input.name}")`);
    }),
  },
  delays: {
    fetchTimeout: DEFAULT_FETCH_TIMEOUT_MS,
  },
  actions: {
    startFetch: assign({
      requested: true,
      image: null,
      failure: null,
      changed: false,
      attempts: ({ context }) => context.attempts + 1,
    }),
    storeImage: assign(({ context }, output: FetchOutput) => ({
      image: output.image,
      digest: output.digest,
      changed: context.digest !== null && context.digest !== output.digest,
      failuresInARow: 0,
    })),
    storeFailure: assign(({ context }, failure: Failure) => ({
      image: null,
      digest: null,
      failure,
      changed: false,
      failuresInARow: context.failuresInARow + 1,
    })),
    /** Tells the parent (the layer), if there is one, which state this resource entered and why. */
    tellParent: enqueueActions(({ context, event, self, enqueue }, state: ResourceState) => {
      if (!self._parent) return;
      const { cause, fatal } = causeOf(event);
      const { name, digest, changed, attempts, failure } = context;
      const entered: ResourceEntered = { type: 'resource.entered', name, state, cause, digest, changed, attempts, failure, fatal };
      enqueue.sendParent(entered);
    }),
  },
}).createMachine({
  id: 'resource',
  context: ({ input }) => initialContext(input.name),
  initial: 'idle',
  states: {
    idle: {
      on: { fetch: 'fetching' },
    },
    fetching: {
      entry: ['startFetch', { type: 'tellParent', params: 'fetching' }],
      invoke: {
        id: 'fetch',
        src: 'fetchImage',
        input: ({ context }) => ({ name: context.name }),
        onDone: {
          target: 'available',
          actions: { type: 'storeImage', params: ({ event }) => event.output },
        },
        onError: {
          target: 'failed',
          actions: { type: 'storeFailure', params: ({ event }) => toFailure(event.error) },
        },
      },
      after: {
        fetchTimeout: {
          target: 'failed',
          actions: {
            type: 'storeFailure',
            params: { kind: 'timeout', reason: 'fetch timed out: resource-get did not finish within the time limit' },
          },
        },
      },
    },
    available: {
      entry: { type: 'tellParent', params: 'available' },
      on: { fetch: 'fetching', refetch: 'fetching' },
    },
    failed: {
      entry: { type: 'tellParent', params: 'failed' },
      on: { fetch: 'fetching', refetch: 'fetching', retry: 'fetching' },
    },
  },
});

/** The machine's type, for callers that provide the fetch actor. */
export type ResourceMachine = typeof resourceMachine;

/** Failure kinds the machine itself produces. */
export type { FailureKind };
