/**
 * Sends replay events to an inspector over a WebSocket (what `npx @statelyai/inspect` serves),
 * as `@statelyai/inspect`'s WebSocket inspector would. Never hangs: the connection, each send and
 * the close are bounded in time; nothing listening means one clear warning; a URL's
 * credentials are never printed.
 */
import * as nodeModule from 'node:module';
import type WebSocket from 'ws';
import { encodeWire, type WireEvent } from './inspect-wire.js';
import { scrub, shown } from '../inspector.js';

/** Options of {@link sendReplay}. */
export interface SendReplayOptions {
  /** Where to say that the inspector is unreachable or went away (default: stderr). */
  onWarning?: (message: string) => void;
  /** How long to wait for the connection, in ms (default 3000). */
  connectTimeoutMs?: number;
  /** How long one event may take to be written, in ms (default 5000). */
  sendTimeoutMs?: number;
  /** How long to wait for the inspector to acknowledge the close, in ms (default 1000). */
  closeTimeoutMs?: number;
  /** A pause between events, in ms, to watch the life unfold (default 0). */
  intervalMs?: number;
}

/** What {@link sendReplay} did. */
export interface SendReplayResult {
  /** Whether an inspector answered at the URL. */
  connected: boolean;
  /** How many events it accepted. */
  sent: number;
}

/** `ws`, loaded at run time (the CLI bundle keeps it outside, as the inspector does). */
function loadWebSocket(): typeof WebSocket {
  return nodeModule.createRequire(import.meta.url)('ws') as typeof WebSocket;
}

const message = (error: unknown) => (error instanceof Error ? error.message || error.name : String(error));

/** Opens a WebSocket, or says why it could not within the time limit. */
function connect(url: string, timeoutMs: number): Promise<{ socket: WebSocket } | { error: string }> {
  return new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = new (loadWebSocket())(url, { handshakeTimeout: timeoutMs });
    } catch (error) {
      return resolve({ error: message(error) });
    }
    const timer = setTimeout(() => (socket.terminate(), resolve({ error: `no answer within ${timeoutMs} ms` })), timeoutMs);
    socket.once('open', () => (clearTimeout(timer), resolve({ socket })));
    socket.once('error', (error) => (clearTimeout(timer), resolve({ error: message(error) })));
  });
}

/** The promise's value when it settles within `ms`, else `'late'`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends the events, in order, to the inspector at `url`, then closes the connection. Never
 * rejects: an unreachable inspector or one that goes away is a warning, and the result says
 * how many events it accepted.
 */
export async function sendReplay(url: string, events: readonly WireEvent[], options: SendReplayOptions = {}): Promise<SendReplayResult> {
  const onWarning = options.onWarning ?? ((m: string) => process.stderr.write(`docker-resource: warning: ${m}\n`));
  // The URL as the inspector's messages show it, and error text (from ws, from Node) scrubbed as they scrub it.
  const opened = await connect(url, options.connectTimeoutMs ?? 3000);
  if ('error' in opened) {
    onWarning(`no inspector at ${shown(url)} (${scrub(opened.error, url)}); nothing replayed. Start one with "npx @statelyai/inspect"?`);
    return { connected: false, sent: 0 };
  }
  const { socket } = opened;
  let gone: string | null = null;
  const closed = new Promise<void>((resolve) => socket.once('close', () => ((gone ??= 'it closed the connection'), resolve())));
  socket.on('error', (error) => (gone ??= message(error)));
  let sent = 0;
  for (const event of events) {
    if (gone !== null) break;
    const written = new Promise<Error | undefined>((resolve) => socket.send(encodeWire(event), (error) => resolve(error ?? undefined)));
    const result = await within(written, options.sendTimeoutMs ?? 5000);
    if (result === 'late') gone ??= 'it stopped reading';
    else if (result) gone ??= message(result);
    else sent++;
    if (options.intervalMs) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  if (gone !== null) onWarning(`the inspector at ${shown(url)} went away (${scrub(gone, url)}) after ${sent} of ${events.length} events`);
  if (socket.readyState === socket.OPEN) socket.close(1000);
  if ((await within(closed, options.closeTimeoutMs ?? 1000)) === 'late') socket.terminate();
  return { connected: true, sent };
}
