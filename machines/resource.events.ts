/**
 * The resource lifecycle's events in the domain's words, and failures from what the fetch threw.
 * Pure and free of XState, so that code reading saved state (an idle hook) can use it.
 */
import { isFailureKind, type FailureKind } from '../src/errors/resource-error.js';
import { cap } from '../src/text.js';
import type { ResourceState } from './resource.machine.js';

/** Why the last fetch failed. */
export interface Failure {
  kind: FailureKind;
  reason: string;
}

/**
 * The event behind a transition, as charm authors read it. `fetch`, `refetch`, `retry` start a
 * fetch and `reverify` asks the registry again; `fetched` ends one well, and so do `verified`
 * (the registry has the image) and `unverified` (the registry gave no clear answer);
 * `fetch-failed`, `verify-failed` and `timed-out` end one badly.
 */
export type Cause =
  | 'fetch'
  | 'refetch'
  | 'retry'
  | 'reverify'
  | 'fetched'
  | 'verified'
  | 'unverified'
  | 'fetch-failed'
  | 'verify-failed'
  | 'timed-out';

/** Every state of the lifecycle, in the order a resource meets them. */
export const RESOURCE_STATES: readonly ResourceState[] = ['idle', 'fetching', 'available', 'failed'];

/** The domain names of the XState event names that state files written before them hold. */
export const LEGACY_EVENT_NAMES: ReadonlyMap<string, string> = new Map([
  ['FETCH', 'fetch'],
  ['REFETCH', 'refetch'],
  ['RETRY', 'retry'],
  ['xstate.done.actor.fetch', 'fetched'],
  ['xstate.error.actor.fetch', 'fetch-failed'],
  ['xstate.after.fetchTimeout.resource.fetching', 'timed-out'],
]);

/** Whether an error means the hook tools are gone: the process is not inside a Juju hook. */
export function isFatal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { failure?: unknown }).failure === 'not-in-hook';
}

/** Turns whatever the fetch actor threw into a failure kind and a reason (at most 1024 characters, cut visibly). */
export function toFailure(error: unknown): Failure {
  if (typeof error === 'object' && error !== null) {
    const { kind, reason, message } = error as { kind?: unknown; reason?: unknown; message?: unknown };
    const text = cap(typeof reason === 'string' ? reason : typeof message === 'string' ? message : 'unknown error');
    return { kind: isFailureKind(kind) ? kind : 'missing', reason: text };
  }
  return { kind: 'missing', reason: cap(String(error)) };
}

/** The domain cause of an XState event that moved a resource, and whether it was fatal to the hook. */
export function causeOf(event: { type: string; error?: unknown; output?: unknown }): { cause: Cause; fatal: boolean } {
  switch (event.type) {
    case 'fetch':
    case 'refetch':
    case 'retry':
    case 'reverify':
      return { cause: event.type, fatal: false };
    case 'xstate.done.actor.fetch':
      return { cause: 'fetched', fatal: false };
    case 'xstate.error.actor.fetch':
      return { cause: 'fetch-failed', fatal: isFatal(event.error) };
    case 'xstate.done.actor.verify': {
      const result = (event.output as { result?: unknown } | undefined)?.result;
      return { cause: result === 'found' ? 'verified' : result === 'failed' ? 'verify-failed' : 'unverified', fatal: false };
    }
    case 'xstate.error.actor.verify':
      return { cause: 'unverified', fatal: false };
    default:
      return { cause: event.type.startsWith('xstate.after.') ? 'timed-out' : 'fetch-failed', fatal: false };
  }
}

/** The lifecycle state of a resource machine's state value (`{ fetching: 'verifying' }` is `fetching`). */
export function lifecycleState<S extends string>(value: S | Record<string, unknown>): S {
  return (typeof value === 'string' ? value : Object.keys(value)[0]) as S;
}
