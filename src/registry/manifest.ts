import { isDigest } from '../digest.js';
import { createHash } from 'node:crypto';
import { apiUrl, headersOf, send, type Authorization, type ProbeContext } from './context.js';
import { discard, errorCodes, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, readJson, readLimited } from './http.js';
import { failed, found, unverified, type ProbeOutcome } from './outcome.js';
import {
  deniedOrMissing,
  credentialsRequired,
  digestMismatch,
  digestNotFound,
  rejectedCredentials,
  repositoryNotFound,
  tagNotFound,
  unclearStatus,
} from './reasons.js';

/** Statuses after which HEAD gave nothing usable and one GET is tried. */
const HEAD_UNSUPPORTED = new Set([405, 501]);

/** Sends the one `HEAD /v2/<path>/manifests/<ref>` of the probe (with the manifest Accept types). */
export function headManifest(ctx: ProbeContext, auth: Authorization): Promise<Response> {
  return send(ctx, manifestUrl(ctx), { method: 'HEAD', headers: headersOf(auth, { Accept: MANIFEST_ACCEPT }) });
}

/**
 * Reads the manifest answer: 200 with `Docker-Content-Digest` is found; 200 without it, 405 or 501 fall
 * back to one GET whose body is hashed; 401/403 say which credential problem; 404 asks `tags/list` to
 * tell a missing repository from a missing tag; anything else is unclear.
 */
export async function judgeManifest(ctx: ProbeContext, auth: Authorization, head: Response): Promise<ProbeOutcome> {
  if (head.status === 200) {
    const digest = contentDigest(head);
    await discard(head);
    if (digest !== undefined) return compare(ctx, digest);
    return judgeGet(ctx, auth);
  }
  if (HEAD_UNSUPPORTED.has(head.status)) {
    await discard(head);
    return judgeGet(ctx, auth);
  }
  return judgeRefusal(ctx, auth, head);
}

async function judgeGet(ctx: ProbeContext, auth: Authorization): Promise<ProbeOutcome> {
  const response = await send(ctx, manifestUrl(ctx), { method: 'GET', headers: headersOf(auth, { Accept: MANIFEST_ACCEPT }) });
  if (response.status !== 200) return judgeRefusal(ctx, auth, response);
  const header = contentDigest(response);
  if (header !== undefined) {
    await discard(response);
    return compare(ctx, header);
  }
  const body = await readLimited(response, MAX_MANIFEST_BYTES);
  if (body === undefined) return unverified(`manifest of ${ctx.target.displayName} is over 4 MiB`);
  // The pinned digest's algorithm (the reference parser let through sha256, sha384 or sha512 only).
  const algorithm = ctx.target.pinnedDigest?.split(':', 1)[0] ?? 'sha256';
  return compare(ctx, `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`);
}

async function judgeRefusal(ctx: ProbeContext, auth: Authorization, response: Response): Promise<ProbeOutcome> {
  await discard(response);
  const { displayName: name } = ctx.target;
  const anonymous = ctx.credentials.kind === 'none';
  if (response.status === 401 || response.status === 403) {
    if (auth.tokenGranted) return failed(anonymous ? 'auth-required' : 'repo-not-found', deniedOrMissing(name, anonymous));
    return anonymous ? failed('auth-required', credentialsRequired(name)) : failed('auth-failed', rejectedCredentials(name));
  }
  if (response.status === 404) return notFound(ctx, auth);
  return unverified(unclearStatus(ctx.target.apiHost, response.status));
}

/** The manifest is missing: `tags/list` says `NAME_UNKNOWN` for a missing repository (distribution's own answer). */
async function notFound(ctx: ProbeContext, auth: Authorization): Promise<ProbeOutcome> {
  const { displayName: name, pinnedDigest, reference } = ctx.target;
  const missingManifest = (): ProbeOutcome =>
    pinnedDigest === undefined
      ? failed('tag-not-found', tagNotFound(name, reference))
      : failed('digest-mismatch', digestNotFound(name, pinnedDigest));
  let response: Response;
  try {
    response = await send(ctx, apiUrl(ctx, `${ctx.target.repository}/tags/list?n=1`), { method: 'GET', headers: headersOf(auth) });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return missingManifest(); // the manifest's 404 stands
  }
  if (response.status !== 404) {
    await discard(response);
    return missingManifest();
  }
  const codes = errorCodes(await readJson(response));
  return codes.includes('NAME_UNKNOWN') ? failed('repo-not-found', repositoryNotFound(name)) : missingManifest();
}

function compare(ctx: ProbeContext, digest: string): ProbeOutcome {
  const pinned = ctx.target.pinnedDigest;
  const sameAlgorithm = pinned !== undefined && pinned.split(':')[0] === digest.split(':')[0];
  if (sameAlgorithm && pinned !== digest) return failed('digest-mismatch', digestMismatch(ctx.target.displayName, pinned, digest));
  return found(digest);
}

function contentDigest(response: Response): string | undefined {
  const value = response.headers.get('docker-content-digest')?.trim();
  return isDigest(value) ? value : undefined;
}

function manifestUrl(ctx: ProbeContext): URL {
  return apiUrl(ctx, `${ctx.target.repository}/manifests/${ctx.target.reference}`);
}
