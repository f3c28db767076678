import type { ImageFields } from '../image-info.js';
import { authorize } from './authorize.js';
import { ANONYMOUS, apiUrl, send, type Authorization, type ProbeContext } from './context.js';
import { credentialsOf } from './credentials.js';
import { discard, networkReason } from './http.js';
import { headManifest, judgeManifest } from './manifest.js';
import { unverified, type ProbeOutcome } from './outcome.js';
import { proxySettingsFrom } from './proxy-env.js';
import { timedOut, unclearStatus } from './reasons.js';
import { targetOf, type RegistryTarget } from './target.js';
import { fetchTransport, undiciTransport, type Transport } from './transport.js';

/** How {@link probeImage} runs. */
export interface ProbeOptions {
  /** Aborts the probe (the fetch's time limit); the probe then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The probe's own time limit in milliseconds; past it the outcome is `unverified`. Default {@link DEFAULT_PROBE_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** The environment the proxy settings are read from (`JUJU_CHARM_HTTPS_PROXY`…); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** The `fetch` to send requests with (a simulated registry's, say); default: undici, with the proxy settings. */
  fetch?: typeof globalThis.fetch;
}

/** The probe's own time limit when the caller gives none. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/**
 * Asks the image's registry, with the resource's credentials, whether the image can be pulled
 * (Docker Registry HTTP API v2: `GET /v2/`, the token or Basic handshake, one manifest `HEAD`).
 * Never rejects, except with `options.signal`'s reason when that aborts; no outcome, reason or error
 * holds a credential, and the token it obtains is dropped when it returns.
 */
export async function probeImage(image: ImageFields, options: ProbeOptions = {}): Promise<ProbeOutcome> {
  options.signal?.throwIfAborted();
  let target: RegistryTarget;
  try {
    target = targetOf(image.registryPath);
  } catch {
    return unverified('registrypath is not a valid image reference');
  }
  const limit = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(limit);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  let transport: Transport | undefined;
  let ctx: ProbeContext | undefined;
  try {
    transport =
      options.fetch === undefined
        ? await undiciTransport(proxySettingsFrom(options.env ?? process.env))
        : fetchTransport(options.fetch);
    ctx = { transport, target, credentials: credentialsOf(image), signal };
    return await converse(ctx);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    // The request that failed names the host: the registry's, or its token service's.
    const url = ctx?.lastUrl ?? new URL(`https://${target.apiHost}`);
    if (timeout.aborted) return unverified(timedOut(url.host, limit));
    return unverified(networkReason(error, url.host, transport?.proxySource(url)));
  } finally {
    await transport?.close();
  }
}

/** The conversation: ping, handshake, HEAD (a second handshake only when `/v2/` needed none but the manifest does). */
async function converse(ctx: ProbeContext): Promise<ProbeOutcome> {
  let auth: Authorization = ANONYMOUS;
  const ping = await send(ctx, apiUrl(ctx, ''), { method: 'GET' });
  if (ping.status === 401) {
    const answer = await authorize(ctx, ping);
    if ('result' in answer) return answer;
    auth = answer;
  } else {
    await discard(ping);
    if (ping.status !== 200) return unverified(unclearStatus(ctx.target.apiHost, ping.status));
  }
  let head = await headManifest(ctx, auth);
  if (head.status === 401 && auth === ANONYMOUS && head.headers.has('www-authenticate')) {
    const answer = await authorize(ctx, head);
    if ('result' in answer) return answer;
    auth = answer;
    head = await headManifest(ctx, auth);
  }
  return judgeManifest(ctx, auth, head);
}
