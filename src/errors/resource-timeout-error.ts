import { ResourceError } from './resource-error.js';

/** Fetching the resource took longer than its time limit. */
export class ResourceTimeoutError extends ResourceError {
  override name = 'ResourceTimeoutError';

  constructor(resource: string, reason = 'fetch timed out', options?: { cause?: unknown }) {
    super(resource, 'timeout', reason, options);
  }
}
