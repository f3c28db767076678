/**
 * Bad input: random and mutated YAML/JSON/bytes through the whole fetch path (resource-get → bounded
 * read → parse → the machine): every input ends available or failed as invalid/missing, nothing else
 * escapes. Huge and hostile files are rejected quickly. Broken metadata.yaml/layer.yaml get one clear
 * message each from the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { InvalidResourceError, MissingResourceError } from '../../src/errors/index.js';
import { createFetchImage } from '../../src/fetch-image.js';
import type { HookTools } from '../../src/hook-tools.js';
import { createHarness, type Harness } from '../../src/testing/index.js';
import { createFakeJuju } from '../fixtures/fake-juju.js';
import { imageYaml, recordFigures, runCli, SECRET } from './support.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bad-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Hook tools whose resource-get prints the path of a file holding `content`. */
async function serving(content: string | Uint8Array): Promise<HookTools> {
  const path = join(dir, `r${n++}`);
  await writeFile(path, content);
  const unused = async (): Promise<never> => {
    throw new Error('not used');
  };
  return { resourceGet: async () => path, statusSet: unused, statusGet: unused, jujuLog: unused };
}

/** Fetches through the real fetch step; the outcome class, or rethrows what should never escape. */
async function fetchOutcome(content: string | Uint8Array): Promise<'available' | 'invalid' | 'missing'> {
  const fetch = createFetchImage(await serving(content), { retries: 0, delayMs: 0 });
  try {
    const out = await fetch({ input: { name: 'web' }, signal: new AbortController().signal });
    expect(typeof out.image.registryPath).toBe('string');
    expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    return 'available';
  } catch (error) {
    if (error instanceof InvalidResourceError) return 'invalid';
    if (error instanceof MissingResourceError) return 'missing';
    throw error;
  }
}

const VALID = [
  imageYaml('1'),
  JSON.stringify({ ImageName: 'registry.example/app@sha256:' + 'a'.repeat(64), username: 'bot', password: SECRET }),
  `registrypath: registry.example/app:1\nusername: ''\npassword: ''\nauth: ${SECRET}\nserveraddress: registry.example\n`,
];

/** A valid file, mutated: characters inserted, deleted, replaced or duplicated, a few times. */
const mutated = fc
  .tuple(
    fc.constantFrom(...VALID),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom('insert', 'delete', 'replace', 'dup'), fc.string({ maxLength: 4 })), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([text, ops]) => {
    let t = text;
    for (const [at, len, op, s] of ops) {
      const i = at % (t.length + 1);
      if (op === 'insert') t = t.slice(0, i) + s + t.slice(i);
      else if (op === 'delete') t = t.slice(0, i) + t.slice(i + len);
      else if (op === 'replace') t = t.slice(0, i) + s + t.slice(i + s.length);
      else t = t.slice(0, i) + t.slice(i, i + len) + t.slice(i);
    }
    return t;
  });

