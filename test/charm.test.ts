import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCharm } from '../src/charm.js';
import { charmDirFromEnv, hookNameFromEnv } from '../src/hook-env.js';
import { parseLayerOptions, parseMetadata } from '../src/charm-parse.js';
import { CharmConfigError } from '../src/errors/index.js';

/** The error a function throws (fails the test if it returns). */
function thrown(fn: () => unknown): CharmConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CharmConfigError);
    return error as CharmConfigError;
  }
  throw new Error('expected a CharmConfigError');
}

describe('parseMetadata', () => {
  it('returns oci-image and legacy docker resources in metadata order, with auto-fetch', () => {
    const text = [
      'name: c',
      'resources:',
      '  web: {type: oci-image, auto-fetch: true}',
      '  data: {type: file, filename: x.tgz}',
      '  db: {type: docker}',
      '',
    ].join('\n');
    expect(parseMetadata(text)).toEqual([
      { name: 'web', autoFetch: true },
      { name: 'db', autoFetch: false },
    ]);
  });

  it('an empty file, no resources key or null resources means no resources', () => {
    expect(parseMetadata('')).toEqual([]);
    expect(parseMetadata('name: c\n')).toEqual([]);
    expect(parseMetadata('name: c\nresources:\n')).toEqual([]);
    expect(parseMetadata('# nothing here yet\n\n  # indented comment\r\n')).toEqual([]);
  });

  it.each([
    ['unparseable YAML', 'name: c\nresources: [unclosed\n', /^metadata\.yaml: cannot parse YAML \(/],
    ['a list at the top level', '- a\n- b\n', /^metadata\.yaml: expected a mapping at the top level$/],
    ['a scalar at the top level', 'just text\n', /^metadata\.yaml: expected a mapping at the top level$/],
    ['resources as a list', 'resources: [web]\n', /^metadata\.yaml: "resources" must be a mapping of resource names$/],
    ['a resource that is a string', 'resources:\n  web: oci-image\n', /^metadata\.yaml: resource "web" must be a mapping$/],
    ['a resource without type', 'resources:\n  web: {description: x}\n', /^metadata\.yaml: resource "web" has no "type"$/],
    ['a numeric type', 'resources:\n  web: {type: 3}\n', /^metadata\.yaml: resource "web" has no "type"$/],
    ['auto-fetch as a string', 'resources:\n  web: {type: oci-image, auto-fetch: "yes"}\n', /^metadata\.yaml: resource "web": "auto-fetch" must be true or false$/],
    ['a name a flag cannot hold', 'resources:\n  "we b": {type: oci-image}\n', /^metadata\.yaml: resource name "we b" has characters a flag name cannot hold$/],
  ])('rejects %s with one message naming the file and the reason', (_what, text, message) => {
    const error = thrown(() => parseMetadata(text));
    expect(error.message).toMatch(message);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.file).toBe('metadata.yaml');
  });

  it('reads YAML 1.1 booleans (yes, no, on, off, y, n in the cases Juju accepts) as auto-fetch; a quoted one stays text', () => {
    const words: Array<[string, boolean]> = [['yes', true], ['Yes', true], ['YES', true], ['on', true], ['ON', true], ['y', true], ['True', true],
      ['no', false], ['No', false], ['OFF', false], ['off', false], ['n', false], ['FALSE', false]];
    for (const [word, value] of words)
      expect(parseMetadata(`resources:\n  web: {type: oci-image, auto-fetch: ${word}}\n`)).toEqual([{ name: 'web', autoFetch: value }]);
    expect(() => parseMetadata('resources:\n  web: {type: oci-image, auto-fetch: "on"}\n')).toThrow('"auto-fetch" must be true or false');
    expect(() => parseMetadata('resources:\n  web: {type: oci-image, auto-fetch: yess}\n')).toThrow('"auto-fetch" must be true or false');
  });

  it('keeps the spelling of a resource named like a YAML 1.1 boolean', () => {
    expect(parseMetadata('resources:\n  on: {type: oci-image, auto-fetch: yes}\n  no: {type: docker}\n')).toEqual([
      { name: 'on', autoFetch: true },
      { name: 'no', autoFetch: false },
    ]);
  });

  it('names the file it was given', () => {
    expect(thrown(() => parseMetadata('- a\n', '/charm/charmcraft.yaml')).message).toBe(
      '/charm/charmcraft.yaml: expected a mapping at the top level',
    );
  });

  it('ignores non-image resources even when their names could not be flags', () => {
    expect(parseMetadata('resources:\n  "a file": {type: file}\n')).toEqual([]);
  });
});

