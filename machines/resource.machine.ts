/**
 * The lifecycle of one `oci-image` resource (BEHAVIOUR.md §2):
 * idle → fetching → available | failed. Pure: the fetch is the `fetchImage`
 * actor, named here and provided by the caller with `machine.provide()`.
 */
import { assign, fromPromise, setup } from 'xstate';
import { isFailureKind, type FailureKind } from '../src/errors/index.js';
import type { ImageFields } from '../src/image-info.js';
import { cap } from '../src/text.js';
import { initialContext } from './resource.context.js';

export { initialContext };

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

/** Why the last fetch failed. */
export interface Failure {
  kind: FailureKind;
  reason: string;
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

/** Events a caller sends; the fetch actor's done/error events come from XState. */
export type ResourceEvent =
  /** Request a fetch (from idle, available or failed). */
  | { type: 'FETCH' }
  /** Fetch again because the charm or its resources changed (upgrade-charm); requested resources only. */
  | { type: 'REFETCH' }
  /** Try a failed fetch again. */
  | { type: 'RETRY' };

/** The machine's input: the resource name. */
export interface ResourceInput {
  name: string;
}

/** The state names of the lifecycle. */
export type ResourceState = 'idle' | 'fetching' | 'available' | 'failed';

/** Default fetch time limit (ms); provide `delays.fetchTimeout` to change it. */
export const DEFAULT_FETCH_TIMEOUT_MS = 5 * 60_000;

/** Turns whatever the fetch actor threw into a failure kind and reason (at most 1024 characters, cut visibly). */
export function toFailure(error: unknown): Failure {
  if (typeof error === 'object' && error !== null) {
    const { kind, reason, message } = error as { kind?: unknown; reason?: unknown; message?: unknown };
    const text = cap(typeof reason === 'string' ? reason : typeof message === 'string' ? message : 'unknown error');
    return { kind: isFailureKind(kind) ? kind : 'missing', reason: text };
  }
  return { kind: 'missing', reason: cap(String(error)) };
}

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
  },
}).createMachine({
  id: 'resource',
  context: ({ input }) => initialContext(input.name),
  initial: 'idle',
  states: {
    idle: {
      on: { FETCH: 'fetching' },
    },
    fetching: {
      entry: 'startFetch',
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
      on: { FETCH: 'fetching', REFETCH: 'fetching' },
    },
    failed: {
      on: { FETCH: 'fetching', REFETCH: 'fetching', RETRY: 'fetching' },
    },
  },
});

/** The machine's type, for callers that provide the fetch actor. */
export type ResourceMachine = typeof resourceMachine;
