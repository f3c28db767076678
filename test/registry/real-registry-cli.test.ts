/**
 * `docker-resource hook --verify` and `fetch --verify` against real registries (the world of
 * real-registry.test.ts: Debian's docker-registry with htpasswd and token auth, TLS with a
 * self-signed CA, skopeo-pushed images, a CONNECT proxy): every case as a resource of one charm,
 * through the built CLI, with and without NODE_EXTRA_CA_CERTS, and through the proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeJuju, type FakeJuju } from '../fixtures/fake-juju.js';
import { startRegistryWorld, type RegistryWorld } from '../fixtures/registry/world.js';

const CLI = fileURLToPath(new URL('../../dist/bundle/docker-resource.js', import.meta.url));
const PASSWORD = 'pw-SENTINEL-cli-4b2e';

let world: RegistryWorld;
const cleanups: Array<() => Promise<unknown> | void> = [];

/** The resources of the charm: name → registry path and credentials, and what `status --json` must say. */
function cases(): Array<{ name: string; path: string; user?: string; password?: string; state: string; kind?: string }> {
  const b = world.basic;
  const t = world.token;
  return [
    { name: 'b-tag', path: `${b.host}/team/app:1`, state: 'available' },
    { name: 'b-digest', path: `${b.host}/team/app@${b.app}`, state: 'available' },
    { name: 'b-index', path: `${b.host}/team/multi:1`, state: 'available' },
    { name: 'b-wrong', path: `${b.host}/team/app:1`, password: `${PASSWORD}-wrong`, state: 'failed', kind: 'auth-failed' },
    { name: 'b-none', path: `${b.host}/team/app:1`, user: '', password: '', state: 'failed', kind: 'auth-required' },
    { name: 'b-tag2', path: `${b.host}/team/app:2`, state: 'failed', kind: 'tag-not-found' },
    { name: 'b-repo', path: `${b.host}/team/nope:1`, state: 'failed', kind: 'repo-not-found' },
    { name: 't-tag', path: `${t.host}/team/app:1`, state: 'available' },
    { name: 't-digest', path: `${t.host}/team/app@${t.app}`, state: 'available' },
    { name: 't-index', path: `${t.host}/team/multi:1`, state: 'available' },
    { name: 't-wrong', path: `${t.host}/team/app:1`, password: `${PASSWORD}-wrong`, state: 'failed', kind: 'auth-failed' },
    { name: 't-none', path: `${t.host}/team/app:1`, user: '', password: '', state: 'failed', kind: 'auth-required' },
    { name: 't-tag2', path: `${t.host}/team/app:2`, state: 'failed', kind: 'tag-not-found' },
    { name: 't-repo', path: `${t.host}/team/nope:1`, state: 'failed', kind: 'repo-not-found' },
    { name: 'gone', path: `${world.unreachable}/team/app:1`, state: 'available' },
  ];
}

/** A charm declaring every case as an auto-fetched resource, and a fake Juju serving each. */
async function charm(): Promise<{ dir: string; juju: FakeJuju }> {
  const dir = mkdtempSync(join(tmpdir(), 'docker-resource-verify-cli-'));
  const juju = await createFakeJuju();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => juju.cleanup());
  const lines = ['name: verify', 'resources:'];
  for (const c of cases()) {
    lines.push(`  ${c.name}:`, '    type: oci-image', '    auto-fetch: true');
    await juju.attach(c.name, `registrypath: ${c.path}\nusername: ${c.user ?? world.user}\npassword: ${c.password ?? PASSWORD}\n`);
  }
  writeFileSync(join(dir, 'metadata.yaml'), lines.join('\n') + '\n');
  return { dir, juju };
}

function cli(args: string[], at: { dir: string; juju: FakeJuju }, env: Record<string, string | undefined> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const all = at.juju.env({ JUJU_CHARM_DIR: at.dir, JUJU_DISPATCH_PATH: 'hooks/install', NODE_EXTRA_CA_CERTS: undefined, ...env });
    execFile(process.execPath, [CLI, ...args], { env: all as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const statusOf = async (at: { dir: string; juju: FakeJuju }) =>
  (JSON.parse((await cli(['status', '--json'], at)).stdout) as { resources: Array<{ name: string; state: string; kind?: string; unverified?: string }> })
    .resources;

const outputs: string[] = [];

beforeAll(async () => {
  world = await startRegistryWorld(PASSWORD);
}, 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await world?.stop();
});

describe('docker-resource --verify against real registries', () => {
  it('hook --verify with the CA trusted: each resource available or failed with the kind the registry meant', async () => {
    const at = await charm();
    const r = await cli(['hook', '--verify', '--retries', '0', '--concurrency', '4'], at, { NODE_EXTRA_CA_CERTS: world.ca });
    outputs.push(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    const status = await statusOf(at);
    for (const c of cases()) {
      const row = status.find((s) => s.name === c.name)!;
      expect({ name: c.name, state: row.state, kind: row.kind }).toEqual({ name: c.name, state: c.state, kind: c.kind });
    }
    const gone = status.find((s) => s.name === 'gone')!;
    expect(gone.unverified).toBe(`${world.unreachable} unreachable (ECONNREFUSED)`);
    const flags = (await cli(['flags'], at)).stdout.split('\n');
    expect(flags).toContain('layer.docker-resource.gone.unverified');
    expect(flags).not.toContain('layer.docker-resource.b-tag.unverified');
    expect(await at.juju.status()).toEqual({ state: 'blocked', message: expect.stringMatching(/^unable to fetch resources: b-wrong, b-none, b-tag2/) });
  }, 60_000);

  it('fetch --verify without the CA: available but unverified, saying why; with it through the proxy: verified, tunnelled', async () => {
    const at = await charm();
    const untrusted = await cli(['fetch', '--verify', 'b-tag', 't-tag'], at);
    outputs.push(untrusted.stdout, untrusted.stderr);
    expect(untrusted.code).toBe(0);
    expect(untrusted.stdout).toMatch(/b-tag: fetching → available \(unverified: certificate of 127\.0\.0\.1:\d+ not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(untrusted.stderr).toContain('the registry could not confirm the image');

    const before = world.proxy.relayed.length;
    const proxied = await cli(['fetch', '--verify', 'b-tag', 't-tag'], at, { NODE_EXTRA_CA_CERTS: world.ca, JUJU_CHARM_HTTPS_PROXY: world.proxy.url });
    outputs.push(proxied.stdout, proxied.stderr);
    expect(proxied.code).toBe(0);
    const relayed = world.proxy.relayed.slice(before);
    expect(relayed).toEqual(expect.arrayContaining([world.basic.host, world.token.host, expect.stringMatching(/^127\.0\.0\.1:\d+$/)]));
    const status = await statusOf(at);
    for (const name of ['b-tag', 't-tag']) expect(status.find((s) => s.name === name)).toMatchObject({ state: 'available' });
    expect(status.find((s) => s.name === 'b-tag')?.unverified).toBeUndefined();
    expect((await cli(['history', 'b-tag', '--json'], at)).stdout).toContain('"event": "verified"');
  }, 60_000);

  it('no output, status or history holds the password', () => {
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.join('\n')).not.toContain(PASSWORD);
  });
});
