/**
 * Hook tools misbehaving, through the real CLI: not on PATH, exit 1, exit 2, a resource-get that never
 * returns, a printed path that is missing, a directory, a symlink loop, a FIFO or a device, and
 * status-set / juju-log failing. The hook ends (exit 0), every resource is settled, nothing leaks.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLayerSnapshot } from '../../src/layer-snapshot.js';
import { statePaths } from '../../src/state-paths.js';
import { createFakeJuju, type FakeJuju } from '../fixtures/fake-juju.js';
import { imageYaml, makeCharm, recordFigures, runCli, SECRET, startCli } from './support.js';

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

/** Whether a process has ended (gone, or a zombie not yet reaped), looking for up to 2 s. */
async function ended(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (text === undefined || text.slice(text.lastIndexOf(')') + 2).startsWith('Z')) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

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
    const byName = new Map(snapshot.resources.map((v) => [v.name, v]));
    expect(byName.get('good')!.state).toBe('available');
    const outcomes = Object.entries(faults).map(([name, want]) => {
      const v = byName.get(name)!;
      return { name, state: v.state, kind: v.context.failure?.kind, reasonOk: want.reason.test(v.context.failure?.reason ?? '') };
    });
    const survived = outcomes.filter((o) => o.state === 'failed' && o.kind === faults[o.name]!.kind && o.reasonOk).length;
    recordFigures('tool-faults:resource-get', { faults: outcomes.length, survived });
    expect(outcomes).toEqual(Object.entries(faults).map(([name, want]) => ({ name, state: 'failed', kind: want.kind, reasonOk: true })));
    const status = await juju.status();
    expect(status?.state).toBe('blocked');
    expect(status!.message.length).toBeLessThanOrEqual(120);
    const errors = (await juju.calls()).filter((c) => c[0] === 'juju-log' && c[2] === 'ERROR');
    expect(errors).toHaveLength(Object.keys(faults).length);
    expect(r.stdout + r.stderr + JSON.stringify(await juju.calls())).not.toContain(SECRET);
  });

  it('a resource-get that never returns, whose child is not exec\'d: --timeout fails it, kills both, and the hook ends', async () => {
    charmDir = await makeCharm(['hung']);
    await juju.hang('hung', { child: true }); // a shell script running `sleep` without exec
    const cli = startCli(['hook', '--timeout', '300', '--retries', '0'], { charmDir, juju, hook: 'install' });
    const r = await cli.done;
    const pids = [await juju.hungPid('hung'), await juju.hungChildPid('hung')];
    const left = [];
    for (const pid of pids) if (pid === undefined || !(await ended(pid))) left.push(pid); // before any reaping
    cli.reap();
    const [hung] = (await readLayerSnapshot({ charmDir })).resources;
    const survived = r.code === 0 && left.length === 0 && hung?.state === 'failed' && hung.context.failure?.kind === 'timeout' ? 1 : 0;
    recordFigures('tool-faults:hang', { faults: 1, survived, processesLeft: left.length });
    expect(r.code).toBe(0); // the hook process ended by itself, not killed by the test
    expect(r.stdout).toContain('hung: fetching → failed (timeout: fetch timed out');
    expect(left).toEqual([]); // the hung resource-get and its child were killed, not left behind
    expect(hung).toMatchObject({ state: 'failed', context: { failure: { kind: 'timeout' } } });
    expect(await juju.status()).toEqual({ state: 'blocked', message: 'unable to fetch resource: hung' });
  });

  it('8 MB from resource-get on stdout or stderr: bounded reasons, a small state, juju-log and the CLI unharmed', async () => {
    charmDir = await makeCharm(['outflood', 'errflood', 'good']);
    await juju.attach('good', imageYaml('1'));
    await juju.spew('outflood', 'stdout', 8 * 1024 * 1024);
    await juju.spew('errflood', 'stderr', 8 * 1024 * 1024);
    const runs = [];
    for (const hook of ['install', 'update-status', 'update-status']) runs.push(await runCli(['hook', '--retries', '0'], { charmDir, juju, hook }));
    const bytes = (await stat(statePaths(charmDir).file)).size;
    const errors = (await juju.calls()).filter((c) => c[0] === 'juju-log' && c[2] === 'ERROR');
    const printed = [];
    for (const args of [['status'], ['status', '--json'], ['history', 'errflood'], ['history', 'outflood', '--json']]) printed.push(await runCli(args, { charmDir, juju }));
    const reasons = (await readLayerSnapshot({ charmDir })).resources.map((v) => v.context.failure?.reason ?? '');
    const longest = Math.max(...reasons.map((x) => x.length));
    const output = Math.max(...[...runs, ...printed].map((x) => x.stdout.length + x.stderr.length));
    const survived = runs.every((x) => x.code === 0 && x.stderr === '') && errors.length === 6 && bytes < 64 * 1024 && longest <= 1024 ? 2 : 0;
    recordFigures('tool-faults:huge-output', { faults: 2, survived, stateBytes: bytes, longestReason: longest, largestOutput: output });
    expect(runs.map((x) => [x.code, x.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
    expect(errors).toHaveLength(6); // every failure reached juju-log (no E2BIG)
    expect(bytes).toBeLessThan(64 * 1024); // after three hooks, not 3 × 8 MB
    expect(longest).toBeLessThanOrEqual(1024);
    expect(reasons.filter((x) => x.length === 1024).every((x) => x.endsWith('…'))).toBe(true);
    expect(output).toBeLessThan(32 * 1024);
  }, 60_000);

  it('not on PATH: fetch and hook fail with one clear "not inside a Juju hook" message, the state untouched', async () => {
    charmDir = await makeCharm(['web']);
    await juju.attach('web', imageYaml('1'));
    expect((await runCli(['hook', '-q'], { charmDir, juju, hook: 'install' })).code).toBe(0);
    const before = await readFile(statePaths(charmDir).file, 'utf8');
    const empty = join(scratch, 'empty-bin');
    await mkdir(empty);
    const results = [];
    for (const args of [['fetch', 'web'], ['hook']]) {
      const r = await runCli(args, { charmDir, juju, hook: 'upgrade-charm', env: { PATH: empty } });
      const untouched = (await readFile(statePaths(charmDir).file, 'utf8')) === before;
      results.push({ args, code: r.code, stderr: r.stderr, untouched });
    }
    const clear = /^docker-resource: not inside a Juju hook: the hook tools \(resource-get, status-set, juju-log\) are not on PATH[^\n]*; nothing was changed\n$/;
    const survived = results.filter((x) => x.code === 1 && clear.test(x.stderr) && x.untouched).length;
    recordFigures('tool-faults:not-on-path', { faults: results.length, survived });
    for (const x of results) {
      expect({ args: x.args, code: x.code, untouched: x.untouched }).toEqual({ args: x.args, code: 1, untouched: true });
      expect(x.stderr).toMatch(clear);
    }
  });

  it('status-set and juju-log failing: logged to stderr, the hook goes on and saves the state (exit 0)', async () => {
    charmDir = await makeCharm(['web', 'db']);
    await juju.attach('web', imageYaml('1'));
    await juju.failTool('status-set', 1);
    await juju.failTool('juju-log', 1);
    const r = await runCli(['hook', '--retries', '0'], { charmDir, juju, hook: 'install' });
    const { flags } = await readLayerSnapshot({ charmDir });
    const saved = ['layer.docker-resource.web.available', 'layer.docker-resource.db.failed'].every((f) => flags.includes(f));
    // status-set failed, so nothing was recorded as set: the next hook sets it once the tool works again
    await rm(join(juju.dir, 'status-set.exit'));
    await rm(join(juju.dir, 'juju-log.exit'));
    await juju.attach('db', imageYaml('1'));
    const next = await runCli(['hook', '-q'], { charmDir, juju, hook: 'update-status' });
    const status = await juju.status();
    const survived = Number(r.code === 0 && saved) + Number(next.code === 0 && status?.state === 'active');
    recordFigures('tool-faults:status-set+juju-log', { faults: 2, survived });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('docker-resource: status-set failed, going on: status-set blocked failed (exit 1)');
    expect(r.stderr).toContain('docker-resource: juju-log failed, going on: juju-log -l ERROR failed (exit 1)');
    expect(saved).toBe(true);
    expect(next.code).toBe(0);
    expect(status).toEqual({ state: 'active', message: '' });
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});
