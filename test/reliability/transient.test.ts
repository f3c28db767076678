/**
 * Transient failures, through the real CLI: resource-get fails early and succeeds later. The in-hook
 * retry (with backoff) absorbs it; --retries 0 turns it off (the next hook retries); --fail-on-error
 * makes the hook exit 1 so Juju retries it.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { readLayerSnapshot } from '../../src/layer-snapshot.js';
import { createFakeJuju, type FakeJuju } from '../fixtures/fake-juju.js';
import { imageYaml, makeCharm, recordFigures, runCli, SECRET } from './support.js';

let juju: FakeJuju;
let charmDir: string;
beforeEach(async () => {
  juju = await createFakeJuju();
  charmDir = await makeCharm(['web']);
  await juju.attach('web', imageYaml('1'));
});
afterEach(async () => {
  await juju.cleanup();
  await rm(charmDir, { recursive: true, force: true });
});

const gets = async () => (await juju.calls()).filter((c) => c[0] === 'resource-get').length;
const stateOf = async (name: string) => (await readLayerSnapshot({ charmDir })).resources.find((r) => r.name === name)!;

describe('transient resource-get failures', () => {
  it('fails twice, then succeeds within the hook with --retries 2 (3 calls, no ERROR logged)', async () => {
    await juju.failTimes('web', 2);
    const before = await gets();
    const ok = await runCli(['hook', '--retries', '2'], { charmDir, juju, hook: 'install' });
    const calls = (await gets()) - before;
    const state = (await stateOf('web')).state;
    recordFigures('transient:retry', { transientFailures: calls - 1, recoveredInHook: Number(ok.code === 0 && state === 'available') });
    expect(ok.code).toBe(0);
    expect(calls).toBe(3);
    expect(state).toBe('available');
    expect(ok.stdout).toBe('web: idle → fetching\nweb: fetching → available\n');
    expect(await juju.status()).toEqual({ state: 'active', message: '' });
  });

  it('--retries 0: one call, failed; the next hook retries and succeeds', async () => {
    await juju.failTimes('web', 1);
    const r = await runCli(['hook', '--retries', '0', '-q'], { charmDir, juju, hook: 'install' });
    expect(r.code).toBe(0);
    expect(await gets()).toBe(1);
    expect((await stateOf('web')).state).toBe('failed');
    expect(await juju.status()).toEqual({ state: 'blocked', message: 'unable to fetch resource: web' });
    const next = await runCli(['hook', '--retries', '0', '-q'], { charmDir, juju, hook: 'update-status' });
    const state = (await stateOf('web')).state;
    recordFigures('transient:off', { transientFailures: 1, recoveredNextHook: Number(next.code === 0 && state === 'available') });
    expect(next.code).toBe(0);
    expect(state).toBe('available');
    expect(await juju.status()).toEqual({ state: 'active', message: '' });
  });

  it('--fail-on-error: exit 1 naming the resource while it fails; exit 0 once Juju retries and it succeeds', async () => {
    await juju.failTimes('web', 1);
    const failed = await runCli(['hook', '--retries', '0', '--fail-on-error', '-q'], { charmDir, juju, hook: 'install' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('docker-resource: unable to fetch resource: web\n');
    // the state was saved before exiting 1, so Juju's retry of the same hook converges
    expect((await stateOf('web')).state).toBe('failed');
    const retried = await runCli(['hook', '--retries', '0', '--fail-on-error', '-q'], { charmDir, juju, hook: 'install' });
    const state = (await stateOf('web')).state;
    recordFigures('transient:fail-on-error', { transientFailures: 1, recoveredByJujuRetry: Number(retried.code === 0 && state === 'available') });
    expect(retried.code).toBe(0);
    expect(state).toBe('available');
    expect(failed.stdout + failed.stderr + retried.stderr).not.toContain(SECRET);
  });
});
