import { DockerResourceError } from './docker-resource-error.js';

/** `getInfo()` on a resource that was never requested or is still being fetched. */
export class ResourceNotAvailableError extends DockerResourceError {
  override name = 'ResourceNotAvailableError';
  readonly resource: string;
  readonly state: string;

  /** `message` replaces the default, which tells code what to call (the CLI tells the shell what to run). */
  constructor(resource: string, state: string, message?: string) {
    super(
      message ??
        (state === 'idle'
          ? `resource "${resource}" was never requested: call fetch("${resource}") first, or set auto-fetch: true in metadata.yaml`
          : `resource "${resource}" is still being fetched: await settled() first`),
    );
    this.resource = resource;
    this.state = state;
  }
}
