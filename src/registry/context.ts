import type { Credentials } from './credentials.js';
import type { RegistryTarget } from './target.js';
import type { Transport } from './transport.js';

/** What one probe run carries from step to step (never stored beyond the run: it holds credentials). */
export interface ProbeContext {
  transport: Transport;
  target: RegistryTarget;
  credentials: Credentials;
  signal: AbortSignal;
  /** The last URL asked, to name the host when a request fails. */
  lastUrl?: URL;
}

/** How registry requests are authorised after the handshake. */
export interface Authorization {
  /** The `Authorization` header value, if any (a credential: never shown). */
  header?: string;
  /** Whether a token service granted the header's token (so a 401 may mean "denied or does not exist"). */
  tokenGranted: boolean;
}

/** No `Authorization` header. */
export const ANONYMOUS: Authorization = { tokenGranted: false };

/** A request of the probe: method, headers, body. */
export interface ProbeRequest {
  method: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Sends one request under the probe's signal. Requests that carry a credential (a header or a body)
 * do not follow redirects, so that nothing reaches a host the probe did not choose.
 */
export function send(ctx: ProbeContext, url: URL, request: ProbeRequest): Promise<Response> {
  ctx.lastUrl = url;
  const credentialed = request.body !== undefined || request.headers?.['Authorization'] !== undefined;
  return ctx.transport.send(url, {
    method: request.method,
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.body === undefined ? {} : { body: request.body }),
    redirect: credentialed ? 'manual' : 'follow',
    signal: ctx.signal,
  });
}

/** `https://HOST/v2/…` for the target's registry. */
export function apiUrl(ctx: ProbeContext, path: string): URL {
  return new URL(`https://${ctx.target.apiHost}/v2/${path}`);
}

/** The header object for an authorisation, plus `extra`. */
export function headersOf(auth: Authorization, extra: Record<string, string> = {}): Record<string, string> {
  return auth.header === undefined ? extra : { ...extra, Authorization: auth.header };
}
