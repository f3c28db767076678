/** Base class of every error this library throws; messages never contain a credential. */
export class DockerResourceError extends Error {
  override name = 'DockerResourceError';
}
