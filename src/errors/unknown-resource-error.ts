import { DockerResourceError } from './docker-resource-error.js';

/** A name that is not an `oci-image` resource in the charm's metadata. */
export class UnknownResourceError extends DockerResourceError {
  override name = 'UnknownResourceError';
  readonly resource: string;

  constructor(resource: string, known: readonly string[]) {
    super(
      `unknown resource "${resource}": the charm's metadata declares ${
        known.length === 0 ? 'no oci-image resources' : `these oci-image resources: ${known.join(', ')}`
      }`,
    );
    this.resource = resource;
  }
}
