import { DockerResourceError } from './docker-resource-error.js';

/** An option given to `openLayer` (or the harness) from code is unknown or of the wrong type. */
export class LayerOptionError extends DockerResourceError {
  override name = 'LayerOptionError';
  /** The option at fault, e.g. `setStatus` or `retry.delayMs`; empty when the options as a whole are wrong. */
  readonly option: string;

  constructor(option: string, reason: string) {
    super(option === '' ? `the layer options ${reason}` : `layer option "${option}" ${reason}`);
    this.option = option;
  }
}
