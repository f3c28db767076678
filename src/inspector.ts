/**
 * Connects the layer's actors to the Stately / XState inspector over a WebSocket
 * (`@statelyai/inspect`), every event redacted (docs/BEHAVIOUR.md §5). It never keeps the
 * process alive: no listener means one warning and no events; `stop()` is bounded.
 */
import * as nodeModule from 'node:module';
import type { InspectionEvent } from 'xstate';
import { freezeInspectionEvent } from './inspection.js';
import { redact } from './redact.js';

/** The default inspector address (`npx @statelyai/inspect` serves here). */
export const DEFAULT_INSPECTOR_URL = 'ws://localhost:8080';

/** A connected inspector: pass `inspect` to the layer, `stop()` at the end so the process can exit. */
export interface InspectorConnection {
  /** Receives XState inspection events (pass it as the layer's `inspect` option). */
  inspect: (event: InspectionEvent) => void;
  /** Whether the inspector is connected now. */
  readonly connected: boolean;
  /** Sends what is pending and closes the connection (bounded in time); never rejects. */
  stop(): Promise<void>;
}

/** Options of {@link connectInspector}. */
export interface InspectorOptions {
  /** Where to say that the inspector is unreachable or went away (default: stderr). */
  onWarning?: (message: string) => void;
  /** How long to wait for the connection, in ms (default 3000). */
  connectTimeoutMs?: number;
  /** How long `stop()` waits for the inspector to acknowledge the close, in ms (default 1000). */
  closeTimeoutMs?: number;
}

/** The part of a `ws` WebSocket this module uses. */
interface Socket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  terminate(): void;
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}
type SocketConstructor = new (url: string, options: { handshakeTimeout: number }) => Socket;

const OPEN = 1;


/** `ws`, as `@statelyai/inspect` depends on it (Node 20 has no global WebSocket). */
function loadWebSocket(): SocketConstructor {
  const here = nodeModule.createRequire(import.meta.url);
  try {
    return nodeModule.createRequire(here.resolve('@statelyai/inspect'))('ws') as SocketConstructor;
  } catch {
    return here('ws') as SocketConstructor;
  }
}

/** `scheme://user:password@` at the start of a URL-like text, the credentials in group 2. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/** The URL without any user:password part, for messages (an invalid one scrubbed of its user info too). */
export function shown(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return `${url.replace(USERINFO, '$1')} (an invalid URL)`;
  }
}

/** The user name and password the URL carries (raw and decoded), to take out of any text. */
function credentials(url: string): string[] {
  const userinfo = USERINFO.exec(url)?.[2] ?? '';
  const colon = userinfo.indexOf(':');
  const [user, password] = colon === -1 ? [userinfo, ''] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)];
  const decoded = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  // A password goes whatever its length; a user name of one or two letters would blot out ordinary words.
  return [password, decoded(password), ...(user.length >= 3 ? [user, decoded(user)] : [])].filter((s) => s !== '');
}

/** Error text (from `ws`, from Node) with the URL's own credentials taken out, wherever they appear in it. */
export function scrub(text: string, url: string): string {
  let out = text.split(url).join(shown(url)).replace(/(\/\/)[^/?#\s]*@/g, '$1');
  for (const secret of credentials(url)) out = out.split(secret).join('<redacted>');
  return out;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Opens one WebSocket; resolves with it once open, or with the reason it could not. */
function open(Socket: SocketConstructor, url: string, timeoutMs: number): Promise<{ socket: Socket } | { error: string }> {
  return new Promise((resolve) => {
    let socket: Socket;
    try {
      socket = new Socket(url, { handshakeTimeout: timeoutMs });
    } catch (error) {
      return resolve({ error: error instanceof Error ? error.message : String(error) });
    }
    const timer = setTimeout(() => (socket.terminate(), resolve({ error: `no answer within ${timeoutMs} ms` })), timeoutMs);
    socket.on('open', () => (clearTimeout(timer), resolve({ socket })));
    socket.on('error', (error) => (clearTimeout(timer), resolve({ error: error.message || String(error) })));
  });
}

/**
 * Opens a WebSocket inspector at `url` (loopback by default). Every event it sends is
 * redacted (docs/BEHAVIOUR.md §5). When nothing listens there, it warns once and sends nothing;
 * it never retries, so the process exits as soon as the hook is done.
 */
export async function connectInspector(url: string = DEFAULT_INSPECTOR_URL, options: InspectorOptions = {}): Promise<InspectorConnection> {
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`docker-resource: warning: ${m}\n`));
  const opened = await open(loadWebSocket(), url, options.connectTimeoutMs ?? 3000);
  if ('error' in opened) {
    warn(`no inspector at ${shown(url)} (${scrub(opened.error, url)}); going on without it`);
    return { inspect: () => undefined, connected: false, stop: async () => undefined };
  }
  const { socket } = opened;
  let live = true;
  const closed = new Promise<void>((resolve) => socket.on('close', () => ((live = false), resolve())));
  socket.on('error', (error) => {
    if (live) warn(`the inspector at ${shown(url)} went away (${scrub(error.message, url)}); going on without it`);
    live = false;
  });

  const { createInspector } = await import('@statelyai/inspect');
  const inspector = createInspector(
    {
      send: (event) => {
        if (live && socket.readyState === OPEN) socket.send(JSON.stringify(event));
      },
    },
    { sanitizeContext: (context) => redact(context), sanitizeEvent: (event) => redact(event) },
  );

  return {
    inspect: (event) => {
      const frozen = live ? freezeInspectionEvent(event) : undefined;
      if (frozen) inspector.inspect.next?.(frozen);
    },
    get connected() {
      return live;
    },
    stop: async () => {
      // The inspector converts each event on a 0 ms timer: these run after all of them.
      await tick();
      await tick();
      if (!live) return;
      socket.close(1000);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.closeTimeoutMs ?? 1000)));
      await Promise.race([closed, late]);
      clearTimeout(timer);
      if (live) socket.terminate();
      live = false;
    },
  };
}
