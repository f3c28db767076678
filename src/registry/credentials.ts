import type { ImageFields } from '../image-info.js';

/**
 * What the probe authenticates with, from an `oci-image` resource: a registry token (sent as is), an
 * identity token (an OAuth2 refresh token for the realm), a user name and password (or `auth`), or nothing.
 */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'identity-token'; token: string }
  | { kind: 'registry-token'; token: string };

/** The credentials of the image, in Docker's order: `registrytoken`, `identitytoken`, user and password, `auth`. */
export function credentialsOf(image: ImageFields): Credentials {
  if (nonEmpty(image.registryToken)) return { kind: 'registry-token', token: image.registryToken };
  if (nonEmpty(image.identityToken)) return { kind: 'identity-token', token: image.identityToken };
  if (image.username !== '' || image.password !== '') {
    return { kind: 'basic', username: image.username, password: image.password };
  }
  const fromAuth = nonEmpty(image.auth) ? decodeAuth(image.auth) : undefined;
  return fromAuth ?? { kind: 'none' };
}

/** The `Authorization` value for HTTP Basic with these credentials. */
export function basicAuthorization(credentials: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

function decodeAuth(auth: string): Credentials | undefined {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { kind: 'basic', username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}
