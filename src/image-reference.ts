import { DockerResourceError } from './errors/index.js';
import { digestProblem, isLowerHex } from './digest.js';
import { everyCode, isAlnum, isAlpha, isDomainAndPort, isUpper, pathProblem, tagProblem } from './reference-grammar.js';

/*
 * The image references Juju accepts: it checks a registry path with `ParseNormalizedNamed` of
 * github.com/distribution/reference v0.6.0. The rules below restate, in a scanner of our own, that
 * version's normalize.go (ParseNormalizedNamed, splitDockerDomain), reference.go (Parse; the
 * 255-character limit applies to the path alone), regexp.go (the grammar, in reference-grammar.ts) and, for
 * the digest, go-digest v1.0.0 (digest.ts). Every loop reads each character a bounded number of times and
 * no regular expression is used, so hostile input costs linear time.
 */

/**
 * A parsed Docker/OCI image reference, its parts as written (`TEAM/app:1` gives domain `TEAM`).
 * Absent parts are absent keys, never `undefined`; {@link normalizeImageReference} gives Go's parts.
 */
export interface ImageReference {
  /** Registry host with optional port as written (`localhost:5000`, `[::1]:5000`); absent for Docker Hub. */
  domain?: string;
  /** Repository path as written, without the registry (`nginx`, `team/app`); Docker Hub's `library/` is not added. */
  path: string;
  /** Tag, without the leading `:`. */
  tag?: string;
  /** Digest as `algorithm:hex`, without the leading `@`. */
  digest?: string;
}

/** An image reference that Juju's check would refuse; `reason` says why. */
export class ImageReferenceError extends DockerResourceError {
  override name = 'ImageReferenceError';
  /** What is wrong, for a human to act on (never echoes a credential). */
  readonly reason: string;

  constructor(reason: string) {
    super(`invalid image reference: ${reason}`);
    this.reason = reason;
  }
}

/** The longest repository path (without the registry, with Docker Hub's `library/`) the grammar allows. */
export const MAX_PATH_LENGTH = 255;

/** The registry Go names for Docker Hub, and the legacy name it rewrites to it. */
/** Docker Hub's name in normalised references. */
export const HUB = 'docker.io';
const LEGACY_HUB = 'index.docker.io';
const HOST_REASON =
  'registry host must be a domain name (letters, digits and "-", separated by "."), an IPv4 address or a ' +
  'bracketed IPv6 address, with an optional numeric port, as in "localhost:5000/app"';

/** Parses an image reference exactly as Juju's `ParseNormalizedNamed` does; throws {@link ImageReferenceError}. */
export function parseImageReference(ref: string): ImageReference {
  if (ref === '') fail('image reference is empty');
  checkCharacters(ref);
  if (ref.length === 64 && everyCode(ref, 0, 64, isLowerHex)) {
    fail('64 hexadecimal characters read as an image id, not a repository name; add a registry or a tag');
  }
  const at = ref.indexOf('@');
  const nameAndTag = at === -1 ? ref : ref.slice(0, at);
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  if (digest !== undefined) check(digestProblem(digest));

  const colon = nameAndTag.indexOf(':', nameAndTag.lastIndexOf('/') + 1);
  const name = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  const tag = colon === -1 ? undefined : nameAndTag.slice(colon + 1);
  if (tag !== undefined) check(tagProblem(tag));
  if (name === '') fail('image name is empty');

  const { domain, path } = splitDomain(name);
  const normalPath = normalizeImageReference({ ...(domain === undefined ? {} : { domain }), path }).path;
  if (normalPath.length > MAX_PATH_LENGTH) {
    const hub = normalPath.length > path.length ? ' with the "library/" Docker Hub adds' : '';
    fail(`repository path is ${normalPath.length} characters long${hub}; the limit is ${MAX_PATH_LENGTH}`);
  }
  return {
    ...(domain === undefined ? {} : { domain }),
    path,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** Tells whether `ref` is a reference Juju accepts (see {@link parseImageReference}). */
export function isValidImageReference(ref: string): boolean {
  try {
    parseImageReference(ref);
    return true;
  } catch {
    return false;
  }
}

/**
 * The parts Go's `ParseNormalizedNamed` reports for a parsed reference: Docker Hub as `docker.io` (also for
 * `index.docker.io`) and `library/` before a one-component Hub path. The domain stays absent only where Go's
 * is empty: a dotted first component that is no valid host (`foo_bar.com/x`) is kept in the path.
 */
export function normalizeImageReference(ref: ImageReference): ImageReference {
  const { domain: written, path, ...rest } = ref;
  const slash = path.indexOf('/');
  const keptInPath = written === undefined && slash !== -1 && path.lastIndexOf('.', slash) !== -1;
  const domain = keptInPath ? undefined : written === undefined || written === LEGACY_HUB ? HUB : written;
  const library = domain === HUB && slash === -1 ? 'library/' : '';
  return { ...(domain === undefined ? {} : { domain }), path: library + path, ...rest };
}

/**
 * Splits a name (no tag, no digest) as Go does: the first component is the registry when it is `localhost`,
 * holds a `.` or `:`, or holds an upper-case letter, and is a valid host; a dotted first component that is no
 * valid host stays in the path when the whole name is a valid path.
 */
function splitDomain(name: string): { domain?: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (!namesRegistry(first)) {
    check(pathProblem(name));
    return { path: name };
  }
  const hostOk = isDomainAndPort(first);
  const restProblem = pathProblem(name.slice(slash + 1));
  if (hostOk && restProblem === undefined) return { domain: first, path: name.slice(slash + 1) };
  if (pathProblem(name) === undefined) return { path: name };
  return fail(hostOk && restProblem !== undefined ? restProblem : HOST_REASON);
}

/** splitDockerDomain's test: is this first component meant as a registry? */
function namesRegistry(first: string): boolean {
  if (first === 'localhost' || first === LEGACY_HUB) return true;
  return !everyCode(first, 0, first.length, (c) => c !== 0x2e && c !== 0x3a && !isUpper(c));
}

/** Refuses what no part of the grammar holds, with a reason that echoes nothing of the input. */
function checkCharacters(ref: string): void {
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) fail('image reference must not contain whitespace or control characters');
    if (c > 0x7f) fail('image reference must hold only ASCII characters');
  }
  const scheme = ref.indexOf('://');
  const schemeCode = (c: number): boolean => isAlnum(c) || c === 0x2b || c === 0x2e || c === 0x2d;
  if (scheme > 0 && isAlpha(ref.charCodeAt(0)) && everyCode(ref, 1, scheme, schemeCode)) {
    fail('image reference must not start with a URL scheme such as "https://"; write host/path');
  }
}

function check(problem: string | undefined): void {
  if (problem !== undefined) fail(problem);
}
function fail(reason: string): never {
  throw new ImageReferenceError(reason);
}
