import { DockerResourceError } from './docker-resource-error.js';

/**
 * Every kind of failure, in one place: the resource is `missing`, `invalid`, or its fetch hit the
 * `timeout`; or its registry (asked with `verify`) refused the credentials (`auth-failed`), wants
 * some (`auth-required`), lacks the repository (`repo-not-found`) or the tag (`tag-not-found`), or
 * holds another manifest than the pinned digest (`digest-mismatch`).
 */
export const FAILURE_KINDS = [
  'missing',
  'invalid',
  'timeout',
  'auth-failed',
  'auth-required',
  'repo-not-found',
  'tag-not-found',
  'digest-mismatch',
] as const;

/** Why a resource could not be made available (docs/BEHAVIOUR.md §2). */
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Whether a value is one of the {@link FAILURE_KINDS}. */
export function isFailureKind(value: unknown): value is FailureKind {
  return typeof value === 'string' && (FAILURE_KINDS as readonly string[]).includes(value);
}

/** A resource could not be fetched or used; names the resource and the reason. */
export class ResourceError extends DockerResourceError {
  override name = 'ResourceError';
  /** The resource name from metadata.yaml. */
  readonly resource: string;
  /** What kind of failure this is. */
  readonly kind: FailureKind;
  /** The reason alone, for a human to act on (no resource name, no secret). */
  readonly reason: string;

  constructor(resource: string, kind: FailureKind, reason: string, options?: { cause?: unknown }) {
    super(`resource "${resource}": ${reason}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.resource = resource;
    this.kind = kind;
    this.reason = reason;
  }

  /** The one-line status the ops-framework helper shows for this failure. */
  get statusMessage(): string {
    return `${this.kind === 'invalid' ? 'Invalid' : 'Missing'} resource: ${this.resource}`;
  }
}
