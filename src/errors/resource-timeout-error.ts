import { ResourceError } from './resource-error.js';

/** Fetching the resource took longer than its time limit. */
export class ResourceTimeoutError extends ResourceError {
  override name = 'ResourceTimeoutError';

  constructor(resource: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(resource, 'timeout', `fetch timed out after ${timeoutMs} ms`, options);
  }
}
