/** The test harness for charm authors (docker-resource/testing): resources that are missing, invalid or slow. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { HookToolError, InvalidResourceError } from '../../src/errors/index.js';
import { createHarness, imageYaml, MemoryJuju, type Harness } from '../../src/testing/index.js';

const SECRET = 'pw-SENTINEL';
const web = { registryPath: 'registry.example/web:1', username: 'bot', password: SECRET };
const twoResources = { web: { type: 'oci-image', 'auto-fetch': true }, db: { type: 'oci-image', 'auto-fetch': true } } as const;

let h: Harness;
afterEach(() => h?.cleanup());

describe('createHarness', () => {
  it('declares images up front; a resource left out is missing', async () => {
    h = createHarness({ resources: twoResources, images: { web } });
    const summary = await h.hook('install');
    expect(summary.failed).toEqual(['db']);
    expect(h.steps('web')).toEqual(['idle → fetching', 'fetching → available']);
    expect(h.steps('db')).toEqual(['idle → fetching', 'fetching → failed']);
    expect(h.statuses).toEqual([
      { state: 'maintenance', message: 'fetching resources: web, db' },
      { state: 'blocked', message: 'unable to fetch resource: db' },
    ]);
    expect(h.logs('ERROR')).toEqual([expect.stringMatching(/^resource "db" unavailable \(missing\)/)]);
    expect(await h.flags()).toEqual(summary.flags);
    expect((await h.info('web')).password).toBe(SECRET);
    expect((await h.history('db')).map((e) => e.to)).toEqual(['fetching', 'failed']);
  });

  it('an invalid upload (raw text) fails as invalid; getInfo says why', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', 'registrypath: [not, a, string]\n');
    await h.hook('install', (layer) => {
      expect(() => layer.getInfo('web')).toThrow(InvalidResourceError);
    });
    const last = h.transitions.at(-1);
    expect(last?.to === 'failed' && last.event.kind).toBe('invalid');
    await expect(h.info('web')).rejects.toThrow(InvalidResourceError);
  });

  it('a slow resource: fetched when under the time limit, a timeout failure when over it', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } }, options: { fetchTimeoutMs: 5_000 } });
    h.attach('web', web).slow('web', 30);
    expect((await h.hook('install')).flags).toContain('layer.docker-resource.web.available');
    h.hang('web');
    const summary = await h.hook('upgrade-charm', undefined, { fetchTimeoutMs: 30 });
    expect(summary.failed).toEqual(['web']);
    expect(h.transitions.at(-1)?.event).toMatchObject({ kind: 'timeout' });
  });

  it('failTimes: transient controller errors, retried in the hook when retry is on', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', web, { failTimes: 2 });
    const summary = await h.hook('install', undefined, { retry: { retries: 2, delayMs: 1 } });
    expect(summary.failed).toEqual([]);
    expect(h.juju.fetchedNames).toEqual(['web', 'web', 'web']);
  });

  it('detach makes an attached resource missing again; no credential reaches a log or status', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } }, images: { web } });
    await h.hook('install');
    h.detach('web');
    await h.hook('upgrade-charm');
    expect(h.status).toEqual({ state: 'blocked', message: 'unable to fetch resource: web' });
    expect(JSON.stringify([h.juju.calls, h.statuses, h.logs()])).not.toContain(SECRET);
  });

  it('a charm handler that throws releases the lock: the next hook runs', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } }, images: { web }, options: { lockTimeoutMs: 2_000 } });
    await expect(
      h.hook('install', () => {
        throw new Error('charm bug');
      }),
    ).rejects.toThrow('charm bug');
    expect((await h.hook('install')).flags).toContain('layer.docker-resource.web.available');
  });
});

describe('MemoryJuju', () => {
  it('records argv as Juju would receive it, and rejects a status Juju rejects', async () => {
    const juju = new MemoryJuju();
    try {
      await juju.statusSet('active', '-starts with a dash');
      await juju.jujuLog('hello', 'WARNING');
      await expect(juju.resourceGet('nope')).rejects.toThrow(HookToolError);
      await expect(juju.statusSet('error' as never, 'x')).rejects.toMatchObject({ failure: 'usage', exitCode: 2 });
      expect(juju.calls).toEqual([
        ['status-set', 'active', '--', '-starts with a dash'],
        ['juju-log', '-l', 'WARNING', '--', 'hello'],
        ['resource-get', 'nope'],
      ]);
      expect(await juju.statusGet()).toEqual({ status: 'active', message: '-starts with a dash' });
      juju.clear();
      expect(juju.calls).toEqual([]);
      expect(juju.status).toEqual({ state: 'active', message: '-starts with a dash' });
    } finally {
      juju.cleanup();
    }
  });

  it('imageYaml renders the fields Juju writes for an oci-image resource', () => {
    expect(imageYaml({ registryPath: 'r.example/a:1' })).toBe("registrypath: r.example/a:1\nusername: ''\npassword: ''\n");
  });
});
