/**
 * Resources named after Object.prototype properties (`constructor`, `toString`, …) pass the name check,
 * so every lookup keyed by a name must see only real entries: a whole charm life through the CLI and
 * through the API, and a digest algorithm with such a name.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { parseImageReference } from '../src/image-reference.js';
import { createHarness, type Harness } from '../src/testing/index.js';
import { createFakeJuju, type FakeJuju } from './fixtures/fake-juju.js';
import { imageYaml, makeCharm, runCli } from './reliability/support.js';

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'] as const;
const HEX = 'a'.repeat(64);
const flag = (name: string, fact: string) => `layer.docker-resource.${name}.${fact}`;

describe('resources named like Object.prototype properties', () => {
  let juju: FakeJuju | undefined;
  let charmDir: string | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await juju?.cleanup();
    if (charmDir) await rm(charmDir, { recursive: true, force: true });
    h?.cleanup();
  });

  it('a whole charm life through the CLI: hook, flags, status, info, history, fetch, upgrade-charm', async () => {
    juju = await createFakeJuju();
    charmDir = await makeCharm(NAMES, ['isPrototypeOf']);
    const cli = (args: string[], hook?: string) => runCli(args, { charmDir: charmDir!, juju: juju!, ...(hook ? { hook } : {}) });
    await juju.attach('constructor', imageYaml('1'));
    await juju.attach('toString', `registrypath: registry.example/app@sha256:${HEX}\n`);
    await juju.attach('hasOwnProperty', `registrypath: registry.example/app@constructor:${'a'.repeat(10)}\n`);
    await juju.attach('isPrototypeOf', imageYaml('1'));

    const install = await cli(['hook', '--retries', '0'], 'install');
    expect(install).toMatchObject({ code: 0, stderr: '' });
    const flags = (await cli(['flags'])).stdout.trim().split('\n');
    expect(flags).toEqual(expect.arrayContaining([flag('constructor', 'available'), flag('toString', 'available'), flag('valueOf', 'failed'), flag('hasOwnProperty', 'failed')]));
    expect(flags).not.toContain(flag('isPrototypeOf', 'fetched'));

    const status = await cli(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^hasOwnProperty {2}failed {2}invalid: "registrypath" is not a valid image reference: digest algorithm must be sha256, sha384 or sha512/m);
    expect(JSON.parse((await cli(['status', '--json'])).stdout).resources.map((r: { name: string }) => r.name)).toEqual([...NAMES]);
    expect((await cli(['info', 'constructor'])).stdout).toContain('registryPath: registry.example/app:1');
    expect((await cli(['info', 'toString', '--json'])).stdout).toContain(`@sha256:${HEX}`);
    expect((await cli(['history', 'valueOf'])).stdout).toMatch(/idle → fetching[^]*fetching → failed/);
    expect((await cli(['history', 'isPrototypeOf'])).stdout).toBe('no transitions recorded for isPrototypeOf\n');

    expect(await cli(['fetch', 'isPrototypeOf'])).toMatchObject({ code: 0 });
    await juju.attach('valueOf', imageYaml('2'));
    await juju.attach('constructor', imageYaml('2'));
    expect(await cli(['hook'], 'upgrade-charm')).toMatchObject({ code: 0 });
    const after = (await cli(['flags'])).stdout;
    expect(after).toContain(flag('constructor', 'changed'));
    expect(after).toContain(flag('valueOf', 'available'));
    expect(after).toContain(flag('isPrototypeOf', 'available'));
    expect(await cli(['hook'], 'update-status')).toMatchObject({ code: 0, stderr: '' });
  }, 30_000);

  it('a whole charm life through the API: hooks, getInfo, history, subscribe, views', async () => {
    h = createHarness({ resources: Object.fromEntries(NAMES.map((n) => [n, { type: 'oci-image', 'auto-fetch': n !== 'valueOf' }])) });
    h.attach('constructor', { registryPath: 'registry.example/app:1' });
    h.attach('toString', { registryPath: `registry.example/app@sha256:${HEX}` });
    const seen: string[] = [];
    const summary = await h.hook('install', (layer) => {
      layer.subscribe((t) => seen.push(`${t.resource}: ${t.to}`), 'valueOf');
      layer.fetch('valueOf');
      expect(layer.getInfo('constructor').registryPath).toBe('registry.example/app:1');
      expect(layer.history('toString').map((e) => e.to)).toEqual(['fetching', 'available']);
      expect(layer.views().map((v) => v.name)).toEqual([...NAMES]);
    });
    expect(summary.failed).toEqual(['valueOf', 'hasOwnProperty', 'isPrototypeOf']);
    expect(seen).toEqual(['valueOf: fetching', 'valueOf: failed']);
    expect((await h.info('toString')).registryPath).toBe(`registry.example/app@sha256:${HEX}`);
    expect((await h.history('isPrototypeOf')).map((e) => e.to)).toEqual(['fetching', 'failed']);
    h.attach('isPrototypeOf', { registryPath: 'registry.example/app:3' });
    await h.hook('update-status');
    expect(await h.flags()).toContain(flag('isPrototypeOf', 'available'));
  });

  it('a digest algorithm named "constructor" is an unknown algorithm, not a garbled length', () => {
    for (const ref of [`registry.example/app@constructor:${HEX}`, 'registry.example/app@constructor:abc', 'registry.example/app@toString:abc'])
      expect(() => parseImageReference(ref)).toThrow('digest algorithm must be sha256, sha384 or sha512, in lowercase');
  });
});
