/**
 * Concurrent runs: 20 processes of `docker-resource hook` and `docker-resource fetch NAME` on one charm
 * directory at once. Each fetch names a different resource; no update may be lost, and the state file
 * is valid at the end.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { readLayerSnapshot } from '../../src/layer-snapshot.js';
import { statePaths } from '../../src/state-paths.js';
import { createFakeJuju, type FakeJuju } from '../fixtures/fake-juju.js';
import { imageYaml, makeCharm, recordFigures, runCli, SECRET } from './support.js';

const FETCHERS = 14;
const HOOKS = ['install', 'update-status', 'config-changed', 'update-status', 'upgrade-charm', 'update-status'];

let juju: FakeJuju;
let charmDir: string;
afterAll(async () => {
  await juju?.cleanup();
  if (charmDir) await rm(charmDir, { recursive: true, force: true });
});

describe('concurrent runs on one charm directory', () => {
  it(`${FETCHERS} fetch + ${HOOKS.length} hook processes at once: nothing lost, a valid file`, async () => {
    const manual = Array.from({ length: FETCHERS }, (_, i) => `m${String(i).padStart(2, '0')}`);
    const auto = ['web', 'db'];
    charmDir = await makeCharm([...auto, ...manual], manual);
    juju = await createFakeJuju();
    for (const name of [...auto, ...manual]) await juju.attach(name, imageYaml(name));

    const env = { FAKE_RESOURCE_GET_DELAY: '0.02' };
    const runs = [
      ...manual.map((name) => runCli(['fetch', name, '-q'], { charmDir, juju, env })),
      ...HOOKS.map((hook) => runCli(['hook', '-q'], { charmDir, juju, hook, env })),
    ];
    const results = await Promise.all(runs);
    const after = await readLayerSnapshot({ charmDir });
    const lost = after.resources.filter((r) => !(r.state === 'available' && r.context.requested)).map((r) => r.name);
    recordFigures('concurrent', {
      processes: runs.length,
      exitedZero: results.filter((r) => r.code === 0).length,
      lostUpdates: lost.length,
      resources: auto.length + manual.length,
    });
    expect(lost).toEqual([]);
    expect(results.map((r) => r.code)).toEqual(results.map(() => 0));
    expect(results.map((r) => r.stderr).join('')).toBe('');

    const { file, lock } = statePaths(charmDir);
    const text = await readFile(file, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ version: 1, autoFetched: true });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(stat(lock)).rejects.toThrow(); // every process released the lock
    const snapshot = await readLayerSnapshot({ charmDir });
    expect(snapshot.warnings).toEqual([]);
    for (const r of snapshot.resources) {
      expect({ name: r.name, state: r.state, requested: r.context.requested }).toEqual({ name: r.name, state: 'available', requested: true });
    }
    const flags = snapshot.flags;
    for (const name of [...auto, ...manual]) expect(flags).toContain(`layer.docker-resource.${name}.fetched`);
    expect(flags).not.toContain('layer.docker-resource.pending');
    // auto-fetch ran once: web and db were fetched by the first hook to get the lock, and refetched only by upgrade-charm
    const gets = (await juju.calls()).filter((c) => c[0] === 'resource-get');
    for (const name of manual) expect(gets.filter((c) => c[1] === name).length).toBeGreaterThanOrEqual(1);
    expect(await juju.status()).toEqual({ state: 'active', message: '' });
    const leftovers = (await readdir(statePaths(charmDir).dir)).filter((f) => f.endsWith('.tmp') || f.endsWith('.break'));
    expect(leftovers).toEqual([]);
    expect(text.includes(SECRET)).toBe(true); // the state file holds it (owner-only) ...
    expect(results.map((r) => r.stdout + r.stderr).join('')).not.toContain(SECRET); // ... nothing printed does
  }, 60_000);
});
