/**
 * probeImage against real registries: Debian's docker-registry (distribution 2.8) with htpasswd and with
 * token auth, TLS with a self-signed certificate, images pushed by skopeo. Every case runs twice in a child
 * Node process: with NODE_EXTRA_CA_CERTS naming the certificate (the real answers) and without it (an
 * untrusted certificate is an unclear answer). Needs docker-registry, skopeo, apache2-utils and openssl.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ImageFields } from '../../src/image-info.js';
import type { ProbeOutcome } from '../../src/registry/index.js';
import { startConnectProxy, type ConnectProxy } from '../fixtures/registry/connect-proxy.js';
import type { ProbeCase } from '../fixtures/registry/probe-runner.js';
import { removeProbeRunner, runProbesInChild, type ChildRun } from '../fixtures/registry/run-probes.js';
import { startRegistryWorld, type RegistryWorld, type WorldRegistry } from '../fixtures/registry/world.js';

const PASSWORD = 'pw-SENTINEL-real-7c1d';

let world: RegistryWorld;
let bypassProxy: ConnectProxy;
const runs: Record<'trusted' | 'untrusted', ChildRun & { relayed: string[] }> = {} as never;

function image(registryPath: string, credentials: Partial<ImageFields> = { username: 'charm', password: PASSWORD }): ImageFields {
  return { registryPath, username: '', password: '', ...credentials };
}

/** The cases for one registry, by name, with the outcome expected when the certificate is trusted. */
function casesFor(label: string, r: WorldRegistry): Array<ProbeCase & { expected: ProbeOutcome }> {
  const name = `${r.host}/team/app`;
  return [
    { name: `${label}: found by tag`, image: image(`${r.host}/team/app:1`), expected: { result: 'found', digest: r.app } },
    { name: `${label}: found by digest`, image: image(`${r.host}/team/app@${r.app}`), expected: { result: 'found', digest: r.app } },
    { name: `${label}: an index`, image: image(`${r.host}/team/multi:1`), expected: { result: 'found', digest: r.multi } },
    {
      name: `${label}: wrong password`,
      image: image(`${r.host}/team/app:1`, { username: 'charm', password: `${PASSWORD}-wrong` }),
      expected: { result: 'failed', kind: 'auth-failed', reason: `registry rejected credentials for ${name}` },
    },
    {
      name: `${label}: no credentials`,
      image: image(`${r.host}/team/app:1`, {}),
      expected: {
        result: 'failed',
        kind: 'auth-required',
        reason: label === 'token' ? `${name}: denied or does not exist; no credentials given` : `${name} requires credentials; none given`,
      },
    },
    {
      name: `${label}: missing tag`,
      image: image(`${r.host}/team/app:2`),
      expected: { result: 'failed', kind: 'tag-not-found', reason: `tag 2 not found in ${name}` },
    },
    {
      name: `${label}: missing repository`,
      image: image(`${r.host}/team/nope:1`),
      expected: { result: 'failed', kind: 'repo-not-found', reason: `repository ${r.host}/team/nope not found` },
    },
    {
      name: `${label}: through the proxy`,
      image: image(`${r.host}/team/app:1`),
      env: { JUJU_CHARM_HTTPS_PROXY: world.proxy.url },
      expected: { result: 'found', digest: r.app },
    },
    {
      name: `${label}: NO_PROXY CIDR goes direct`,
      image: image(`${r.host}/team/app:1`),
      env: { JUJU_CHARM_HTTPS_PROXY: bypassProxy.url, JUJU_CHARM_NO_PROXY: 'localhost,127.0.0.0/8,::1' },
      expected: { result: 'found', digest: r.app },
    },
  ];
}

/** The case names, known before the registries start (jest collects tests first). */
const KINDS = [
  'found by tag',
  'found by digest',
  'an index',
  'wrong password',
  'no credentials',
  'missing tag',
  'missing repository',
  'through the proxy',
  'NO_PROXY CIDR goes direct',
];
const NAMES = [...['htpasswd', 'token'].flatMap((label) => KINDS.map((k) => `${label}: ${k}`)), 'unreachable port'];

function allCases(): Array<ProbeCase & { expected: ProbeOutcome }> {
  return [
    ...casesFor('htpasswd', world.basic),
    ...casesFor('token', world.token),
    {
      name: 'unreachable port',
      image: image(`${world.unreachable}/team/app:1`),
      expected: { result: 'unverified', reason: `${world.unreachable} unreachable (ECONNREFUSED)` },
    },
  ];
}

beforeAll(async () => {
  world = await startRegistryWorld(PASSWORD);
  bypassProxy = await startConnectProxy();
  const cases = allCases().map(({ expected: _expected, ...c }) => c);
  for (const [run, env] of [
    ['trusted', { NODE_EXTRA_CA_CERTS: world.ca }],
    ['untrusted', {}],
  ] as const) {
    const before = world.proxy.relayed.length;
    runs[run] = { ...(await runProbesInChild(cases, env)), relayed: world.proxy.relayed.slice(before) };
  }
}, 60_000);

afterAll(async () => {
  removeProbeRunner();
  await bypassProxy?.stop();
  await world?.stop();
});

describe('probeImage against real registries', () => {
  it('pushed an image and an index to each registry (distinct digests)', () => {
    expect(new Set([world.basic.app, world.basic.multi, world.token.app, world.token.multi]).size).toBe(4);
  });

  it('covers every case in both runs', () => {
    expect(allCases().map((c) => c.name)).toEqual(NAMES);
    expect(Object.keys(runs.trusted.outcomes)).toEqual(NAMES);
    expect(Object.keys(runs.untrusted.outcomes)).toEqual(NAMES);
  });

  describe('with NODE_EXTRA_CA_CERTS naming the self-signed certificate', () => {
    it.each(NAMES.map((n) => [n]))('%s', (name) => {
      const expected = allCases().find((c) => c.name === name)?.expected;
      expect(runs.trusted.outcomes[name]).toEqual(expected);
    });
  });

  describe('without the certificate: unverified, saying why', () => {
    it.each(NAMES.map((n) => [n]))('%s', (name) => {
      const host = name === 'unreachable port' ? world.unreachable : name.startsWith('token') ? world.token.host : world.basic.host;
      const reason =
        name === 'unreachable port'
          ? `${host} unreachable (ECONNREFUSED)`
          : `certificate of ${host} not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); see NODE_EXTRA_CA_CERTS`;
      expect(runs.untrusted.outcomes[name]).toEqual({ result: 'unverified', reason });
    });
  });

  it('tunnels through the JUJU_CHARM_HTTPS_PROXY proxy for the proxied cases only, token server included', () => {
    // A CONNECT proxy sees tunnels, not the requests inside them: it records one target per tunnel.
    const server = new URL(world.token.server.realm).host;
    expect(new Set(runs.trusted.relayed)).toEqual(new Set([world.basic.host, world.token.host, server]));
    expect(new Set(runs.untrusted.relayed)).toEqual(new Set([world.basic.host, world.token.host]));
    expect(bypassProxy.relayed).toEqual([]);
  });

  it('the token server saw the credentials only where it should: one user, pull scopes', () => {
    const users = new Set(world.token.server.requests.map((r) => r.user));
    expect(users).toEqual(new Set(['charm', 'anonymous']));
    const probeScopes = world.token.server.requests.flatMap((r) => r.scopes).filter((s) => s.endsWith(':pull'));
    expect(probeScopes).toContain('repository:team/app:pull');
  });

  it('no outcome and nothing the child printed holds the password', () => {
    for (const run of Object.values(runs)) expect(run.output).not.toContain(PASSWORD);
  });
});
