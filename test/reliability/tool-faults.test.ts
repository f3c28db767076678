/**
 * Hook tools misbehaving, through the real CLI: not on PATH, exit 1, exit 2, a resource-get that never
 * returns, a printed path that is missing, a directory, a symlink loop, a FIFO or a device, and
 * status-set / juju-log failing. The hook ends (exit 0), every resource is settled, nothing leaks.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLayerSnapshot } from '../../src/layer-snapshot.js';
import { statePaths } from '../../src/state-file.js';
import { createFakeJuju, type FakeJuju } from '../fixtures/fake-juju.js';
import { imageYaml, makeCharm, recordFigures, runCli, SECRET } from './support.js';

let juju: FakeJuju;
let charmDir: string;
let scratch: string;
beforeEach(async () => {
  juju = await createFakeJuju();
  scratch = await mkdtemp(join(tmpdir(), 'tool-faults-'));
});
afterEach(async () => {
  await juju.cleanup();
  await rm(charmDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('hook tools misbehaving', () => {
  it('each resource-get fault fails its resource with a clear kind and reason; the others are unharmed', async () => {
    const faults: Record<string, { kind: string; reason: RegExp }> = {
      exit1: { kind: 'missing', reason: /^resource-get failed: ERROR could not download resource: .*failed \(exit 1\)$/ },
      exit2: { kind: 'missing', reason: /^resource-get failed: ERROR could not download resource: .*failed \(exit 2\)$/ },
      nofile: { kind: 'missing', reason: /which does not exist$/ },
      adir: { kind: 'missing', reason: /which is a directory$/ },
      loop: { kind: 'missing', reason: /which cannot be read \(ELOOP\)$/ },
      fifo: { kind: 'missing', reason: /which is not a regular file$/ },
      device: { kind: 'missing', reason: /which is not a regular file$/ },
      garbage: { kind: 'invalid', reason: /./ },
    };
    charmDir = await makeCharm(['good', ...Object.keys(faults)]);
    await juju.attach('good', imageYaml('1'));
    await juju.failWith('exit1', 1);
    await juju.failWith('exit2', 2);
    await juju.setPath('nofile', join(scratch, 'no-such-file'));
    await mkdir(join(scratch, 'a-dir'));
    await juju.setPath('adir', join(scratch, 'a-dir'));
    await symlink(join(scratch, 'loop-b'), join(scratch, 'loop-a'));
    await symlink(join(scratch, 'loop-a'), join(scratch, 'loop-b'));
    await juju.setPath('loop', join(scratch, 'loop-a'));
    execFileSync('mkfifo', [join(scratch, 'fifo')]);
    await juju.setPath('fifo', join(scratch, 'fifo'));
    await juju.setPath('device', '/dev/zero');
    await writeFile(join(scratch, 'garbage'), Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x0a]));
    await juju.setPath('garbage', join(scratch, 'garbage'));

    const r = await runCli(['hook', '--retries', '0'], { charmDir, juju, hook: 'install' });
    expect(r.code).toBe(0); // the hook process ended by itself, none of these hung it (a FIFO could)

    const snapshot = await readLayerSnapshot({ charmDir });
    const byName = Object.fromEntries(snapshot.resources.map((v) => [v.name, v]));
    expect(byName['good']!.state).toBe('available');
    for (const [name, want] of Object.entries(faults)) {
      const v = byName[name]!;
      expect({ name, state: v.state, kind: v.context.failure?.kind }).toEqual({ name, state: 'failed', kind: want.kind });
      expect(v.context.failure!.reason).toMatch(want.reason);
    }
    const status = await juju.status();
    expect(status?.state).toBe('blocked');
    expect(status!.message.length).toBeLessThanOrEqual(120);
    const errors = (await juju.calls()).filter((c) => c[0] === 'juju-log' && c[2] === 'ERROR');
    expect(errors).toHaveLength(Object.keys(faults).length);
    expect(r.stdout + r.stderr + JSON.stringify(await juju.calls())).not.toContain(SECRET);
    recordFigures('tool-faults:resource-get', { faults: Object.keys(faults).length, survived: Object.keys(faults).length });
  });

  it('a resource-get that never returns: --timeout fails it as timeout, kills the tool, and the hook ends', async () => {
    charmDir = await makeCharm(['hung']);
    await juju.hang('hung');
    const r = await runCli(['hook', '--timeout', '300', '--retries', '0'], { charmDir, juju, hook: 'install' });
    expect(r.code).toBe(0); // the hook process ended by itself, not killed by the test
    expect(r.stdout).toContain('hung: fetching → failed (timeout: fetch timed out');
    const pid = await juju.hungPid('hung');
    expect(pid).toBeDefined();
    expect(alive(pid!)).toBe(false); // the hung resource-get was killed, not left behind
    const [hung] = (await readLayerSnapshot({ charmDir })).resources;
    expect(hung).toMatchObject({ state: 'failed', context: { failure: { kind: 'timeout' } } });
    expect(await juju.status()).toEqual({ state: 'blocked', message: 'unable to fetch resource: hung' });
    recordFigures('tool-faults:hang', { faults: 1, survived: 1 });
  });

  it('not on PATH: fetch and hook fail with one clear "not inside a Juju hook" message, the state untouched', async () => {
    charmDir = await makeCharm(['web']);
    await juju.attach('web', imageYaml('1'));
    expect((await runCli(['hook', '-q'], { charmDir, juju, hook: 'install' })).code).toBe(0);
    const before = await readFile(statePaths(charmDir).file, 'utf8');
    const empty = join(scratch, 'empty-bin');
    await mkdir(empty);
    for (const args of [['fetch', 'web'], ['hook']]) {
      const r = await runCli(args, { charmDir, juju, hook: 'upgrade-charm', env: { PATH: empty } });
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toMatch(/^docker-resource: (resource-get|status-set): not found on PATH — not running inside a Juju hook/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await readFile(statePaths(charmDir).file, 'utf8')).toBe(before);
    recordFigures('tool-faults:not-on-path', { faults: 2, survived: 2 });
  });

  it('status-set and juju-log failing: logged to stderr, the hook goes on and saves the state (exit 0)', async () => {
    charmDir = await makeCharm(['web', 'db']);
    await juju.attach('web', imageYaml('1'));
    await juju.failTool('status-set', 1);
    await juju.failTool('juju-log', 1);
    const r = await runCli(['hook', '--retries', '0'], { charmDir, juju, hook: 'install' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('docker-resource: status-set failed, going on: status-set blocked failed (exit 1)');
    expect(r.stderr).toContain('docker-resource: juju-log failed, going on: juju-log -l ERROR failed (exit 1)');
    const { flags } = await readLayerSnapshot({ charmDir });
    expect(flags).toEqual(expect.arrayContaining(['layer.docker-resource.web.available', 'layer.docker-resource.db.failed']));
    // status-set failed, so nothing was recorded as set: the next hook sets it once the tool works again
    await rm(join(juju.dir, 'status-set.exit'));
    await rm(join(juju.dir, 'juju-log.exit'));
    await juju.attach('db', imageYaml('1'));
    expect((await runCli(['hook', '-q'], { charmDir, juju, hook: 'update-status' })).code).toBe(0);
    expect(await juju.status()).toEqual({ state: 'active', message: '' });
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    recordFigures('tool-faults:status-set+juju-log', { faults: 2, survived: 2 });
  });
});
