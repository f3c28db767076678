import { UnverifiedSignal } from './outcome.js';

/** The Accept header of the manifest request: OCI index and manifest, Docker manifest list and v2. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Largest manifest read by the GET fallback (distribution's own limit is 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Largest token or error document read. */
export const MAX_DOCUMENT_BYTES = 64 * 1024;

/** The body, or `undefined` when it is longer than `limit` bytes (the rest is not read). */
export async function readLimited(response: Response, limit: number): Promise<Uint8Array | undefined> {
  if (response.body === null) return new Uint8Array();
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body.cancel().catch(() => undefined);
    return undefined;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The body parsed as JSON, or `undefined` when it is too long or not JSON. */
export async function readJson(response: Response, limit = MAX_DOCUMENT_BYTES): Promise<unknown> {
  const bytes = await readLimited(response, limit);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The `code` of each entry of a registry error document (`{"errors":[{"code":"NAME_UNKNOWN"}]}`). */
export function errorCodes(document: unknown): string[] {
  if (typeof document !== 'object' || document === null || !('errors' in document)) return [];
  const errors = (document as { errors: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e: unknown) =>
    typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? [e.code] : [],
  );
}

/**
 * Frees a response whose body the probe does not need: reads a short body to its end (so the connection
 * can serve the next request: one TLS handshake, one proxy tunnel per host) and cancels a long one.
 */
export async function discard(response: Response): Promise<void> {
  await readLimited(response, MAX_DOCUMENT_BYTES).catch(() => undefined);
}

/** Certificate errors Node and OpenSSL report: the registry's certificate is not trusted. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** TLS handshake errors that mean the other end does not speak TLS (a plain-http registry, say). */
const NOT_TLS_CODES = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);

/**
 * Why a request failed, from the error codes in its `cause` chain only (never the message, which may
 * hold a URL): `certificate of HOST not trusted (CODE)`, `HOST unreachable (CODE)`; without a code (not a
 * network error), `request to HOST failed`.
 */
export function networkReason(error: unknown, host: string, proxySource: string | undefined): string {
  if (error instanceof UnverifiedSignal) return error.reason;
  const code = errorCode(error);
  const via = proxySource === undefined ? '' : ` via ${proxySource}`;
  if (code !== undefined && CERTIFICATE_CODES.has(code)) {
    return `certificate of ${host} not trusted (${code}); see NODE_EXTRA_CA_CERTS`;
  }
  if (code !== undefined && NOT_TLS_CODES.has(code)) return `${host} does not answer HTTPS${via} (${code})`;
  return code === undefined ? `request to ${host} failed${via}` : `${host} unreachable${via} (${code})`;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,47}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
