/** The history lives in a file of its own, which an idle hook never reads; an older state file's is moved there. */
import { afterEach, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, type Harness } from '../src/testing/index.js';

let h: Harness;
afterEach(() => h?.cleanup());

const web = { registryPath: 'registry.example/web:1', username: 'bot', password: 'pw' };
const paths = () => {
  const file = join(h.charmDir, '.docker-resource', 'state.json');
  return { file, history: `${file}.history` };
};

function charm() {
  const warnings: string[] = [];
  h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } }, images: { web }, options: { onWarning: (w) => warnings.push(w) } });
  return warnings;
}

it('a hook that writes keeps the history and the hooks’ phases in state.json.history, not in state.json', async () => {
  charm();
  await h.hook('install');
  const { file, history } = paths();
  const state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  expect(state['history']).toBeUndefined();
  expect(state['hooks']).toBeUndefined();
  const saved = JSON.parse(readFileSync(history, 'utf8')) as { history: Record<string, unknown[]>; hooks: unknown[] };
  expect(saved.history['web']).toHaveLength(2);
  expect(saved.hooks).toEqual([{ hook: 'install', phases: expect.arrayContaining([{ at: expect.any(String), state: 'committing' }]) }]);
  expect((await h.history('web')).map((e) => e.event)).toEqual(['fetch', 'fetched']);
});

it('an idle hook does not read the history file; a hook that writes, and the history command, do (and say it is damaged)', async () => {
  const warnings = charm();
  await h.hook('install');
  writeFileSync(paths().history, '{"version":1,"history":{"web":[{"broken"');
  expect((await h.hook('update-status')).wroteState).toBe(false);
  expect(warnings).toEqual([]);
  await expect(h.history('web')).resolves.toEqual([]);
  h.attach('web', { ...web, registryPath: 'registry.example/web:2' });
  await h.hook('upgrade-charm');
  expect(warnings).toEqual([expect.stringMatching(/^history file .*state\.json\.history is damaged \(not valid JSON/)]);
  expect((await h.history('web')).map((e) => e.event)).toEqual(['refetch', 'fetched']);
});

it('a state file written before there was a history file: its history is moved out by the next hook, kept whole', async () => {
  charm();
  await h.hook('install');
  const { file, history } = paths();
  const state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const saved = JSON.parse(readFileSync(history, 'utf8')) as { history: unknown };
  writeFileSync(file, JSON.stringify({ ...state, history: saved.history }));
  writeFileSync(history, '');
  const summary = await h.hook('update-status');
  expect(summary.wroteState).toBe(true);
  expect(JSON.parse(readFileSync(file, 'utf8'))['history']).toBeUndefined();
  expect((await h.history('web')).map((e) => e.event)).toEqual(['fetch', 'fetched']);
  expect((await h.hook('update-status')).wroteState).toBe(false);
});
