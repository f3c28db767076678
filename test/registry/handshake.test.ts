/** The pure parts of the handshake: WWW-Authenticate parsing, the realm policy, the target and credentials. */
import { describe, expect, it } from '@jest/globals';
import { challengeOf, parseChallenges } from '../../src/registry/challenge.js';
import { credentialsOf } from '../../src/registry/credentials.js';
import { checkRealm, sameSite } from '../../src/registry/realm-policy.js';
import { targetOf } from '../../src/registry/target.js';

const params = (header: string): Array<[string, Record<string, string>]> =>
  parseChallenges(header).map((c) => [c.scheme, Object.fromEntries(c.params)]);

describe('parseChallenges', () => {
  it("reads Docker Hub's Bearer challenge", () => {
    expect(params('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"')).toEqual([
      ['bearer', { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' }],
    ]);
  });

  it('reads several challenges, unquoted values, escapes and spaces', () => {
    expect(params('Basic realm="x\\"y", Bearer realm=https://r/t , service = svc,scope="repository:a/b:pull"')).toEqual([
      ['basic', { realm: 'x"y' }],
      ['bearer', { realm: 'https://r/t', service: 'svc', scope: 'repository:a/b:pull' }],
    ]);
    expect(challengeOf(parseChallenges('Basic realm="x"'), 'bearer')).toBeUndefined();
  });

  it('ignores garbage and an absent header', () => {
    expect(parseChallenges(null)).toEqual([]);
    expect(params('@@@ Bearer realm="r"')).toEqual([['bearer', { realm: 'r' }]]);
    expect(params('Newauth, Bearer realm="r"')).toEqual([
      ['newauth', {}],
      ['bearer', { realm: 'r' }],
    ]);
  });
});

describe('checkRealm', () => {
  it('allows an https realm on the registry host or its site', () => {
    expect(checkRealm('https://auth.docker.io/token', ['registry-1.docker.io'], true).allowed).toBe(true);
    expect(checkRealm('https://gitlab.example.co.uk/jwt/auth', ['registry.example.co.uk'], true).allowed).toBe(true);
    expect(checkRealm('https://127.0.0.1:5001/token', ['127.0.0.1'], true).allowed).toBe(true);
  });

  it('refuses plain http always, user info, and an unrelated host when credentials would be sent', () => {
    expect(checkRealm('http://registry.example.com/token', ['registry.example.com'], false)).toEqual({
      allowed: false,
      reason: 'token realm on registry.example.com is not https; refused',
    });
    expect(checkRealm('https://u:p@r.example/token', ['r.example'], false).allowed).toBe(false);
    expect(checkRealm('https://evil.co.uk/token', ['registry.example.co.uk'], true).allowed).toBe(false);
    expect(checkRealm('https://127.0.0.2/token', ['127.0.0.1'], true).allowed).toBe(false);
    expect(checkRealm('https://other.example/token', ['registry.example.com'], false).allowed).toBe(true);
    expect(checkRealm(undefined, ['r.example'], false)).toEqual({ allowed: false, reason: 'Bearer challenge without a realm' });
  });

  it('sameSite compares DNS names by site and IP addresses exactly', () => {
    expect(sameSite('a.b.example.com', 'example.com')).toBe(true);
    expect(sameSite('example.com', 'example.org')).toBe(false);
    expect(sameSite('localhost', 'localhost')).toBe(true);
    expect(sameSite('::1', '::1')).toBe(true);
    expect(sameSite('10.0.0.1', '10.0.0.2')).toBe(false);
  });
});

describe('targetOf', () => {
  it('maps Docker Hub names to registry-1.docker.io and library/', () => {
    expect(targetOf('nginx')).toEqual({
      apiHost: 'registry-1.docker.io',
      repository: 'library/nginx',
      reference: 'latest',
      displayName: 'docker.io/library/nginx',
      dockerHub: true,
    });
    expect(targetOf('index.docker.io/bitnami/redis:7')).toMatchObject({ repository: 'bitnami/redis', reference: '7' });
  });

  it('asks by digest when the reference pins one, keeping the tag', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(targetOf(`localhost:5000/team/app:1@${digest}`)).toEqual({
      apiHost: 'localhost:5000',
      repository: 'team/app',
      reference: digest,
      tag: '1',
      pinnedDigest: digest,
      displayName: 'localhost:5000/team/app',
      dockerHub: false,
    });
  });

  it('shortens a long HOST/REPO for reasons', () => {
    const long = `registry.example.com/${'a'.repeat(120)}:1`;
    expect(targetOf(long).displayName).toHaveLength(64);
    expect(targetOf(long).displayName).toContain('…');
  });
});

describe('credentialsOf', () => {
  const base = { registryPath: 'r.example/a', username: '', password: '' };
  it("follows Docker's order: registry token, identity token, user and password, auth", () => {
    expect(credentialsOf({ ...base, username: 'u', password: 'p', registryToken: 'rt', identityToken: 'it' }).kind).toBe(
      'registry-token',
    );
    expect(credentialsOf({ ...base, username: 'u', password: 'p', identityToken: 'it' }).kind).toBe('identity-token');
    expect(credentialsOf({ ...base, username: 'u', password: 'p' })).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(credentialsOf({ ...base, auth: Buffer.from('u:p:q').toString('base64') })).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p:q',
    });
    expect(credentialsOf({ ...base, auth: Buffer.from('nocolon').toString('base64') })).toEqual({ kind: 'none' });
    expect(credentialsOf(base)).toEqual({ kind: 'none' });
  });
});
