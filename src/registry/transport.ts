import type { Dispatcher } from 'undici';
import { UnverifiedSignal } from './outcome.js';
import { routeFor, type ProxySettings } from './proxy-env.js';

/** How the probe sends its requests: through an injected `fetch`, or through undici with the proxy settings. */
export interface Transport {
  /** Sends one request; rejects as `fetch` does on network errors. */
  send(url: URL, init: RequestInit): Promise<Response>;
  /** The variable naming the proxy a request to `url` goes through, if any (for reasons). */
  proxySource(url: URL): string | undefined;
  /** Releases the connections. */
  close(): Promise<void>;
}

type Undici = Pick<typeof import('undici'), 'Agent' | 'ProxyAgent' | 'fetch'>;

/**
 * Imports undici. Node's ESM loader gives the CommonJS package's exports as named exports; an esbuild
 * bundle (dist/bundle) gives them only as `default`: take whichever holds them.
 */
async function loadUndici(): Promise<Undici> {
  const loaded = (await import('undici')) as Undici & { default?: Undici };
  return typeof loaded.Agent === 'function' ? loaded : (loaded.default as Undici);
}

/** A transport over a caller's `fetch` (the simulated registry's, for instance): no proxy handling. */
export function fetchTransport(fetchFn: typeof globalThis.fetch): Transport {
  return {
    send: (url, init) => fetchFn(url.href, init),
    proxySource: () => undefined,
    close: async () => undefined,
  };
}

/**
 * A transport over the `undici` package, loaded on first use so that hooks that never probe never load
 * it: one `Agent` for direct requests, one `ProxyAgent` (HTTP CONNECT tunnel) per proxy, chosen per URL
 * by {@link routeFor}. TLS trusts Node's CAs plus `NODE_EXTRA_CA_CERTS`.
 */
export async function undiciTransport(settings: ProxySettings): Promise<Transport> {
  const undici = await loadUndici();
  const dispatchers = new Map<string, Dispatcher>();
  const dispatcherFor = (url: URL): Dispatcher => {
    const route = routeFor(url, settings);
    if ('error' in route) throw new UnverifiedSignal(route.error);
    const key = route.direct ? 'direct' : route.proxy.href;
    let dispatcher = dispatchers.get(key);
    if (dispatcher === undefined) {
      dispatcher = route.direct ? new undici.Agent() : new undici.ProxyAgent({ uri: route.proxy.href });
      dispatchers.set(key, dispatcher);
    }
    return dispatcher;
  };
  return {
    send: async (url, init) => {
      const dispatcher = dispatcherFor(url);
      const response = await undici.fetch(url, { ...(init as object), dispatcher });
      return response as unknown as Response;
    },
    proxySource: (url) => {
      const route = routeFor(url, settings);
      if (!('direct' in route) || route.direct) return undefined;
      return url.protocol === 'https:' ? settings.https?.source : settings.http?.source;
    },
    close: async () => {
      await Promise.allSettled([...dispatchers.values()].map((d) => d.destroy()));
    },
  };
}
