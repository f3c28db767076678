import { DockerResourceError } from '../errors/index.js';

/** A harness call the charm under test cannot meet: a resource it does not declare, or one not of type oci-image. */
export class HarnessError extends DockerResourceError {
  override name = 'HarnessError';
}