const yamlish = fc
  .dictionary(
    fc.constantFrom('registrypath', 'RegistryPath', 'imagename', 'username', 'password', 'auth', 'x', '<<', 'email'),
    fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string()), fc.constant('*a'), fc.constant('&a [1]')),
  )
  .map((d) => Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n'));

describe('bad input through the fetch path', () => {
  it('random and mutated YAML, JSON, text and bytes: available, invalid or missing, nothing else', async () => {
    const counts: Record<string, number> = { available: 0, invalid: 0, missing: 0, escaped: 0 };
    const escapes: string[] = [];
    const input = fc.oneof(
      { arbitrary: mutated, weight: 4 },
      { arbitrary: yamlish, weight: 2 },
      { arbitrary: fc.json(), weight: 1 },
      { arbitrary: fc.string({ unit: 'binary' }), weight: 1 },
      { arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 2 },
    );
    let inputs = 0;
    await fc.assert(
      fc.asyncProperty(input, async (content) => {
        inputs++;
        const outcome = await fetchOutcome(content).catch((error: unknown) => (escapes.push(String(error)), 'escaped' as const));
        counts[outcome]!++;
      }),
      { numRuns: 600 },
    );
    recordFigures('bad-input:fetch-path', { inputs, ...counts });
    expect(escapes).toEqual([]);
    expect(counts['invalid']).toBeGreaterThan(0);
  }, 60_000);

  it('through the machine (harness): each input leaves the resource available or failed as invalid/missing', async () => {
    const h: Harness = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } } });
    const kinds: Record<string, number> = {};
    let inputs = 0;
    let escaped = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.oneof(mutated, yamlish, fc.string({ unit: 'binary', maxLength: 200 })), async (content) => {
          inputs++;
          h.attach('web', content);
          try {
            const summary = await h.hook('upgrade-charm');
            const next = await h.open('update-status');
            const [web] = next.views();
            await next.abandon();
            const key = web!.state === 'failed' ? `failed:${web!.context.failure!.kind}` : web!.state;
            const ok = ['available', 'failed:invalid', 'failed:missing'].includes(key) && summary.flags.includes(`layer.docker-resource.web.${web!.state}`);
            if (ok) kinds[key] = (kinds[key] ?? 0) + 1;
            else escaped++;
          } catch {
            escaped++;
          }
        }),
        { numRuns: 120 },
      );
    } finally {
      h.cleanup();
    }
    recordFigures('bad-input:machine', { inputs, escaped, ...kinds });
    expect(escaped).toBe(0);
  }, 60_000);

  it('rejects a 100 MB file, billion laughs and binary quickly, without reading them whole', async () => {
    const huge = join(dir, 'huge');
    const fh = await open(huge, 'w');
    await fh.truncate(100 * 1024 * 1024); // sparse: 100 MB of zeros
    await fh.close();
    const fetch = createFetchImage({ ...(await serving('')), resourceGet: async () => huge }, { retries: 0, delayMs: 0 });
    // Bytes this process read, from the kernel's count (/proc/self/io rchar), around the fetch of the 100 MB file.
    const readSoFar = async (): Promise<number> => Number(/^rchar: (\d+)$/m.exec(await readFile('/proc/self/io', 'utf8'))?.[1] ?? NaN);
    const bytesBefore = await readSoFar();
    const started = process.hrtime.bigint();
    const hugeOutcome = await fetch({ input: { name: 'web' }, signal: new AbortController().signal }).then(
      () => 'available',
      (error: unknown) => (error instanceof InvalidResourceError ? 'invalid' : 'escaped'),
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const bytesRead = (await readSoFar()) - bytesBefore;
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 0; i < 9; i++) laughs.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
    const outcomes = [
      hugeOutcome,
      await fetchOutcome(laughs.join('\n') + '\nregistrypath: registry.example/app:1\n'),
      await fetchOutcome(Buffer.from([0x00, 0x01, 0xff, 0xfe, 0xc3, 0x28])),
      await fetchOutcome(Buffer.from('registrypath: registry.example/app:1\npassword: \xff\xfe\n', 'latin1')),
    ];
    const rejected = outcomes.filter((o) => o === 'invalid').length;
    recordFigures('bad-input:hostile', { inputs: outcomes.length, rejectedAsInvalid: rejected, hugeFileBytesRead: bytesRead, hugeFileMs: Math.round(ms) });
    expect(outcomes).toEqual(['invalid', 'invalid', 'invalid', 'invalid']);
    expect(bytesRead).toBeLessThan(1024 * 1024); // the 100 MB file was not read whole (the limit is 64 KiB)
  });
});

describe('broken charm files, through the CLI: one clear message each', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['no metadata.yaml', {}, /^docker-resource: \S+\/metadata\.yaml: not found \(nor charmcraft\.yaml\): is this a charm directory\?\n$/],
    ['unparseable metadata.yaml', { 'metadata.yaml': 'resources: [\n' }, /^docker-resource: \S+\/metadata\.yaml: cannot parse YAML \([^\n]*\)\n$/],
    ['resources of the wrong type', { 'metadata.yaml': 'resources: [web]\n' }, /^docker-resource: \S+\/metadata\.yaml: "resources" must be a mapping of resource names\n$/],
    ['auto-fetch of the wrong type', { 'metadata.yaml': 'resources:\n  web: {type: oci-image, auto-fetch: 1}\n' }, /^docker-resource: \S+\/metadata\.yaml: resource "web": "auto-fetch" must be true or false\n$/],
    ['unparseable layer.yaml', { 'metadata.yaml': 'name: c\n', 'layer.yaml': 'options: {\n' }, /^docker-resource: \S+\/layer\.yaml: cannot parse YAML \([^\n]*\)\n$/],
    ['set-status of the wrong type', { 'metadata.yaml': 'name: c\n', 'layer.yaml': 'options:\n  docker-resource:\n    set-status: maybe\n' }, /^docker-resource: \S+\/layer\.yaml: "set-status" must be true or false\n$/],
  ];
  it.each(cases)('%s', async (_what, files, message) => {
    const juju = await createFakeJuju();
    const charmDir = await mkdtemp(join(tmpdir(), 'broken-charm-'));
    try {
      for (const [name, text] of Object.entries(files)) await writeFile(join(charmDir, name), text);
      for (const args of [['hook'], ['flags']]) {
        const r = await runCli(args, { charmDir, juju, hook: 'install' });
        expect({ args, code: r.code }).toEqual({ args, code: 1 });
        expect(r.stderr).toMatch(message);
      }
    } finally {
      await juju.cleanup();
      await rm(charmDir, { recursive: true, force: true });
    }
  });

  it('an empty or comment-only layer.yaml and metadata.yaml are not errors', async () => {
    const juju = await createFakeJuju();
    const charmDir = await mkdtemp(join(tmpdir(), 'empty-charm-'));
    try {
      await writeFile(join(charmDir, 'metadata.yaml'), '# nothing yet\n');
      await writeFile(join(charmDir, 'layer.yaml'), '');
      const r = await runCli(['hook'], { charmDir, juju, hook: 'install' });
      expect(r).toMatchObject({ code: 0, stderr: '' });
    } finally {
      await juju.cleanup();
      await rm(charmDir, { recursive: true, force: true });
    }
  });
});
