/**
 * Makes XState inspection events safe to hand to an inspector (docs/BEHAVIOUR.md §5): every snapshot,
 * context, event and output redacted, and the live actor reference replaced by a shim whose
 * `getSnapshot()` is redacted too (inspectors read it, some of them later).
 */
import type { InspectionEvent } from 'xstate';
import { redact } from './redact.js';
import { uniqueId } from './unique-id.js';

/**
 * XState numbers its actors' session ids from `x:0` in every process, and every hook is a process:
 * prefixed with this, the actors of two hooks stay apart in one inspector.
 */
const PROCESS = uniqueId();

/** A session id that is unique across processes. */
const globalSessionId = (sessionId: string): string => `${PROCESS}:${sessionId}`;

/** The events {@link freezeInspectionEvent} made: frozen already, handed on as they are. */
const FROZEN = new WeakSet<object>();

/** A redacted plain copy of a snapshot: child actors reduced to their ids, credentials replaced, internals left out. */
export function plainSnapshot(snapshot: unknown): Record<string, unknown> {
  if (snapshot === null || typeof snapshot !== 'object') return {};
  const json = ((snapshot as { toJSON?: () => unknown }).toJSON?.() ?? snapshot) as Record<string, unknown>;
  const { children, error, historyValue: _internal, ...rest } = json;
  const out: Record<string, unknown> = { ...rest };
  if (children && typeof children === 'object') {
    out['children'] = Object.fromEntries(
      Object.entries(children).map(([key, ref]) => [key, { id: (ref as { id?: unknown } | undefined)?.id ?? key }]),
    );
  }
  if (error !== undefined) out['error'] = error instanceof Error ? { name: error.name, message: error.message } : error;
  return redact(out);
}

interface ActorRefData {
  id?: string;
  sessionId: string;
  _parent?: { sessionId: string };
  logic?: { config?: unknown };
  getSnapshot(): unknown;
}

/**
 * A frozen, redacted copy of an XState inspection event: what it holds is captured now
 * (the Stately inspector reads it later), and no credential is left in its snapshot,
 * context, event or output. Returns `undefined` for events the inspector does not show, and an
 * event it froze already as it is (the layer freezes what it hands on, and an inspector connection freezes
 * what it is given).
 */
export function freezeInspectionEvent(event: InspectionEvent): InspectionEvent | undefined {
  if (FROZEN.has(event)) return event;
  if (event.type !== '@xstate.actor' && event.type !== '@xstate.event' && event.type !== '@xstate.snapshot') return undefined;
  const ref = event.actorRef as unknown as ActorRefData;
  // An actor event's snapshot is read when the inspector converts it (as @statelyai/inspect
  // does), so that it is the started actor's: redacted then too.
  const snapshot = event.type === '@xstate.snapshot' ? plainSnapshot(event.snapshot) : undefined;
  const actorRef: ActorRefData = {
    sessionId: globalSessionId(ref.sessionId),
    // An actor without an id of its own has its session id as id: inspectors then show its machine's id.
    ...(ref.id !== undefined ? { id: ref.id === ref.sessionId ? globalSessionId(ref.id) : ref.id } : {}),
    ...(ref._parent ? { _parent: { sessionId: globalSessionId(ref._parent.sessionId) } } : {}),
    ...(ref.logic ? { logic: { config: ref.logic.config } } : {}),
    getSnapshot: () => snapshot ?? plainSnapshot(ref.getSnapshot()),
  };
  const frozen: Record<string, unknown> = { type: event.type, rootId: globalSessionId(event.rootId), actorRef };
  FROZEN.add(frozen);
  if (event.type === '@xstate.actor') return frozen as unknown as InspectionEvent;
  frozen['event'] = redact(event.event);
  if (event.type === '@xstate.snapshot') frozen['snapshot'] = snapshot;
  else frozen['sourceRef'] = event.sourceRef ? { sessionId: globalSessionId(event.sourceRef.sessionId) } : undefined;
  return frozen as unknown as InspectionEvent;
}
