import { DockerResourceError } from './docker-resource-error.js';

/** Every kind of failure, in one list: saved state and events are checked against it (docs/BEHAVIOUR.md §2). */
export const FAILURE_KINDS = ['missing', 'invalid', 'timeout'] as const;

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
