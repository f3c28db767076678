export { DockerResourceError } from './docker-resource-error.js';
export { ResourceError, FAILURE_KINDS, isFailureKind, type FailureKind } from './resource-error.js';
export { MissingResourceError } from './missing-resource-error.js';
export { InvalidResourceError } from './invalid-resource-error.js';
export { ResourceTimeoutError } from './resource-timeout-error.js';
export { HookToolError, type HookToolFailure } from './hook-tool-error.js';
export { CharmConfigError } from './charm-config-error.js';
export { UnknownResourceError } from './unknown-resource-error.js';
export { ResourceNotAvailableError } from './resource-not-available-error.js';
