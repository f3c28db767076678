/** Connects the layer's actors to the Stately / XState inspector over a WebSocket, credentials redacted. */
import type { InspectionEvent } from 'xstate';
import { redact } from './redact.js';

/** The default inspector address (`npx @statelyai/inspect` serves here). */
export const DEFAULT_INSPECTOR_URL = 'ws://localhost:8080';

/** A connected inspector: pass `inspect` to the layer, `stop()` at the end so the process can exit. */
export interface InspectorConnection {
  inspect: (event: InspectionEvent) => void;
  stop(): Promise<void>;
}

/** Opens a WebSocket inspector at `url`; every context and event it sends is redacted (BEHAVIOUR.md §5). */
export async function connectInspector(url: string = DEFAULT_INSPECTOR_URL): Promise<InspectorConnection> {
  const { createWebSocketInspector } = await import('@statelyai/inspect');
  const inspector = createWebSocketInspector({
    url,
    sanitizeContext: (context) => redact(context),
    sanitizeEvent: (event) => redact(event),
  });
  return {
    inspect: (event) => inspector.inspect.next?.(event),
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      inspector.stop();
    },
  };
}
