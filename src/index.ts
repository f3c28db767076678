/**
 * docker-resource: Juju `oci-image` charm resources for charm authors.
 *
 * The public surface, and nothing else. Left out on purpose: the CLI's
 * internals, the state-file and lock helpers, and the fetch step, which
 * the layer runs for you. Every type the surface uses is exported (API
 * Extractor checks it: etc/docker-resource.api.md). The test harness is
 * `docker-resource/testing`.
 *
 * @packageDocumentation
 */
export { openLayer, DockerResourceLayer, type LayerOptions, type HookSummary, type LayerInit } from './orchestrator.js';
export type { Transition, TransitionBase, TransitionEvent, FetchingTransition, AvailableTransition, FailedTransition } from './transition.js';
export type { LayerActor, ResourceActor } from './layer-actor.js';
export type { Lock } from './lock.js';
export type { RetryPolicy } from './fetch-image.js';
export type { CharmCache, CharmResource } from './charm.js';
export { readLayerSnapshot, type LayerSnapshot } from './layer-snapshot.js';
export { ImageInfo, redactImageFields, type ImageFields, type ImageDetails, type RedactedImageFields } from './image-info.js';
export { parseImageFile, contentDigest } from './image-file.js';
export { parseImageReference, normalizeImageReference, isValidImageReference, type ImageReference } from './image-reference.js';
export {
  createHookTools,
  type HookTools,
  type HookToolsOptions,
  type Runner,
  type CallOptions,
  type LogLevel,
  type UnitStatus,
} from './hook-tools.js';
export { deriveFlags, resourceFlag, FLAG_PREFIX } from './flags.js';
export { combineStatuses, layerStatus, STATUS_PRIORITY, type Status, type StatusState } from './status.js';
export type { ResourceView } from './resource-view.js';
export type { HistoryEntry, HookRecord, LayerState, PersistedResource } from './layer-state.js';
export { connectInspector, DEFAULT_INSPECTOR_URL, type InspectorConnection, type InspectorOptions } from './inspector.js';
export { machineDiagram, type DiagramFormat, type MachineName } from './graph.js';
export {
  resourceMachine,
  type ResourceContext,
  type ResourceEvent,
  type ResourceState,
  type ResourceInput,
  type ResourceMachine,
  type Failure,
  type FetchInput,
  type FetchOutput,
  type ResourceEntered,
  type VerifyInput,
  type VerifyOutput,
} from '../machines/resource.machine.js';
export type { Cause } from '../machines/resource.events.js';
export {
  layerMachine,
  type LayerMachine,
  type LayerContext,
  type LayerEvent,
  type LayerOutput,
  type ResourceTransition,
  type SaveInput,
} from '../machines/layer.machine.js';
export type { Queued, RecordedStatus } from '../machines/layer.context.js';
export * from './errors/index.js';
