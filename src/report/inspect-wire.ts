/**
 * The `@statelyai/inspect` wire format, as its WebSocket inspector sends it (version 0.7):
 * actor registrations, events and snapshots, each a JSON object on its own message.
 */
import { configure } from 'safe-stable-stringify';

/** The `_version` the inspector stamps on every event (the `@statelyai/inspect` release we match). */
export const INSPECT_VERSION = '0.7.2';

/** A snapshot as the inspector shows it. */
export interface WireSnapshot {
  status: 'active' | 'done' | 'error' | 'stopped';
  value?: unknown;
  context?: Record<string, unknown>;
  [key: string]: unknown;
}

/** An event as the inspector shows it: an object with a `type`. */
export interface WireEventObject {
  type: string;
  [key: string]: unknown;
}

/** `@xstate.actor`: an actor's registration, with its machine definition. */
export interface WireActorEvent {
  name: string;
  type: '@xstate.actor';
  definition: string;
  _version: string;
  createdAt: string;
  id: null;
  rootId: string;
  parentId?: string;
  sessionId: string;
  snapshot: WireSnapshot;
}

/** `@xstate.event`: an event an actor received, and from whom. */
export interface WireEventEvent {
  type: '@xstate.event';
  event: WireEventObject;
  sourceId?: string;
  sessionId: string;
  _version: string;
  createdAt: string;
  id: null;
  rootId: string;
}

/** `@xstate.snapshot`: an actor's snapshot after an event. */
export interface WireSnapshotEvent {
  type: '@xstate.snapshot';
  event: WireEventObject;
  snapshot: WireSnapshot;
  sessionId: string;
  _version: string;
  createdAt: string;
  id: null;
  rootId: string;
}

/** Any event of the wire format. */
export type WireEvent = WireActorEvent | WireEventEvent | WireSnapshotEvent;

const stableStringify = configure({ maximumDepth: 10 });

/** As the inspector's own replacer: functions become `{ type: name }` (how it shows inline guards and actions). */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'function' ? { type: (value as { name: string }).name } : value;
}

/** A machine definition (a machine's `config`) encoded exactly as the inspector encodes it: sorted keys, depth 10. */
export function encodeDefinition(config: object): string {
  return stableStringify(config, replacer) ?? '{}';
}

/** One wire event as the WebSocket inspector sends it: stable key order, depth 10. */
export function encodeWire(event: WireEvent): string {
  return stableStringify(event) ?? '{}';
}