describe('parseLayerOptions', () => {
  it('reads set-status under options: docker-resource', () => {
    expect(parseLayerOptions('options:\n  docker-resource:\n    set-status: false\n')).toEqual({ setStatus: false });
    expect(parseLayerOptions('options:\n  docker-resource:\n    set-status: true\n')).toEqual({ setStatus: true });
  });

  it('reads YAML 1.1 booleans as set-status too', () => {
    expect(parseLayerOptions('options:\n  docker-resource:\n    set-status: off\n')).toEqual({ setStatus: false });
    expect(parseLayerOptions('options:\n  docker-resource:\n    set-status: Yes\n')).toEqual({ setStatus: true });
  });

  it('leaves it undefined when absent anywhere along the way', () => {
    for (const text of ['', '\n', '# comments only\n', 'includes: [layer:basic]\n', 'options:\n  other: {}\n', 'options:\n  docker-resource:\n', 'options:\n  docker-resource: {}\n', '- x\n'])
      expect(parseLayerOptions(text)).toEqual({ setStatus: undefined });
  });

  it.each([
    ['unparseable YAML', 'options: {docker-resource: [\n', /^layer\.yaml: cannot parse YAML \(/],
    ['our options as a list', 'options:\n  docker-resource: [set-status]\n', /^layer\.yaml: "options: docker-resource" must be a mapping$/],
    ['set-status as a string', 'options:\n  docker-resource:\n    set-status: "no"\n', /^layer\.yaml: "set-status" must be true or false$/],
  ])('rejects %s with one message naming the file and the reason', (_what, text, message) => {
    const error = thrown(() => parseLayerOptions(text));
    expect(error.message).toMatch(message);
    expect(error.message.split('\n')).toHaveLength(1);
  });
});

describe('readCharm', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'charm-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads metadata.yaml and layer.yaml', async () => {
    await writeFile(join(dir, 'metadata.yaml'), 'resources:\n  web: {type: oci-image}\n');
    await writeFile(join(dir, 'layer.yaml'), 'options:\n  docker-resource:\n    set-status: false\n');
    expect(await readCharm(dir)).toEqual({
      dir,
      resources: [{ name: 'web', autoFetch: false }],
      setStatus: false,
      cache: { key: expect.any(String), resources: [{ name: 'web', autoFetch: false }], setStatus: false },
    });
  });

  it('uses the cached parse while no charm file changed, and parses again when one does', async () => {
    await writeFile(join(dir, 'metadata.yaml'), 'resources:\n  web: {type: oci-image}\n');
    const first = await readCharm(dir);
    // A cache with the current key is trusted as it is: nothing is read or parsed.
    const forged = { ...first.cache, resources: [{ name: 'from-cache', autoFetch: true }] };
    expect((await readCharm(dir, forged)).resources).toEqual([{ name: 'from-cache', autoFetch: true }]);
    await writeFile(join(dir, 'metadata.yaml'), 'resources:\n  web: {type: oci-image}\n  db: {type: oci-image}\n');
    expect((await readCharm(dir, forged)).resources.map((r) => r.name)).toEqual(['web', 'db']);
    const before = (await readCharm(dir)).cache;
    await writeFile(join(dir, 'layer.yaml'), 'options:\n  docker-resource:\n    set-status: false\n');
    expect((await readCharm(dir, before)).setStatus).toBe(false);
  });

  it('prefers metadata.yaml over charmcraft.yaml, and falls back to charmcraft.yaml', async () => {
    await writeFile(join(dir, 'charmcraft.yaml'), 'resources:\n  cc: {type: oci-image}\n');
    expect((await readCharm(dir)).resources).toEqual([{ name: 'cc', autoFetch: false }]);
    await writeFile(join(dir, 'metadata.yaml'), 'resources:\n  md: {type: oci-image}\n');
    expect((await readCharm(dir)).resources).toEqual([{ name: 'md', autoFetch: false }]);
  });

  it('says when neither metadata.yaml nor charmcraft.yaml exists', async () => {
    await expect(readCharm(dir)).rejects.toThrow(
      `${join(dir, 'metadata.yaml')}: not found (nor charmcraft.yaml): is this a charm directory?`,
    );
  });

  it('names the path of a broken file', async () => {
    await writeFile(join(dir, 'metadata.yaml'), 'resources: [\n');
    await expect(readCharm(dir)).rejects.toThrow(new RegExp(`^${join(dir, 'metadata.yaml')}: cannot parse YAML`));
    await writeFile(join(dir, 'metadata.yaml'), 'resources: {}\n');
    await writeFile(join(dir, 'layer.yaml'), 'options:\n  docker-resource:\n    set-status: 1\n');
    await expect(readCharm(dir)).rejects.toThrow(`${join(dir, 'layer.yaml')}: "set-status" must be true or false`);
  });

  it('says when metadata.yaml cannot be read (a directory)', async () => {
    await mkdir(join(dir, 'metadata.yaml'));
    await expect(readCharm(dir)).rejects.toThrow(new RegExp(`^${join(dir, 'metadata.yaml')}: cannot read \\(`));
  });
});

describe('the hook environment', () => {
  it('takes the charm directory from JUJU_CHARM_DIR, then CHARM_DIR, then the current directory', () => {
    expect(charmDirFromEnv({ JUJU_CHARM_DIR: '/a', CHARM_DIR: '/b' }, '/c')).toBe('/a');
    expect(charmDirFromEnv({ CHARM_DIR: '/b' }, '/c')).toBe('/b');
    expect(charmDirFromEnv({ JUJU_CHARM_DIR: '' }, '/c')).toBe('/c');
  });

  it('takes the hook name from JUJU_DISPATCH_PATH, then JUJU_HOOK_NAME', () => {
    expect(hookNameFromEnv({ JUJU_DISPATCH_PATH: 'hooks/upgrade-charm', JUJU_HOOK_NAME: 'x' })).toBe('upgrade-charm');
    expect(hookNameFromEnv({ JUJU_DISPATCH_PATH: 'actions/refresh' })).toBe('refresh');
    expect(hookNameFromEnv({ JUJU_HOOK_NAME: 'install' })).toBe('install');
    expect(hookNameFromEnv({})).toBeUndefined();
  });
});
