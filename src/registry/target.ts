import { HUB, normalizeImageReference, parseImageReference } from '../image-reference.js';

/** Where and what the probe asks: the API host, the repository and the manifest reference. */
export interface RegistryTarget {
  /** Host (and port) the HTTP API is served on: `registry-1.docker.io` for Docker Hub. */
  apiHost: string;
  /** Repository path as the API names it (`library/nginx` for `nginx`). */
  repository: string;
  /** The manifest reference asked for: the pinned digest if any, else the tag, else `latest`. */
  reference: string;
  /** The tag of the image reference, if it has one. */
  tag?: string;
  /** The digest the image reference pins, if it has one. */
  pinnedDigest?: string;
  /** `HOST/REPO` as a person knows it (`docker.io/library/nginx`), shortened for messages. */
  displayName: string;
  /** Whether the registry is Docker Hub (which answers 401 for a missing repository). */
  dockerHub: boolean;
}

/** The host that serves Docker Hub's registry API. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** Longest `HOST/REPO` shown in a reason, so that reasons stay under 120 characters. */
const MAX_DISPLAY_NAME = 64;

/** The probe's target for an image reference; throws `ImageReferenceError` when it is not one. */
export function targetOf(registryPath: string): RegistryTarget {
  // Normalised as Go's ParseNormalizedNamed does: Docker Hub is docker.io, its one-part paths under library/.
  const ref = normalizeImageReference(parseImageReference(registryPath));
  const domain = ref.domain ?? HUB;
  const hub = domain === HUB;
  const repository = ref.path;
  return {
    apiHost: hub ? DOCKER_HUB_API_HOST : domain,
    repository,
    reference: ref.digest ?? ref.tag ?? 'latest',
    ...(ref.tag === undefined ? {} : { tag: ref.tag }),
    ...(ref.digest === undefined ? {} : { pinnedDigest: ref.digest }),
    displayName: shorten(`${domain}/${repository}`, MAX_DISPLAY_NAME),
    dockerHub: hub || domain === DOCKER_HUB_API_HOST,
  };
}

/** A digest shortened for messages: the algorithm and the first 12 hex characters. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return digest.length - colon > 13 ? `${digest.slice(0, colon + 13)}…` : digest;
}

/** The text cut in the middle with `…` to `max` characters. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}
