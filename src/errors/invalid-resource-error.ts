import { ResourceError } from './resource-error.js';

/** The resource file is there but unusable: unparseable, or no valid `registrypath`. */
export class InvalidResourceError extends ResourceError {
  override name = 'InvalidResourceError';

  constructor(resource: string, reason: string, options?: { cause?: unknown }) {
    super(resource, 'invalid', reason, options);
  }
}
