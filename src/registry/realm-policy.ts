import { isIP } from 'node:net';

/** Whether the probe may ask this token realm, and if not, why (safe to show). */
export type RealmVerdict = { allowed: true; url: URL } | { allowed: false; reason: string };

/**
 * Checks a Bearer challenge's realm before the probe asks it for a token. The realm must be an `https`
 * URL without user info; when credentials would be sent it must also be on the registry's host or
 * site (see {@link sameSite}): a registry cannot send the charm's password to an unrelated host.
 * The registry itself is always reached over HTTPS, so a plain-`http` realm is refused in every case.
 */
export function checkRealm(realm: string | undefined, registryHosts: readonly string[], sendsCredentials: boolean): RealmVerdict {
  if (realm === undefined || realm === '') return { allowed: false, reason: 'Bearer challenge without a realm' };
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return { allowed: false, reason: 'token realm is not a URL' };
  }
  const host = hostnameOf(url);
  if (url.protocol !== 'https:') return { allowed: false, reason: `token realm on ${host} is not https; refused` };
  if (url.username !== '' || url.password !== '') return { allowed: false, reason: `token realm on ${host} holds user info; refused` };
  if (sendsCredentials && !registryHosts.some((h) => sameSite(h, host))) {
    return { allowed: false, reason: `token realm ${host} is unrelated to the registry; credentials not sent` };
  }
  return { allowed: true, url };
}

/** The URL's host name without IPv6 brackets, lowercased. */
export function hostnameOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/** Country-code second-level labels under which a site needs three labels (`example.co.uk`). */
const SECOND_LEVEL = new Set(['ac', 'co', 'com', 'edu', 'gov', 'go', 'ne', 'net', 'or', 'org']);

/**
 * Whether two host names belong to the same site: equal, or (for DNS names) sharing the last two labels,
 * three under a country code's generic second level (`co.uk`). An approximation of the public suffix
 * list that keeps Docker Hub (`registry-1.docker.io` → `auth.docker.io`) and GitLab working.
 */
export function sameSite(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/\.$/, '');
  const y = b.toLowerCase().replace(/\.$/, '');
  if (x === y) return true;
  if (isIP(x) !== 0 || isIP(y) !== 0) return false;
  const site = siteOf(x);
  return site !== undefined && site === siteOf(y);
}

function siteOf(host: string): string | undefined {
  const labels = host.split('.');
  if (labels.length < 2) return undefined;
  const tld = labels[labels.length - 1] as string;
  const second = labels[labels.length - 2] as string;
  const size = tld.length === 2 && SECOND_LEVEL.has(second) ? 3 : 2;
  return labels.length < size ? undefined : labels.slice(-size).join('.');
}
