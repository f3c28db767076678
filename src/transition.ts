/** A resource's transitions as charm authors receive them, and as the history keeps them across hooks. */
import type { ResourceTransition } from '../machines/layer.machine.js';
import { cap } from './text.js';
import type { FailureKind } from './errors/resource-error.js';
import type { HistoryEntry } from './layer-state.js';

/** What every transition carries: which resource, when, in which hook. */
export interface TransitionBase {
  /** The resource name. */
  resource: string;
  /** When it happened (ISO 8601). */
  at: string;
  /** The hook it happened in, if known. */
  hook: string | null;
  /** Fetches started so far, this one included. */
  attempts: number;
}

/**
 * A fetch started: requested (`fetch`), refetched on upgrade-charm (`refetch`), a failure retried
 * (`retry`), or an image the registry could not confirm asked about again (`reverify`).
 */
export interface FetchingTransition extends TransitionBase {
  from: 'idle' | 'available' | 'failed';
  to: 'fetching';
  event: { type: 'fetch' | 'refetch' | 'retry' | 'reverify' };
}

/**
 * A fetch succeeded: the image is available, with the digest of its content (`changed` when it
 * differs from before). Asked with `verify`: `verified` when the registry has it (its manifest
 * digest in `registryDigest`), `unverified` with a `reason` when the registry gave no clear answer.
 */
export interface AvailableTransition extends TransitionBase {
  from: 'fetching';
  to: 'available';
  event:
    | { type: 'fetched'; digest: string; changed: boolean }
    | { type: 'verified'; digest: string; changed: boolean; registryDigest: string }
    | { type: 'unverified'; digest: string; changed: boolean; reason: string };
}

/**
 * A fetch failed (`fetch-failed`), its registry refused the image (`verify-failed`), or it ran out
 * of time (`timed-out`), with the kind and a reason to act on.
 */
export interface FailedTransition extends TransitionBase {
  from: 'fetching';
  to: 'failed';
  event: { type: 'fetch-failed' | 'verify-failed' | 'timed-out'; kind: FailureKind; reason: string };
}

/**
 * A lifecycle transition of one resource, safe to log: no credential in it. Narrow it on `to`:
 * in `if (t.to === 'failed')` the event has `kind` and `reason`; an `available` one has its `digest`.
 */
export type Transition = FetchingTransition | AvailableTransition | FailedTransition;

/** The domain names of the events behind transitions, documented in the README. */
export type TransitionEvent = Transition['event']['type'];

/** A transition the layer machine reported, stamped with the time and the hook. */
export function toTransition(t: ResourceTransition, at: string, hook: string | null): Transition {
  const base = { resource: t.name, at, hook, attempts: t.attempts };
  if (t.to === 'available') {
    const fetched = { digest: t.digest ?? '', changed: t.changed };
    const event: AvailableTransition['event'] =
      t.unverified !== null
        ? { type: 'unverified', ...fetched, reason: cap(t.unverified) }
        : t.registryDigest !== null
          ? { type: 'verified', ...fetched, registryDigest: t.registryDigest }
          : { type: 'fetched', ...fetched };
    return { ...base, from: 'fetching', to: 'available', event };
  }
  if (t.to === 'failed') {
    const type = t.cause === 'timed-out' || t.cause === 'verify-failed' ? t.cause : 'fetch-failed';
    const { kind, reason } = t.failure ?? { kind: 'missing' as const, reason: 'unknown failure' };
    return { ...base, from: 'fetching', to: 'failed', event: { type, kind, reason: cap(reason) } };
  }
  const type = t.cause === 'refetch' || t.cause === 'retry' || t.cause === 'reverify' ? t.cause : 'fetch';
  const from = t.from === 'fetching' ? 'idle' : t.from;
  return { ...base, from, to: 'fetching', event: { type } };
}

/** The history entry of a transition: what `docker-resource history` prints and a replay rebuilds. */
export function toHistoryEntry(t: Transition): HistoryEntry {
  const entry: HistoryEntry = { at: t.at, hook: t.hook, from: t.from, to: t.to, event: t.event.type, attempts: t.attempts };
  if (t.to === 'available') {
    Object.assign(entry, { digest: t.event.digest, changed: t.event.changed });
    if (t.event.type === 'verified') entry.registryDigest = t.event.registryDigest;
    if (t.event.type === 'unverified') entry.reason = t.event.reason;
  }
  if (t.to === 'failed') Object.assign(entry, { kind: t.event.kind, reason: t.event.reason });
  return entry;
}
