/** Makes XState inspection events safe to send to an inspector: credentials redacted (BEHAVIOUR.md §5). */
import type { InspectionEvent } from 'xstate';
import { redact } from './redact.js';

/** Plain data of a snapshot (what `toJSON()` gives), with credentials redacted. */
function safeSnapshot(snapshot: unknown): unknown {
  const plain = (snapshot as { toJSON?: () => unknown })?.toJSON?.() ?? snapshot;
  return redact(plain);
}

/** A copy of an inspection event with every snapshot and event redacted; actor references are kept. */
export function redactInspection(event: InspectionEvent): InspectionEvent {
  const copy = { ...event } as Record<string, unknown>;
  if ('snapshot' in copy) copy['snapshot'] = safeSnapshot(copy['snapshot']);
  if ('event' in copy) copy['event'] = redact(copy['event']);
  return copy as unknown as InspectionEvent;
}
