/** The wording of every probe reason (issue 17): short, naming HOST/REPO, never a credential. */
import { shortDigest, shorten } from './target.js';

/** `registry rejected credentials for HOST/REPO`. */
export function rejectedCredentials(name: string): string {
  return `registry rejected credentials for ${name}`;
}

/** The registry wants credentials and the resource has none. */
export function credentialsRequired(name: string): string {
  return `${name} requires credentials; none given`;
}

/** A token was granted but the manifest refused: Docker Hub's (and GHCR's) answer for a missing repository too. */
export function deniedOrMissing(name: string, anonymous: boolean): string {
  return anonymous
    ? `${name}: denied or does not exist; no credentials given`
    : `${name}: pull access denied or repository does not exist`;
}

/** The registry says `NAME_UNKNOWN`. */
export function repositoryNotFound(name: string): string {
  return `repository ${name} not found`;
}

/** The repository exists; the tag does not. */
export function tagNotFound(name: string, tag: string): string {
  return `tag ${shorten(tag, 32)} not found in ${name}`;
}

/** The repository exists; the pinned digest is not in it. */
export function digestNotFound(name: string, digest: string): string {
  return `no manifest ${shortDigest(digest)} in ${name}`;
}

/** The registry answered the pinned reference with other content. */
export function digestMismatch(name: string, pinned: string, served: string): string {
  return `${name} serves ${shortDigest(served)}, not the pinned ${shortDigest(pinned)}`;
}

/** An HTTP status the probe cannot read as a clear answer. */
export function unclearStatus(who: string, status: number): string {
  if (status === 429) return `${who} rate limited the probe (HTTP 429)`;
  if (status >= 500) return `${who} answered HTTP ${status} (server error)`;
  if (status >= 300 && status < 400) return `${who} redirected (HTTP ${status}); not followed with credentials`;
  return `${who} answered HTTP ${status}`;
}

/** The probe's own time limit ran out. */
export function timedOut(host: string, ms: number): string {
  return `no answer from ${host} within ${ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`}`;
}
