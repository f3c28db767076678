import { hostnameOf } from './realm-policy.js';
import { bypassesProxy, parseNoProxy, type NoProxy } from './no-proxy.js';
import { own } from '../own.js';

/** The proxy settings the probe follows, read from the environment. */
export interface ProxySettings {
  /** Proxy for `https` URLs, and the variable it came from. */
  https?: ProxySetting;
  /** Proxy for `http` URLs, and the variable it came from. */
  http?: ProxySetting;
  /** Hosts reached directly. */
  noProxy: NoProxy;
}

/** A proxy value and the name of the variable that held it (the value may hold credentials: never show it). */
export interface ProxySetting {
  value: string;
  source: string;
}

/** Where a request goes: direct, through a proxy, or nowhere because the setting is unusable (reason safe to show). */
export type ProxyRoute = { direct: true } | { direct: false; proxy: URL } | { error: string };

/**
 * Reads proxy settings as a Juju charm should: `JUJU_CHARM_HTTPS_PROXY`, `JUJU_CHARM_HTTP_PROXY` and
 * `JUJU_CHARM_NO_PROXY` first, then `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`; names in any case,
 * the uppercase spelling winning; empty values count as unset.
 */
export function proxySettingsFrom(env: Readonly<Record<string, string | undefined>>): ProxySettings {
  const https = lookup(env, ['JUJU_CHARM_HTTPS_PROXY', 'HTTPS_PROXY']);
  const http = lookup(env, ['JUJU_CHARM_HTTP_PROXY', 'HTTP_PROXY']);
  const noProxy = lookup(env, ['JUJU_CHARM_NO_PROXY', 'NO_PROXY']);
  return { ...(https ? { https } : {}), ...(http ? { http } : {}), noProxy: parseNoProxy(noProxy?.value) };
}

/**
 * The route of a request to `url`, as Go's `net/http` picks it: `https` URLs use the HTTPS proxy only,
 * `http` URLs the HTTP proxy; hosts in `NO_PROXY` go direct. A proxy without a scheme is `http://`.
 */
export function routeFor(url: URL, settings: ProxySettings): ProxyRoute {
  const setting = url.protocol === 'https:' ? settings.https : settings.http;
  if (setting === undefined) return { direct: true };
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  if (bypassesProxy(settings.noProxy, hostnameOf(url), port)) return { direct: true };
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(setting.value) ? setting.value : `http://${setting.value}`;
  let proxy: URL;
  try {
    proxy = new URL(text);
  } catch {
    return { error: `${setting.source} is not a proxy URL` };
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    return { error: `${setting.source} must be an http:// or https:// proxy` };
  }
  return { direct: false, proxy };
}

function lookup(env: Readonly<Record<string, string | undefined>>, names: readonly string[]): ProxySetting | undefined {
  const keys = Object.keys(env);
  for (const name of names) {
    const spellings = [name, ...keys.filter((k) => k !== name && k.toUpperCase() === name).sort()];
    for (const key of spellings) {
      const value = own(env, key);
      if (value !== undefined && value.trim() !== '') return { value: value.trim(), source: key };
    }
  }
  return undefined;
}
