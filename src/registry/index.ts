/** The registry probe (issue 17): asks an image's registry whether the image can be pulled. */
export { probeImage, DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions } from './probe.js';
export { MAX_REASON_LENGTH, type ProbeFailureKind, type ProbeOutcome } from './outcome.js';
export { proxySettingsFrom, routeFor, type ProxySettings, type ProxySetting, type ProxyRoute } from './proxy-env.js';
export { parseNoProxy, bypassesProxy, type NoProxy } from './no-proxy.js';
