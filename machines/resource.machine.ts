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

/** What the `verifyImage` actor receives: the image read, to ask its registry about. */
export interface VerifyInput {
  name: string;
  image: ImageFields;
}

/** What the registry said of an image: found (with its manifest digest), a clear failure, or no clear answer. */
export type VerifyOutput =
  | { result: 'found'; digest: string }
  | { result: 'failed'; kind: FailureKind; reason: string }
  | { result: 'unverified'; reason: string };

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
  /** Whether this fetch asks the registry too (the `verify` option). */
  verify?: boolean;
  /** The image read and waiting for the registry's answer (while verifying). Holds credentials. */
  pending?: FetchOutput | null;
  /** The manifest digest the registry gave, when it was asked and found the image. */
  registryDigest?: string | null;
  /** Why the registry could not confirm the image (unreachable, rate limited…), while available: asked again later. */
  unverified?: string | null;
}

/** Events a caller sends; the fetch actor's done/error events and the time limit come from XState. */
export type ResourceEvent =
  /** Request a fetch (from idle, available or failed); `verify` asks the registry too. */
  | { type: 'fetch'; verify?: boolean }
  /** Fetch again because the charm or its resources changed (upgrade-charm); requested resources only. */
  | { type: 'refetch'; verify?: boolean }
  /** Try a failed fetch again. */
  | { type: 'retry'; verify?: boolean }
  /** Ask the registry again about an available image it could not confirm before. */
  | { type: 'reverify' };

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
  /** Why the registry could not confirm the image, when it could not. */
  unverified: string | null;
  /** The registry's manifest digest, when it was asked and found the image. */
  registryDigest: string | null;
  /** The fetch failed because the hook tools are gone (not inside a hook): the hook must stop. */
  fatal: boolean;
}

/** The machine's input: the resource name. */
export interface ResourceInput {
  name: string;
}

/** The state names of the lifecycle. */
export type ResourceState = 'idle' | 'fetching' | 'available' | 'failed';

/** Default fetch time limit (ms); provide `delays.fetchTimeout` to change it. */
export const DEFAULT_FETCH_TIMEOUT_MS = 5 * 60_000;

const TIMED_OUT = 'fetch timed out: resource-get (or the registry) did not answer within the time limit';

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
    verifyImage: fromPromise<VerifyOutput, VerifyInput>(async () => ({ result: 'unverified', reason: 'verifyImage was not provided' })),
  },
  delays: {
    fetchTimeout: DEFAULT_FETCH_TIMEOUT_MS,
  },
  actions: {
    startFetch: assign(({ context, event }) => ({
      requested: true,
      verify: event.type === 'reverify' ? true : (event.verify ?? false),
      pending: event.type === 'reverify' && context.image && context.digest ? { image: context.image, digest: context.digest } : null,
      image: null,
      failure: null,
      changed: event.type === 'reverify' ? context.changed : false,
      attempts: context.attempts + 1,
    })),
    holdImage: assign((_, output: FetchOutput) => ({ pending: output })),
    storeImage: assign(({ context }, found: { registryDigest: string | null; unverified: string | null }) => {
      const { image, digest } = context.pending!;
      return {
        image,
        digest,
        pending: null,
        changed: context.changed || (context.digest !== null && context.digest !== digest),
        registryDigest: found.registryDigest,
        unverified: found.unverified,
        failuresInARow: 0,
      };
    }),
    storeFailure: assign(({ context }, failure: Failure) => ({
      image: null,
      digest: null,
      pending: null,
      registryDigest: null,
      unverified: null,
      failure,
      changed: false,
      failuresInARow: context.failuresInARow + 1,
    })),
    /** Tells the parent (the layer), if there is one, which state this resource entered and why. */
    tellParent: enqueueActions(({ context, event, self, enqueue }, state: ResourceState) => {
      if (!self._parent) return;
      const { cause, fatal } = causeOf(event);
      const { name, digest, changed, attempts, failure } = context;
      const unverified = context.unverified ?? null;
      const registryDigest = context.registryDigest ?? null;
      const entered: ResourceEntered = { type: 'resource.entered', name, state, cause, digest, changed, attempts, failure, unverified, registryDigest, fatal };
      enqueue.sendParent(entered);
    }),
  },
  guards: {
    mustVerify: ({ context }) => context.verify === true,
    registryFound: ({ event }) => (event as { output?: VerifyOutput }).output?.result === 'found',
    registryRefused: ({ event }) => (event as { output?: VerifyOutput }).output?.result === 'failed',
    isUnverified: ({ context }) => typeof context.unverified === 'string',
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
      initial: 'reading',
      states: {
        reading: {
          invoke: {
            id: 'fetch',
            src: 'fetchImage',
            input: ({ context }) => ({ name: context.name }),
            onDone: [
              { guard: 'mustVerify', target: 'verifying', actions: { type: 'holdImage', params: ({ event }) => event.output } },
              {
                target: '#resource.available',
                actions: [{ type: 'holdImage', params: ({ event }) => event.output }, { type: 'storeImage', params: { registryDigest: null, unverified: null } }],
              },
            ],
            onError: {
              target: '#resource.failed',
              actions: { type: 'storeFailure', params: ({ event }) => toFailure(event.error) },
            },
          },
        },
        verifying: {
          invoke: {
            id: 'verify',
            src: 'verifyImage',
            input: ({ context }) => ({ name: context.name, image: context.pending!.image }),
            onDone: [
              {
                guard: 'registryFound',
                target: '#resource.available',
                actions: { type: 'storeImage', params: ({ event }) => ({ registryDigest: (event.output as { digest: string }).digest, unverified: null }) },
              },
              {
                guard: 'registryRefused',
                target: '#resource.failed',
                actions: { type: 'storeFailure', params: ({ event }) => toFailure(event.output) },
              },
              {
                target: '#resource.available',
                actions: { type: 'storeImage', params: ({ event }) => ({ registryDigest: null, unverified: (event.output as { reason: string }).reason }) },
              },
            ],
            onError: {
              target: '#resource.available',
              actions: { type: 'storeImage', params: ({ event }) => ({ registryDigest: null, unverified: toFailure(event.error).reason }) },
            },
          },
        },
      },
      after: {
        fetchTimeout: {
          target: 'failed',
          actions: { type: 'storeFailure', params: { kind: 'timeout', reason: TIMED_OUT } },
        },
      },
    },
    available: {
      entry: { type: 'tellParent', params: 'available' },
      on: { fetch: 'fetching', refetch: 'fetching', reverify: { guard: 'isUnverified', target: 'fetching.verifying' } },
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
