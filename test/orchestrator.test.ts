import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, type Harness } from '../src/testing/index.js';
import { InvalidResourceError, MissingResourceError, ResourceNotAvailableError, UnknownResourceError } from '../src/errors/index.js';

const SECRET = 's3cr3t-SENTINEL';
const image = (tag: string) => ({ registryPath: `registry.example/app:${tag}`, username: 'bot', password: SECRET });
const statusCalls = (h: Harness) => h.juju.calls.filter((c) => c[0] === 'status-set');

let h: Harness;
afterEach(() => h?.cleanup());

describe('a charm life with two auto-fetched resources', () => {
  it('install with one missing: one maintenance line, then blocked, one ERROR log, flags', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true }, db: { type: 'docker', 'auto-fetch': true } } });
    h.attach('web', image('1'));
    const summary = await h.hook('install');
    expect(statusCalls(h)).toEqual([
      ['status-set', 'maintenance', '--', 'fetching resources: web, db'],
      ['status-set', 'blocked', '--', 'unable to fetch resource: db'],
    ]);
    expect(h.juju.logs.filter((l) => l.level === 'ERROR')).toEqual([
      { level: 'ERROR', message: expect.stringMatching(/^resource "db" unavailable \(missing\): resource-get failed: ERROR could not download/) },
    ]);
    expect(summary.flags).toEqual([
      'layer.docker-resource.auto-fetched',
      'layer.docker-resource.db.failed',
      'layer.docker-resource.db.fetched',
      'layer.docker-resource.pending',
      'layer.docker-resource.web.available',
      'layer.docker-resource.web.fetched',
    ]);
    expect(summary.wroteState).toBe(true);
  });

  it('update-status retries the failure quietly, then attach → available and the blocked status is cleared', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true }, db: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', image('1'));
    await h.hook('install');
    h.juju.clear();

    const still = await h.hook('update-status', undefined, { retry: { retries: 1, delayMs: 10 } });
    expect(h.juju.calls.filter((c) => c[0] === 'resource-get')).toEqual([
      ['resource-get', 'db'],
      ['resource-get', 'db'],
    ]);
    expect(statusCalls(h)).toEqual([]);
    expect(still.flags).toContain('layer.docker-resource.db.failed');

    h.juju.clear();
    h.attach('db', image('1'));
    const ok = await h.hook('update-status');
    expect(statusCalls(h)).toEqual([['status-set', 'active', '--', '']]);
    expect(ok.flags).toEqual(expect.arrayContaining(['layer.docker-resource.db.available']));
    expect(ok.flags).not.toContain('layer.docker-resource.pending');
  });

  it('an idle hook runs no hook tool and writes nothing', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', image('1'));
    await h.hook('install');
    const file = join(h.charmDir, '.docker-resource', 'state.json');
    const before = statSync(file).mtimeMs;
    h.juju.clear();
    const summary = await h.hook('update-status');
    expect(h.juju.calls).toEqual([]);
    expect(summary.wroteState).toBe(false);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('a resource removed from metadata.yaml is dropped from the state by the next (otherwise idle) hook', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true }, db: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', image('1')).attach('db', image('1'));
    await h.hook('install');
    writeFileSync(join(h.charmDir, 'metadata.yaml'), 'name: test-charm\nresources:\n  web:\n    type: oci-image\n    auto-fetch: true\n');
    h.juju.clear();
    const summary = await h.hook('update-status');
    expect(h.juju.calls).toEqual([]);
    expect(summary.wroteState).toBe(true);
    const saved = JSON.parse(readFileSync(join(h.charmDir, '.docker-resource', 'state.json'), 'utf8'));
    expect(Object.keys(saved.resources)).toEqual(['web']);
    expect(summary.flags.some((f) => f.includes('.db.'))).toBe(false);
    expect((await h.hook('update-status')).wroteState).toBe(false);
  });

  it('upgrade-charm refetches: a new image sets changed, an unchanged one does not', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true }, db: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', image('1')).attach('db', image('1'));
    await h.hook('install');
    h.attach('web', image('2'));
    const summary = await h.hook('upgrade-charm');
    expect(summary.flags).toContain('layer.docker-resource.web.changed');
    expect(summary.flags).not.toContain('layer.docker-resource.db.changed');
    expect(summary.transitions.map((t) => `${t.resource}:${t.from}->${t.to}`)).toEqual(
      expect.arrayContaining(['web:available->fetching', 'web:fetching->available', 'db:available->fetching']),
    );
    const next = await h.hook('update-status');
    expect(next.flags).toContain('layer.docker-resource.web.changed');
  });

  it('an emptied resource fails as missing and drops its image info', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', image('1'));
    await h.hook('install');
    h.attach('web', '');
    await h.hook('upgrade-charm', (layer) => {
      expect(() => layer.getInfo('web')).toThrow(MissingResourceError);
      expect(() => layer.getInfo('web')).toThrow(/resource "web": resource file is empty/);
    });
    expect(h.juju.status).toEqual({ state: 'blocked', message: 'unable to fetch resource: web' });
  });

  it('set-status: false in layer.yaml sets no status at all', async () => {
    h = createHarness({
      resources: { web: { type: 'oci-image', 'auto-fetch': true } },
      layerOptions: { 'set-status': false },
    });
    await h.hook('install');
    expect(statusCalls(h)).toEqual([]);
    expect(h.juju.logs.map((l) => l.level)).toEqual(['ERROR']);
  });
});

