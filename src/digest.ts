/*
 * The digest after "@" in an image reference, as github.com/opencontainers/go-digest v1.0.0 checks it
 * (algorithm.go: the registered algorithms and their anchored encodings; digest.go: Validate splits at
 * the first ":"). distribution/reference v0.6.0 hands it that part; a program that links crypto/sha256
 * and crypto/sha512, as Juju does, has sha256, sha384 and sha512 available and nothing else.
 */

/** The digest algorithms go-digest registers, each with the length of its lowercase hex encoding. */
export const DIGEST_ALGORITHMS: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

/** Why `digest` (`algorithm:hex`, without the `@`) is not a digest go-digest accepts; `undefined` when it is. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon === -1) {
    return 'digest after "@" must be "algorithm:hex", e.g. "sha256:" followed by 64 hex characters';
  }
  const algorithm = digest.slice(0, colon);
  const length = DIGEST_ALGORITHMS.get(algorithm);
  if (length === undefined) {
    return 'digest algorithm must be sha256, sha384 or sha512, in lowercase (the ones Juju can verify)';
  }
  for (let i = colon + 1; i < digest.length; i++) {
    if (!isLowerHex(digest.charCodeAt(i))) return `${algorithm} digest must be lowercase hexadecimal (0-9, a-f)`;
  }
  const got = digest.length - colon - 1;
  return got === length ? undefined : `${algorithm} digest must be ${length} hex characters, got ${got}`;
}

/** Whether `value` is a digest go-digest accepts (`sha256:` and 64 lowercase hex characters, or sha384, sha512). */
export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && digestProblem(value) === undefined;
}

/** Tells whether the UTF-16 code unit `c` is `0-9` or `a-f`. */
export function isLowerHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
}
