/** What a registry probe can conclude about an image (issue 17): found, a clear failure, or no clear answer. */
import { cap, escapeControl } from '../text.js';

/** The clear answers that fail a resource; each names what to fix (credentials, path, tag or digest). */
export type ProbeFailureKind = 'auth-failed' | 'auth-required' | 'repo-not-found' | 'tag-not-found' | 'digest-mismatch';

/**
 * The result of {@link probeImage}: `found` with the registry's manifest digest, `failed` with a kind
 * and a reason, or `unverified` when the answer was unclear (unreachable, untrusted certificate, 429, 5xx…).
 * Reasons are under {@link MAX_REASON_LENGTH} characters and never hold a credential.
 */
export type ProbeOutcome =
  | { result: 'found'; digest: string }
  | { result: 'failed'; kind: ProbeFailureKind; reason: string }
  | { result: 'unverified'; reason: string };

/** Reasons are shorter than this (they go into `status-set` messages). */
export const MAX_REASON_LENGTH = 120;

/** A `found` outcome. */
export function found(digest: string): ProbeOutcome {
  return { result: 'found', digest };
}

/** A `failed` outcome whose reason is cut to fit. */
export function failed(kind: ProbeFailureKind, reason: string): ProbeOutcome {
  return { result: 'failed', kind, reason: fitReason(reason) };
}

/** An `unverified` outcome whose reason is cut to fit. */
export function unverified(reason: string): ProbeOutcome {
  return { result: 'unverified', reason: fitReason(reason) };
}

/** The text cut visibly with `…` to fewer than {@link MAX_REASON_LENGTH} characters, control characters escaped. */
function fitReason(text: string): string {
  return cap(escapeControl(text), MAX_REASON_LENGTH - 1);
}

/** Thrown inside the probe to end it with an `unverified` outcome; the reason is safe to show. */
export class UnverifiedSignal extends Error {
  override name = 'UnverifiedSignal';

  constructor(readonly reason: string) {
    super(reason);
  }
}
