/** Manifests and HTTP answers of the simulated registry ({@link MemoryRegistry}). */
import { createHash } from 'node:crypto';

/** The OCI media types the simulated registry serves. */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** The OCI image index media type. */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** A stored manifest: its media type, bytes and digest. */
export interface StoredManifest {
  mediaType: string;
  body: Buffer;
  digest: string;
}

/** The `sha256:…` digest of some bytes. */
export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** An OCI image manifest (one config, one layer) unique to `seed`, plus, for `index`, an index over it. */
export function imageManifests(seed: string, index: boolean): { top: StoredManifest; all: StoredManifest[] } {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { seed } } }));
  const layer = Buffer.from(`layer of ${seed}`);
  const image = stored(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
  });
  if (!index) return { top: image, all: [image] };
  const top = stored(OCI_INDEX, {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { mediaType: OCI_MANIFEST, digest: image.digest, size: image.body.length, platform: { architecture: 'amd64', os: 'linux' } },
    ],
  });
  return { top, all: [top, image] };
}

function stored(mediaType: string, document: object): StoredManifest {
  const body = Buffer.from(JSON.stringify(document));
  return { mediaType, body, digest: sha256(body) };
}

/** Whether an `Accept` header admits the media type (no header admits everything). */
export function accepts(accept: string | null, mediaType: string): boolean {
  if (accept === null || accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    const type = (part.split(';')[0] ?? '').trim().toLowerCase();
    return type === mediaType || type === '*/*';
  });
}

/** A registry error answer (`{"errors":[{"code":…}]}`) with extra headers. */
export function errorResponse(status: number, code: string, headers: Record<string, string> = {}): Response {
  const body = JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace(/_/g, ' '), detail: null }] });
  return new Response(body, { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A JSON answer. */
export function jsonResponse(status: number, document: unknown): Response {
  return new Response(JSON.stringify(document), { status, headers: { 'Content-Type': 'application/json' } });
}

/** A rejected `fetch`, as undici rejects it: `TypeError('fetch failed')` whose cause has the error `code`. */
export function networkFailure(code: string, host: string): TypeError {
  const cause = Object.assign(new Error(`${code} ${host}`), { code });
  return new TypeError('fetch failed', { cause });
}
