import { challengeOf, parseChallenges, type Challenge } from './challenge.js';
import { send, type Authorization, type ProbeContext } from './context.js';
import { basicAuthorization } from './credentials.js';
import { discard, readJson } from './http.js';
import { failed, unverified, type ProbeOutcome } from './outcome.js';
import { credentialsRequired, rejectedCredentials, unclearStatus } from './reasons.js';
import { own } from '../own.js';
import { checkRealm, hostnameOf } from './realm-policy.js';

/** A token longer than this, or with other than visible ASCII, is not used. */
const TOKEN_PATTERN = /^[\x21-\x7e]{1,16384}$/;

/**
 * Answers a 401's challenge: Bearer (the token flow), or Basic (the user and password), per the
 * Docker Registry token specification. Returns how to authorise the manifest request, or an outcome
 * when the token service gave a clear or an unclear answer. The token lives only in the return value.
 */
export async function authorize(ctx: ProbeContext, unauthorized: Response): Promise<Authorization | ProbeOutcome> {
  const challenges = parseChallenges(unauthorized.headers.get('www-authenticate'));
  await discard(unauthorized);
  const creds = ctx.credentials;
  if (creds.kind === 'registry-token') return { header: `Bearer ${creds.token}`, tokenGranted: false };
  const bearer = challengeOf(challenges, 'bearer');
  if (bearer !== undefined) return tokenFlow(ctx, bearer);
  if (challengeOf(challenges, 'basic') !== undefined) {
    if (creds.kind === 'basic') return { header: basicAuthorization(creds), tokenGranted: false };
    if (creds.kind === 'identity-token') return unverified(`${ctx.target.apiHost} wants Basic auth; an identity token needs a token service`);
    return { tokenGranted: false };
  }
  return unverified(`${ctx.target.apiHost} asked for no known authentication scheme`);
}

async function tokenFlow(ctx: ProbeContext, challenge: Challenge): Promise<Authorization | ProbeOutcome> {
  const creds = ctx.credentials;
  // The realm is judged against the registry the image names, never against a host a redirect led to:
  // the credentials are the registry's, and an unauthenticated request may be redirected anywhere.
  const verdict = checkRealm(challenge.params.get('realm'), [hostnameOf(new URL(`https://${ctx.target.apiHost}`))], creds.kind !== 'none');
  if (!verdict.allowed) return unverified(verdict.reason);
  const url = verdict.url;
  const service = challenge.params.get('service');
  const scope = `repository:${ctx.target.repository}:pull`;
  let response: Response;
  if (creds.kind === 'identity-token') {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.token, client_id: 'docker-resource', scope });
    if (service !== undefined) form.set('service', service);
    response = await send(ctx, url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  } else {
    if (service !== undefined) url.searchParams.set('service', service);
    url.searchParams.set('scope', scope);
    if (creds.kind === 'basic' && creds.username !== '') url.searchParams.set('account', creds.username);
    response = await send(ctx, url, {
      method: 'GET',
      ...(creds.kind === 'basic' ? { headers: { Authorization: basicAuthorization(creds) } } : {}),
    });
  }
  return tokenAnswer(ctx, response, `token service ${hostnameOf(url)}`);
}

async function tokenAnswer(ctx: ProbeContext, response: Response, who: string): Promise<Authorization | ProbeOutcome> {
  if (response.status === 401 || response.status === 403) {
    await discard(response);
    const name = ctx.target.displayName;
    return ctx.credentials.kind === 'none'
      ? failed('auth-required', credentialsRequired(name))
      : failed('auth-failed', rejectedCredentials(name));
  }
  if (response.status !== 200) {
    await discard(response);
    return unverified(unclearStatus(who, response.status));
  }
  const document = await readJson(response);
  const token = tokenOf(document);
  if (token === undefined) return unverified(`${who} gave no usable token`);
  return { header: `Bearer ${token}`, tokenGranted: true };
}

function tokenOf(document: unknown): string | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  for (const key of ['token', 'access_token']) {
    const value = own(document as Record<string, unknown>, key);
    if (typeof value === 'string' && TOKEN_PATTERN.test(value)) return value;
  }
  return undefined;
}
