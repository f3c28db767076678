/** The example charm, tested with the harness (docker-resource/testing): no Juju, nothing spawned. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHarness, type Harness } from '../../../src/testing/index.js';
import { runCharm, type PodSpec } from '../src/charm.js';

const SECRET = 'hunter2-SENTINEL';
const METADATA = readFileSync(fileURLToPath(new URL('../metadata.yaml', import.meta.url)), 'utf8');
const image = (tag: string) => ({ registryPath: `registry.example/team/app:${tag}`, username: 'deploy', password: SECRET });

let h: Harness;
let specs: PodSpec[];
/** Runs one hook of the charm in the harness, recording the pod specs it sets. */
async function charmHook(name: string, options: Parameters<Harness['open']>[1] = {}) {
  const layer = await h.open(name, options);
  const transitions: string[] = [];
  layer.subscribe((t) => transitions.push(`${t.resource}: ${t.from} → ${t.to}`));
  const summary = await runCharm(layer, {
    podSpecSet: async (spec) => void specs.push(spec),
    log: async (message, level) => h.juju.jujuLog(message, level),
  });
  return { ...summary, lines: transitions };
}

beforeEach(() => {
  h = createHarness({ resources: METADATA });
  specs = [];
});
afterEach(() => h.cleanup());

describe('image-charm', () => {
  it('install: sets the pod spec with imageDetails and a pull secret, and says what it serves', async () => {
    h.attach('app-image', image('1.0'));
    const summary = await charmHook('install');
    expect(summary.flags).toContain('layer.docker-resource.app-image.available');
    expect(specs).toHaveLength(1);
    const [container] = specs[0]!.containers;
    expect(container!.imageDetails).toEqual({ imagePath: 'registry.example/team/app:1.0', username: 'deploy', password: SECRET });
    const secret = specs[0]!.kubernetesResources.secrets[0]!;
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const config = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString());
    expect(config.auths['registry.example']).toMatchObject({ username: 'deploy', password: SECRET });
    expect(h.status).toEqual({ state: 'active', message: 'serving registry.example/team/app:1.0' });
    // the credentials went into the pod spec only: not into any log or status
    expect(JSON.stringify([h.juju.calls, h.statuses])).not.toContain(SECRET);
  });

  it('install without the image: no pod spec, blocked, and the charm says it keeps what runs', async () => {
    const summary = await charmHook('install');
    expect(specs).toEqual([]);
    expect(summary.failed).toEqual(['app-image']);
    expect(h.status).toEqual({ state: 'blocked', message: 'unable to fetch resource: app-image' });
    expect(h.logs('ERROR')).toEqual([expect.stringMatching(/^resource "app-image" unavailable \(missing\)/)]);
    expect(h.logs('WARNING')).toEqual(['app-image unavailable (missing); the running pods are kept']);
  });

  it('the image attached later: the next update-status sets the pod spec', async () => {
    await charmHook('install');
    h.attach('app-image', image('1.0'));
    await charmHook('update-status');
    expect(specs.map((s) => s.containers[0]!.imageDetails.imagePath)).toEqual(['registry.example/team/app:1.0']);
    expect(h.steps('app-image')).toEqual(['idle → fetching', 'fetching → failed', 'failed → fetching', 'fetching → available']);
  });

  it('upgrade-charm: a new image sets a new pod spec and logs it; the same image sets nothing', async () => {
    h.attach('app-image', image('1.0'));
    await charmHook('install');
    await charmHook('upgrade-charm');
    expect(specs).toHaveLength(1);

    h.attach('app-image', image('1.1'));
    const summary = await charmHook('upgrade-charm');
    expect(summary.flags).toContain('layer.docker-resource.app-image.changed');
    expect(specs.map((s) => s.containers[0]!.imageDetails.imagePath)).toEqual([
      'registry.example/team/app:1.0',
      'registry.example/team/app:1.1',
    ]);
    expect(h.logs('INFO')).toEqual(['new image registry.example/team/app:1.1: the pods restart with it']);
    expect(h.status).toEqual({ state: 'active', message: 'serving registry.example/team/app:1.1' });
  });

  it('an invalid upload fails as invalid and keeps the running pods', async () => {
    h.attach('app-image', image('1.0'));
    await charmHook('install');
    h.attach('app-image', 'registrypath: "NOT a reference"\n');
    const summary = await charmHook('upgrade-charm');
    expect(summary.failed).toEqual(['app-image']);
    expect(specs).toHaveLength(1);
    expect(h.logs('WARNING')).toEqual(['app-image unavailable (invalid); the running pods are kept']);
    expect(h.status).toEqual({ state: 'blocked', message: 'unable to fetch resource: app-image' });
  });

  it('a controller too slow for the fetch time limit fails as a timeout', async () => {
    h.attach('app-image', image('1.0')).hang('app-image');
    const summary = await charmHook('install', { fetchTimeoutMs: 50 });
    expect(summary.failed).toEqual(['app-image']);
    expect(h.logs('WARNING')).toEqual(['app-image unavailable (timeout); the running pods are kept']);
  });
});
