/**
 * The resource lifecycle's events in the domain's words, and failures from what the fetch threw.
 * Pure and free of XState, so that code reading saved state (an idle hook) can use it.
 */
import { FAILURE_KINDS, type FailureKind } from '../src/errors/resource-error.js';

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

/** Every cause, for validating saved history. */
export const CAUSES: readonly Cause[] = [
  'fetch',
  'refetch',
  'retry',
  'reverify',
  'fetched',
  'verified',
  'unverified',
  'fetch-failed',
  'verify-failed',
  'timed-out',
];

/** The longest failure reason kept (a tool may print megabytes); longer ones are cut, visibly. */
export const MAX_REASON_LENGTH = 1024;

/** `text` cut to `max` characters, ending in `…` when it was cut. */
export function cut(text: string, max = MAX_REASON_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Whether an error means the hook tools are gone: the process is not inside a Juju hook. */
export function isFatal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { failure?: unknown }).failure === 'not-in-hook';
}

/** Turns whatever the fetch actor threw into a failure kind and a bounded reason. */
export function toFailure(error: unknown): Failure {
  if (typeof error === 'object' && error !== null) {
    const { kind, reason, message } = error as { kind?: unknown; reason?: unknown; message?: unknown };
    const text = cut(typeof reason === 'string' ? reason : typeof message === 'string' ? message : 'unknown error');
    const known = typeof kind === 'string' && (FAILURE_KINDS as readonly string[]).includes(kind);
    return { kind: known ? (kind as FailureKind) : 'missing', reason: text };
  }
  return { kind: 'missing', reason: cut(String(error)) };
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
