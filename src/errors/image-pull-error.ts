import { ResourceError, type FailureKind } from './resource-error.js';

/** The image's registry said it cannot be pulled as given: credentials refused or missing, no such repository, tag or digest. */
export class ImagePullError extends ResourceError {
  override name = 'ImagePullError';

  constructor(resource: string, kind: Exclude<FailureKind, 'missing' | 'invalid' | 'timeout'>, reason: string, options?: { cause?: unknown }) {
    super(resource, kind, reason, options);
  }
}
