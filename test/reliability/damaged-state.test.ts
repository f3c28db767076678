/**
 * Damaged state, through the real CLI: empty, truncated, non-JSON, a future version (kept aside), parts
 * that do not pass the checks (a state name the machine does not know, a history entry, cached charm data,
 * a password nested in an image field, a context naming another resource), unreadable (a directory at the
 * path, a symlink loop). Each time: a WARNING in juju-log, the last good copy or a fresh start (of the parts
 * that were unusable), auto-fetch resources re-requested, exit 0.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLayerSnapshot } from '../../src/layer-snapshot.js';
import { statePaths } from '../../src/state-paths.js';
import { createFakeJuju, type FakeJuju } from '../fixtures/fake-juju.js';
import { imageYaml, makeCharm, recordFigures, runCli, SECRET } from './support.js';

let juju: FakeJuju;
let template: string;
let good: string;
const outcomes: Array<{ damage: string; backup: boolean; source: string; survived: boolean }> = [];

beforeAll(async () => {
  juju = await createFakeJuju();
  await juju.attach('web', imageYaml('1'));
  await juju.attach('db', imageYaml('1'));
  template = await makeCharm(['web', 'db']);
  expect((await runCli(['hook', '-q'], { charmDir: template, juju, hook: 'install' })).code).toBe(0);
  good = await readFile(statePaths(template).file, 'utf8');
});
afterAll(async () => {
  recordFigures('damaged-state', {
    cases: outcomes.length,
    survived: outcomes.filter((o) => o.survived).length,
    fromBackup: outcomes.filter((o) => o.survived && o.source === 'backup').length,
  });
  await juju.cleanup();
  await rm(template, { recursive: true, force: true });
});

type Damage = (file: string) => Promise<void>;
/** Rewrites the good state's JSON: damage inside a document that still parses. */
const edit = (change: (doc: any) => void): Damage => async (f) => {
  const doc = JSON.parse(good);
  change(doc);
  await writeFile(f, JSON.stringify(doc));
};
/** Damage inside a valid document: which resources it makes the hook fetch again (the backup is not needed). */
const INSIDE: ReadonlyMap<string, string[]> = new Map([
  ['an unknown state name', ['db', 'web']],
  ['a bad history entry', []],
  ['cached charm data naming a bad resource', []],
  ['a password nested in the username', ['web']],
  ['a context naming another resource', ['db']],
]);
const DAMAGES: Array<[string, Damage]> = [
  ['empty', (f) => writeFile(f, '')],
  ['truncated', async (f) => writeFile(f, good.slice(0, Math.floor(good.length / 2)))],
  ['not JSON', (f) => writeFile(f, 'version: 1\nthis is yaml, not json\n')],
  ['a JSON array', (f) => writeFile(f, '[1,2,3]')],
  ['a future version', async (f) => writeFile(f, good.replace('"version":1', '"version":99'))],
  ['an unknown state name', async (f) => writeFile(f, good.replaceAll('"value":"available"', '"value":"vanished"'))],
  // A state file written before the history had a file of its own, holding a bad entry.
  ['a bad history entry', edit((d) => (d.history = { web: [{ at: 'yesterday', hook: 7, from: 'idle', to: 'nowhere', event: '' }] }))],
  ['cached charm data naming a bad resource', edit((d) => (d.charm.resources[0].name = 'we\u001b[31mb\nforged line'))],
  ['a password nested in the username', edit((d) => (d.resources.web.context.image.username = { password: SECRET }))],
  ['a context naming another resource', edit((d) => (d.resources.db.context.name = 'web'))],
  ['a directory at the path', async (f) => {
    await rm(f);
    await mkdir(join(f, 'inside'), { recursive: true });
  }],
  ['a symlink loop', async (f) => {
    await rm(f);
    await symlink(`${f}.loop`, f);
    await symlink(f, `${f}.loop`);
  }],
];

describe.each([false, true])('damaged state (good backup: %s)', (withBackup) => {
  it.each(DAMAGES)('%s: warns, falls back, re-requests, exits 0', async (damage, apply) => {
    const charmDir = await makeCharm(['web', 'db']);
    try {
      await cp(join(template, '.docker-resource'), join(charmDir, '.docker-resource'), { recursive: true });
      const { file, backup } = statePaths(charmDir);
      if (withBackup) await writeFile(backup, good, { mode: 0o600 });
      await apply(file);
      const before = (await juju.calls()).length;

      const r = await runCli(['hook'], { charmDir, juju, hook: 'update-status' });
      const calls = (await juju.calls()).slice(before);
      const warnings = calls.filter((c) => c[0] === 'juju-log' && c[2] === 'WARNING');
      const gets = calls.filter((c) => c[0] === 'resource-get').map((c) => c[1]);
      const inside = INSIDE.get(damage);
      const usedBackup = withBackup && inside === undefined;
      const all = [
        'layer.docker-resource.auto-fetched',
        'layer.docker-resource.db.available',
        'layer.docker-resource.db.fetched',
        'layer.docker-resource.web.available',
        'layer.docker-resource.web.fetched',
      ];
      // what the next hook will see (as `docker-resource flags` reads it)
      const { flags } = await readLayerSnapshot({ charmDir });
      const unsaved = damage === 'a directory at the path' && !withBackup; // nothing good could be read or written
      const survived =
        r.code === 0 &&
        warnings.length > 0 &&
        JSON.stringify(flags) === JSON.stringify(unsaved ? [] : all) &&
        (usedBackup ? warnings.some((w) => w[4]?.includes('using the last good copy')) : [...gets].sort().join() === (inside ?? ['db', 'web']).join());
      outcomes.push({ damage, backup: withBackup, source: usedBackup ? 'backup' : 'fresh', survived });

      expect({ damage, code: r.code }).toEqual({ damage, code: 0 });
      expect(r.stderr).toContain('docker-resource: warning:');
      expect(warnings.length).toBeGreaterThan(0);
      if (usedBackup) expect(warnings.map((w) => w[4]).join('\n')).toContain('using the last good copy');
      // without a good copy, auto-fetch resources are requested again (those whose saved part was unusable)
      if (!usedBackup) expect(gets.sort()).toEqual(inside ?? ['db', 'web']);
      if (damage === 'a future version') {
        const aside = (await readdir(statePaths(charmDir).dir)).filter((n) => n.startsWith('state.json.newer-v99-'));
        expect(aside).toHaveLength(1); // kept, not overwritten: a downgrade loses nothing
        expect(await readFile(join(statePaths(charmDir).dir, aside[0]!), 'utf8')).toContain('"version":99');
      }
      expect(flags).toEqual(unsaved ? [] : all);
      if (unsaved) expect(r.stdout).toMatch(/web: idle → fetching\n[^]*web: fetching → available/);
      const everything = r.stdout + r.stderr + JSON.stringify(calls);
      expect(everything).not.toContain(SECRET);
      // the state is good again where it could be written (a directory in the way stays: we never delete it)
      if (damage !== 'a directory at the path') {
        expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1 });
        expect((await stat(file)).mode & 0o777).toBe(0o600);
      } else {
        expect(calls.some((c) => c[0] === 'juju-log' && c[2] === 'ERROR' && /cannot save the state/.test(c[4] ?? ''))).toBe(true);
      }
    } finally {
      await rm(charmDir, { recursive: true, force: true });
    }
  });
});
