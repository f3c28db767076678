/** The test harness for charm authors (docker-resource/testing): resources that are missing, invalid or slow. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { HookToolError, InvalidResourceError } from '../../src/errors/index.js';
import { createHarness, HarnessError, imageYaml, MemoryJuju, type Harness } from '../../src/testing/index.js';
import { thrown } from '../fixtures/thrown.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

describe('a charm that drives the layer itself inside h.hook', () => {
  it("run() again returns the same outcome; the charm's commit() is the hook's, and h.hook returns its summary", async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } }, images: { web } });
    let charmSummary: unknown;
    const summary = await h.hook('install', async (layer) => {
      await expect(layer.run()).resolves.toBeUndefined();
      expect(layer.isSet('layer.docker-resource.web.available')).toBe(true);
      layer.setCharmStatus({ state: 'active', message: 'serving web' });
      charmSummary = await layer.commit();
    });
    expect(summary).toBe(charmSummary);
    expect(summary.status).toEqual({ state: 'active', message: 'serving web' });
    // one fetch, one maintenance status, one final status: nothing ran or committed twice
    expect(h.juju.fetchedNames).toEqual(['web']);
    expect(h.statuses).toEqual([
      { state: 'maintenance', message: 'fetching resource: web' },
      { state: 'active', message: 'serving web' },
    ]);
  });

  it('a listener subscribed inside the callback first hears what it missed, filtered by resource', async () => {
    h = createHarness({ resources: twoResources, images: { web } });
    const heard: string[] = [];
    const webOnly: string[] = [];
    await h.hook('install', (layer) => {
      layer.subscribe((t) => heard.push(`${t.resource}: ${t.from} → ${t.to}`));
      layer.subscribe((t) => webOnly.push(`${t.from} → ${t.to}`), 'web');
    });
    expect([...heard].sort()).toEqual(['db: fetching → failed', 'db: idle → fetching', 'web: fetching → available', 'web: idle → fetching']);
    expect(webOnly).toEqual(['idle → fetching', 'fetching → available']);
  });

  it('a commit after abandon() fails with a clear error', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image' } } });
    const layer = await h.open('install');
    await layer.abandon();
    await expect(layer.commit()).rejects.toThrow('the layer was abandoned for this hook; open it again');
  });
});

/**
 * What a createHarness call that throws leaves in a temporary directory of its own: run with the
 * built package in a child process whose TMPDIR is that directory (this process's os.tmpdir() is
 * not the test's to change).
 */
function leftBehind(harnessOptions: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'harness-leak-'));
  const testing = join(fileURLToPath(new URL('../../dist/src/testing/index.js', import.meta.url)));
  const script = `import(${JSON.stringify(testing)}).then(({ createHarness }) => { try { createHarness(${harnessOptions}); } catch {} })`;
  execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: dir } });
  const left = readdirSync(dir);
  rmSync(dir, { recursive: true, force: true });
  return left;
}

describe('h.attach checks the charm metadata, as ops.testing does', () => {
  const resources = { web: { type: 'oci-image' }, legacy: { type: 'docker' }, config: { type: 'file' } };

  it.each([
    ['attach', (x: Harness) => x.attach('nope', web)],
    ['detach', (x: Harness) => x.detach('nope')],
    ['slow', (x: Harness) => x.slow('nope', 10)],
    ['hang', (x: Harness) => x.hang('nope')],
  ])('h.%s on a resource the charm does not declare throws, naming the ones it does', (method, call) => {
    h = createHarness({ resources });
    const error = thrown(() => call(h));
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as Error).message).toBe(`h.${method}("nope"): the charm declares no resource "nope" (it declares web, legacy, config)`);
  });

  it('h.attach on a resource that is not oci-image or docker throws; a docker one is fine', () => {
    h = createHarness({ resources });
    expect(() => h.attach('config', web)).toThrow('h.attach("config"): resource "config" is of type "file", not oci-image (or docker)');
    expect(() => h.attach('legacy', web)).not.toThrow();
  });

  it('images given to createHarness are checked the same way; a harness that throws leaves no directory', () => {
    expect(() => createHarness({ resources, images: { webb: web } })).toThrow(
      'h.attach("webb"): the charm declares no resource "webb" (it declares web, legacy, config)',
    );
    expect(leftBehind(`{ resources: { web: { type: 'oci-image' } }, images: { webb: { registryPath: 'r.example/a:1' } } }`)).toEqual([]);
  });

  it('wrong layer options in createHarness throw at once, naming the option', () => {
    expect(() => createHarness({ resources, options: { setStatus: 'yes' as never } })).toThrow(
      'layer option "setStatus" must be true or false, not the string "yes"',
    );
    expect(leftBehind(`{ resources: { web: { type: 'oci-image' } }, options: { setStatus: 'yes' } }`)).toEqual([]);
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
