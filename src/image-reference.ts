import { DockerResourceError } from './errors/index.js';

/**
 * A parsed Docker/OCI image reference, as in `registry.example.com:5000/team/app:1.2@sha256:…`.
 * Absent parts are absent keys, never `undefined`.
 */
export interface ImageReference {
  /** Registry host with optional port (`localhost:5000`, `[::1]:5000`); absent means Docker Hub. */
  domain?: string;
  /** Repository path, lowercase components separated by `/` (`library/nginx`). */
  path: string;
  /** Tag, without the leading `:`. */
  tag?: string;
  /** Digest as `algorithm:hex`, without the leading `@`. */
  digest?: string;
}

/** An image reference does not follow the distribution reference grammar; `reason` says why. */
export class ImageReferenceError extends DockerResourceError {
  override name = 'ImageReferenceError';
  /** What is wrong, for a human to act on (never echoes a credential). */
  readonly reason: string;

  constructor(reason: string) {
    super(`invalid image reference: ${reason}`);
    this.reason = reason;
  }
}

/** The longest name (domain and path) the distribution grammar allows. */
export const MAX_NAME_LENGTH = 255;

const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]+$/;
const DIGEST_ALGORITHM = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*$/;
const DIGEST_HEX = /^[0-9a-fA-F]{32,}$/;
/** Hex lengths of the algorithms registries actually use; they also require lowercase hex. */
const KNOWN_DIGEST_LENGTHS: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

/** Parses an image reference per github.com/distribution/reference; throws {@link ImageReferenceError}. */
export function parseImageReference(ref: string): ImageReference {
  if (ref === '') throw new ImageReferenceError('image reference is empty');
  if (/\s/.test(ref)) throw new ImageReferenceError('image reference must not contain whitespace');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(ref)) {
    throw new ImageReferenceError(
      'image reference must not start with a URL scheme such as "https://"; write host/path',
    );
  }

  const at = ref.indexOf('@');
  const nameAndTag = at === -1 ? ref : ref.slice(0, at);
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  if (digest !== undefined) checkDigest(digest);

  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > nameAndTag.lastIndexOf('/');
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  if (tag !== undefined) checkTag(tag);

  if (name === '') throw new ImageReferenceError('image name is empty');
  if (name.length > MAX_NAME_LENGTH) {
    throw new ImageReferenceError(`image name is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}`);
  }
  const { domain, path } = splitDomain(name);
  if (domain !== undefined) checkDomain(domain);
  checkPath(path);

  return {
    ...(domain === undefined ? {} : { domain }),
    path,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** Tells whether `ref` is a valid image reference (see {@link parseImageReference}). */
export function isValidImageReference(ref: string): boolean {
  try {
    parseImageReference(ref);
    return true;
  } catch {
    return false;
  }
}

/** The first component is a registry when it has a `.` or `:`, is `localhost`, or is a bracketed IPv6 host. */
function splitDomain(name: string): { domain?: string; path: string } {
  const slash = name.indexOf('/');
  if (slash === -1) return { path: name };
  const first = name.slice(0, slash);
  const isDomain = first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[');
  return isDomain ? { domain: first, path: name.slice(slash + 1) } : { path: name };
}

function checkDigest(digest: string): void {
  const colon = digest.indexOf(':');
  if (digest === '' || colon === -1) {
    throw new ImageReferenceError(
      'digest after "@" must be "algorithm:hex", e.g. "sha256:" followed by 64 hex characters',
    );
  }
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!DIGEST_ALGORITHM.test(algorithm)) {
    throw new ImageReferenceError(
      'digest algorithm must start with a letter and hold only letters, digits and "+.-_" separators',
    );
  }
  const expected = KNOWN_DIGEST_LENGTHS.get(algorithm);
  if (expected !== undefined) {
    if (!/^[0-9a-f]*$/.test(hex)) {
      throw new ImageReferenceError(`${algorithm} digest must be lowercase hexadecimal (0-9, a-f)`);
    }
    if (hex.length !== expected) {
      throw new ImageReferenceError(`${algorithm} digest must be ${expected} hex characters, got ${hex.length}`);
    }
  } else if (!DIGEST_HEX.test(hex)) {
    throw new ImageReferenceError('digest must end with at least 32 hexadecimal characters');
  }
}

function checkTag(tag: string): void {
  if (tag === '') throw new ImageReferenceError('tag after ":" is empty; remove the trailing ":" or add a tag');
  if (tag.length > 128) throw new ImageReferenceError(`tag is ${tag.length} characters long; the limit is 128`);
  if (!TAG.test(tag)) {
    throw new ImageReferenceError(
      'tag may hold only letters, digits, "_", "." and "-", and must not start with "." or "-"',
    );
  }
}

function checkDomain(domain: string): void {
  const hostEnd = domain.startsWith('[') ? domain.indexOf(']') + 1 : 0;
  const portColon = hostEnd === 0 && domain.startsWith('[') ? -1 : domain.indexOf(':', hostEnd);
  const host = portColon === -1 ? domain : domain.slice(0, portColon);
  const port = portColon === -1 ? undefined : domain.slice(portColon + 1);
  if (!DOMAIN_NAME.test(host) && !IPV6_HOST.test(host)) {
    throw new ImageReferenceError(
      'registry host must be a domain name (letters, digits, "-", separated by ".") or a bracketed IPv6 address',
    );
  }
  if (port !== undefined && !PORT.test(port)) {
    throw new ImageReferenceError('registry port must be a number, as in "localhost:5000/app"');
  }
}

function checkPath(path: string): void {
  const components = path.split('/');
  for (const component of components) {
    if (component === '') {
      throw new ImageReferenceError(
        'repository path has an empty component; look for "//" or a leading or trailing "/"',
      );
    }
    if (/[A-Z]/.test(component)) throw new ImageReferenceError('repository path must be lowercase');
    if (!PATH_COMPONENT.test(component)) {
      throw new ImageReferenceError(
        `repository path component "${component}" may hold only a-z, 0-9 and the separators ".", "_", "__", "-", ` +
          'and must start and end with a letter or digit',
      );
    }
  }
}
