/**
 * `docker-resource/testing`: test your charm's use of the layer without Juju, in-process.
 *
 * @packageDocumentation
 */
export {
  createHarness,
  Harness,
  imageYaml,
  type AttachOptions,
  type HarnessImage,
  type HarnessOptions,
  type HarnessMetadata,
} from './harness.js';
export { HarnessError } from './harness-error.js';
export { MemoryJuju, type SimulatedResource, type ToolCall } from './memory-juju.js';
export {
  MemoryRegistry,
  type MemoryRegistryAuth,
  type MemoryRegistryFailure,
  type MemoryRegistryHostOptions,
  type MemoryRegistryPushOptions,
  type MemoryRegistryRequest,
} from './memory-registry.js';