describe('the API inside a hook', () => {
  it('fetch() requests a resource; getInfo() gives its image; state and secrets persist owner-only', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image' } } });
    h.attach('web', image('1'));
    await h.hook('install', async (layer) => {
      expect(() => layer.getInfo('web')).toThrow(ResourceNotAvailableError);
      expect(() => layer.getInfo('web')).toThrow(/never requested: call fetch\("web"\)/);
      layer.fetch('web');
      await layer.settled();
      const info = layer.getInfo('web');
      expect(info.registryPath).toBe('registry.example/app:1');
      expect(info.password).toBe(SECRET);
      expect(JSON.stringify(info)).not.toContain(SECRET);
    });
    const file = join(h.charmDir, '.docker-resource', 'state.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const next = await h.open('config-changed');
    expect(next.getInfo('web').password).toBe(SECRET);
    await next.abandon();
    expect(readFileSync(file, 'utf8')).toContain('"version":1');
  });

  it('getInfo names an unknown resource and lists the known ones; a failed one says why', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true }, data: { type: 'file' } } });
    h.attach('web', 'registrypath: NOT a reference\n');
    await h.hook('install', (layer) => {
      expect(() => layer.getInfo('nope')).toThrow(UnknownResourceError);
      expect(() => layer.getInfo('nope')).toThrow('unknown resource "nope": the charm\'s metadata declares these oci-image resources: web');
      expect(() => layer.getInfo('data')).toThrow(UnknownResourceError);
      expect(() => layer.getInfo('web')).toThrow(InvalidResourceError);
    });
  });

  it('subscribers get every transition, per resource or all, without credentials', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true }, db: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', image('1')).attach('db', image('1'));
    const layer = await h.open('install');
    const all: string[] = [];
    const webOnly: string[] = [];
    const seen: unknown[] = [];
    layer.subscribe((t) => (all.push(`${t.resource} ${t.from}→${t.to} ${t.event.type}`), seen.push(t)));
    layer.subscribe((t) => webOnly.push(`${t.from}→${t.to}`), 'web');
    await layer.runHook();
    expect(webOnly).toEqual(['idle→fetching', 'fetching→available']);
    expect(all).toEqual(
      expect.arrayContaining(['web idle→fetching fetch', 'db fetching→available fetched']),
    );
    expect(JSON.stringify(seen)).not.toContain(SECRET);
  });

  it('each subscriber gets its own copy: one that changes a transition changes nothing for the others or the summary', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', image('1'));
    const layer = await h.open('install');
    const seen: string[] = [];
    layer.subscribe((t) => {
      (t as { resource: string }).resource = 'vandal';
      (t.event as { type: string }).type = 'vandal';
    });
    layer.subscribe((t) => seen.push(`${t.resource} ${t.event.type}`));
    const summary = await layer.runHook();
    expect(seen).toEqual(['web fetch', 'web fetched']);
    expect(summary.transitions.map((t) => `${t.resource} ${t.event.type}`)).toEqual(['web fetch', 'web fetched']);
    expect((await h.history('web')).map((e) => e.event)).toEqual(['fetch', 'fetched']);
  });

  it('the inspect option gets redacted events, even through actorRef.getSnapshot() read later', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', image('1'));
    const events: Array<{ type: string; actorRef: { getSnapshot(): unknown }; snapshot?: unknown }> = [];
    const layer = await h.open('install', { inspect: (e) => events.push(e as never) });
    await layer.runHook();
    expect(events.some((e) => e.type === '@xstate.snapshot')).toBe(true);
    // Inspectors serialise the actor's snapshot after the fact: it must be redacted too.
    const seen = JSON.stringify(events.map((e) => ({ ...e, actorRef: e.actorRef.getSnapshot() })));
    expect(seen).toContain('<redacted>');
    expect(seen).not.toContain(SECRET);
  });

  it('the charm contributes its own status; the highest priority wins', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', image('1'));
    await h.hook('install', (layer) => layer.setCharmStatus({ state: 'waiting', message: 'waiting for database' }));
    expect(h.juju.status).toEqual({ state: 'waiting', message: 'waiting for database' });
    h.juju.detach('web');
    await h.hook('upgrade-charm', (layer) => layer.setCharmStatus({ state: 'active', message: 'ready' }));
    expect(h.juju.status).toEqual({ state: 'blocked', message: 'unable to fetch resource: web' });
  });

  it('a damaged state file is reported and the charm starts afresh, re-fetching what auto-fetch asks', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } } });
    h.attach('web', image('1'));
    await h.hook('install');
    const file = join(h.charmDir, '.docker-resource', 'state.json');
    writeFileSync(file, '{"version":1,"resources":{"web":{"status":"active","value":"vanished"');
    const warnings: string[] = [];
    const summary = await h.hook('update-status', undefined, { onWarning: (w) => warnings.push(w) });
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.join('\n')).not.toContain(SECRET);
    expect(summary.flags).toContain('layer.docker-resource.web.available');
  });
});
