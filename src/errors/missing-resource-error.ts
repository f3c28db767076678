import { ResourceError } from './resource-error.js';

/** The resource is not there: `resource-get` failed, or the file is missing or empty. */
export class MissingResourceError extends ResourceError {
  override name = 'MissingResourceError';

  constructor(resource: string, reason: string, options?: { cause?: unknown }) {
    super(resource, 'missing', reason, options);
  }
}
