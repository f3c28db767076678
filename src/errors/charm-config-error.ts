import { DockerResourceError } from './docker-resource-error.js';

/** The charm's metadata.yaml, charmcraft.yaml or layer.yaml is missing, unparseable or of the wrong shape. */
export class CharmConfigError extends DockerResourceError {
  override name = 'CharmConfigError';
  /** The file at fault. */
  readonly file: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.file = file;
  }
}
