/**
 * Creates the resource actors. Loaded by the orchestrator only when a hook has something
 * to fetch, so an idle hook never loads XState, the machine or the fetch step.
 */
import { createActor, fromPromise, type Actor, type InspectionEvent } from 'xstate';
import { DEFAULT_FETCH_TIMEOUT_MS, resourceMachine, type FetchInput, type FetchOutput } from '../machines/resource.machine.js';
import { DEFAULT_RETRY, createFetchImage, type RetryPolicy } from './fetch-image.js';
import type { HookTools } from './hook-tools.js';

/** A running resource machine. */
export type ResourceActor = Actor<typeof resourceMachine>;

/** Creates one resource actor, restored from its persisted snapshot when there is one. */
export type ActorFactory = (name: string, snapshot: unknown, inspect: (event: InspectionEvent) => void) => ResourceActor;

/** Provides the machine with the real fetch (hook tools, retry policy, time limit) and returns an actor factory. */
export function createActorFactory(options: {
  tools: HookTools;
  /** Overrides of {@link DEFAULT_RETRY}. */
  retry?: Partial<RetryPolicy> | undefined;
  /** The fetch time limit (default {@link DEFAULT_FETCH_TIMEOUT_MS}). */
  fetchTimeoutMs?: number | undefined;
  /** Called with any error the fetch throws, before the machine sees it (the orchestrator spots fatal ones). */
  onFetchError: (error: unknown) => void;
}): ActorFactory {
  const fetchImage = createFetchImage(options.tools, { ...DEFAULT_RETRY, ...options.retry });
  const machine = resourceMachine.provide({
    actors: {
      fetchImage: fromPromise<FetchOutput, FetchInput>(async (args) => {
        try {
          return await fetchImage(args);
        } catch (error) {
          options.onFetchError(error);
          throw error;
        }
      }),
    },
    delays: { fetchTimeout: options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS },
  });
  return (name, snapshot, inspect) =>
    createActor(machine, { input: { name }, ...(snapshot ? { snapshot: snapshot as never } : {}), inspect });
}
