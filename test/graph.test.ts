/** Seeing the lifecycle: `graph` (Mermaid and dot) and `history` (bounded, with time and hook). */
import { afterEach, describe, expect, it } from '@jest/globals';
import { main, type CliIO } from '../src/cli.js';
import { machineDiagram, machineEdges, mergedEdges } from '../src/graph.js';
import { layerMachine } from '../machines/layer.machine.js';
import { resourceMachine } from '../machines/resource.machine.js';
import { createHarness, type Harness } from '../src/testing/index.js';

/** Runs the CLI in-process; returns its exit code and what it printed. */
async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { env: {}, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const STATES = Object.keys(resourceMachine.root.states);

describe('machineDiagram', () => {
  it('mermaid: a stateDiagram-v2 from the initial state, with every transition, parallel events merged', () => {
    expect(machineDiagram('mermaid').split('\n')).toEqual([
      'stateDiagram-v2',
      '  [*] --> idle',
      '  state fetching {',
      '    [*] --> fetching_reading',
      '    fetching_reading --> fetching_verifying: fetched [mustVerify]',
      '  }',
      '  idle --> fetching: fetch',
      '  fetching --> failed: timed-out',
      '  fetching_reading --> available: fetched',
      '  fetching_reading --> failed: fetch-failed',
      '  fetching_verifying --> available: verified / unverified',
      '  fetching_verifying --> failed: verify-failed',
      '  available --> fetching: fetch / refetch',
      '  available --> fetching_verifying: reverify [isUnverified]',
      '  failed --> fetching: fetch / refetch / retry',
    ]);
  });

  it('dot: a digraph with a start point, quoted names and labels, balanced braces', () => {
    const dot = machineDiagram('dot');
    const lines = dot.split('\n');
    expect(lines[0]).toBe('digraph resource {');
    expect(lines.at(-1)).toBe('}');
    expect(lines).toContain('  start -> "idle";');
    expect(lines).toContain('  "fetching.reading" -> "failed" [ltail="cluster_fetching", label="timed-out"];');
    expect(lines).toContain('  "fetching.reading" -> "failed" [label="fetch-failed"];');
    expect(lines).toContain('  "failed" -> "fetching.reading" [label="fetch / refetch / retry"];');
    expect(lines).toContain('  subgraph "cluster_fetching" {');
    expect(dot.split('{').length).toBe(dot.split('}').length);
  });

  it('follows the machine: every state appears, every edge of the definition is drawn', () => {
    const mermaid = machineDiagram();
    for (const state of STATES) expect(mermaid).toMatch(new RegExp(`\\b${state}\\b`));
    const drawn = mergedEdges().flatMap((e) => e.label.split(' / ').map((l) => `${e.from}>${e.to}:${l}`));
    expect(drawn.sort()).toEqual([...new Set(machineEdges().map((e) => `${e.from}>${e.to}:${e.label}`))].sort());
  });
});

describe('docker-resource graph', () => {
  it('prints Mermaid by default and dot on request', async () => {
    const mermaid = await cli(['graph']);
    expect(mermaid).toMatchObject({ code: 0, stdout: machineDiagram('mermaid') + '\n' });
    const dot = await cli(['graph', '--format', 'dot']);
    expect(dot).toMatchObject({ code: 0, stdout: machineDiagram('dot') + '\n' });
  });

  it('--machine layer draws the hook cycle, its compound committing state and what any state may lead to', async () => {
    const r = await cli(['graph', '--machine', 'layer']);
    expect(r).toMatchObject({ code: 0, stdout: machineDiagram('mermaid', 'layer') + '\n' });
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['stateDiagram-v2', '  [*] --> starting']);
    expect(lines).toContain('  starting --> open: then');
    expect(lines).toContain('  open --> planning: run / fetch-now');
    expect(lines).toContain('  planning --> announcing: then [mustAnnounce]');
    expect(lines).toContain('  fetching --> settled: then [isSettled]');
    expect(lines).toContain('  state committing {');
    expect(lines).toContain('  any --> aborted: resource.entered [notInHook] / abandon');
    expect(lines).toContain('  done --> [*]');
    const dot = await cli(['graph', '--machine', 'layer', '--format', 'dot']);
    expect(dot.stdout).toContain('subgraph "cluster_committing" {');
    expect(dot.stdout).toContain('"settled" -> "committing.status" [label="commit"];');
    for (const state of Object.keys(layerMachine.root.states)) expect(r.stdout).toMatch(new RegExp(`\\b${state}\\b`));
  });

  it('rejects an unknown machine with a usage error', async () => {
    const r = await cli(['graph', '--machine', 'charm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--machine must be resource or layer, not "charm"');
  });

  it('rejects an unknown format with a usage error', async () => {
    const r = await cli(['graph', '--format', 'svg']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be mermaid or dot, not "svg"');
  });
});

describe('docker-resource history', () => {
  let h: Harness;
  afterEach(() => h?.cleanup());

  const clock = () => {
    let t = Date.parse('2025-03-01T10:00:00.000Z');
    return () => new Date((t += 1000));
  };

  it('prints the transitions across hooks, oldest first, with time, hook and reason', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true } }, options: { now: clock() } });
    await h.hook('install');
    h.attach('web', { registryPath: 'registry.example/web:1' });
    await h.hook('update-status');
    const r = await cli(['history', 'web', '--charm-dir', h.charmDir]);
    expect(r.code).toBe(0);
    const json = JSON.parse((await cli(['history', 'web', '--json', '--charm-dir', h.charmDir])).stdout);
    const at = json.map((e: { at: string }) => e.at);
    expect([...at].sort()).toEqual(at);
    expect(new Set(at).size).toBe(4);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      `${at[0]}  install          idle → fetching  (fetch)`,
      `${at[1]}  install          fetching → failed  (fetch-failed)  resource-get failed: ERROR could not download resource: resource "web" not found`,
      `${at[2]}  update-status    failed → fetching  (retry)`,
      `${at[3]}  update-status    fetching → available  (fetched)`,
    ]);
    expect(json).toHaveLength(4);
    expect(json[3]).toEqual({
      at: at[3],
      hook: 'update-status',
      from: 'fetching',
      to: 'available',
      event: 'fetched',
      attempts: 2,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      changed: false,
    });
    expect(json[1]).toMatchObject({ event: 'fetch-failed', kind: 'missing', attempts: 1 });
  });

  it('is bounded: the oldest entries are dropped', async () => {
    h = createHarness({
      resources: { web: { type: 'oci-image', 'auto-fetch': true } },
      options: { historyLimit: 3, now: clock() },
    });
    for (const hook of ['install', 'update-status', 'update-status']) await h.hook(hook);
    const entries = JSON.parse((await cli(['history', 'web', '--json', '--charm-dir', h.charmDir])).stdout);
    // The last three of the six transitions (install: idle→fetching→failed; two retries), oldest first.
    expect(entries.map((e: { from: string; to: string }) => `${e.from}→${e.to}`)).toEqual(['fetching→failed', 'failed→fetching', 'fetching→failed']);
    expect(entries.map((e: { hook: string }) => e.hook)).toEqual(['update-status', 'update-status', 'update-status']);
    const times = entries.map((e: { at: string }) => e.at);
    expect([...times].sort()).toEqual(times);
    expect(await h.history('web')).toHaveLength(3);
  });

  it('says so when nothing is recorded, and names an unknown resource', async () => {
    h = createHarness({ resources: { web: { type: 'oci-image' } } });
    await h.hook('install');
    expect((await cli(['history', 'web', '--charm-dir', h.charmDir])).stdout).toBe('no transitions recorded for web\n');
    const unknown = await cli(['history', 'nope', '--charm-dir', h.charmDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown resource "nope"');
  });
});
