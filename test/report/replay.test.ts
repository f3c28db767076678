/**
 * The replay end to end: a charm lives through the real layer (a failure, retries, an upgrade
 * with a changed image), then its saved life is sent to a WebSocket server on 127.0.0.1 that
 * records what an inspector would receive.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { resourceMachine } from '../../machines/resource.machine.js';
import { encodeDefinition, INSPECT_VERSION } from '../../src/report/inspect-wire.js';
import { readLayerSnapshot } from '../../src/layer-snapshot.js';
import { replayCommand } from '../../src/report/commands.js';
import { buildReplay } from '../../src/report/replay-events.js';
import { resourceReplayActors } from '../../src/report/replay-resource.js';
import { sendReplay } from '../../src/report/replay-send.js';
import type { Harness } from '../../src/testing/index.js';
import { HOOKS, liveCharm, SENTINEL } from './fixtures/life.js';
import { layerMachine } from '../../machines/layer.machine.js';

/** The layer actors are named after their hook and when it began. */
const HOOK_ACTOR = /^(install|update-status|upgrade-charm) \d{4}-/;

/** The lifecycle state of a snapshot value (`{ fetching: 'reading' }` is `fetching`). */
const lifecycle = (value: unknown) => (typeof value === 'object' && value !== null ? Object.keys(value)[0] : String(value));

interface Received {
  type: string;
  name?: string;
  sessionId: string;
  sourceId?: string;
  parentId?: string;
  rootId: string;
  createdAt: string;
  _version: string;
  id: null;
  definition?: string;
  event?: { type: string; [k: string]: unknown };
  snapshot?: { status: string; value?: string; context?: Record<string, unknown> };
}

/** A WebSocket server on 127.0.0.1 (a free port) that keeps every message it receives. */
async function listen() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.on('listening', () => resolve()));
  const raw: string[] = [];
  server.on('connection', (socket) => socket.on('message', (data) => raw.push(String(data))));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    raw,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** Sends the replay and waits until the server has every message (the command resolves after the close). */
async function replay(url: string, names?: string[]) {
  const server = await listen();
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await replayCommand({
      charmDir: h.charmDir,
      env: {},
      url: url === 'server' ? server.url : url,
      ...(names ? { names } : {}),
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
    });
    const events = server.raw.map((m) => JSON.parse(m) as Received);
    return { code, out: out.join(''), err: err.join(''), raw: server.raw.join('\n'), events };
  } finally {
    await server.close();
  }
}

let h: Harness;
beforeAll(async () => {
  h = await liveCharm();
});
afterAll(() => h.cleanup());

describe('replay into a WebSocket inspector', () => {
  it('sends each actor registered with the machine definition, then every event and the snapshot after it, in time order', async () => {
    const { code, out, events } = await replay('server');
    expect(code).toBe(0);
    expect(out).toMatch(/^replayed 3 resources \(\d+ events\) to ws:\/\/127\.0\.0\.1:\d+\/\n$/);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot']));
    for (const e of events) {
      expect(e._version).toBe(INSPECT_VERSION);
      expect(e.id).toBeNull();
      expect(e.createdAt).toMatch(/^\d+$/);
    }
    // Time never goes back; each actor is registered before anything else of its own.
    const times = events.map((e) => Number(e.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const registered = new Set<string>();
    events.forEach((e, i) => {
      if (e.type === '@xstate.actor') registered.add(e.sessionId);
      else expect(registered.has(e.sessionId)).toBe(true);
      if (e.sourceId !== undefined) expect(registered.has(e.sourceId)).toBe(true);
      // Every event is followed by the snapshot after it.
      if (e.type === '@xstate.event') {
        expect(events[i + 1]).toMatchObject({ type: '@xstate.snapshot', sessionId: e.sessionId, event: e.event });
      }
    });
    const resources = events.filter((e) => e.type === '@xstate.actor' && !HOOK_ACTOR.test(e.name!));
    // In time order: metrics, never fetched, is there from the replay's first moment.
    expect(resources.map((r) => r.name)).toEqual(['web', 'metrics', 'db']);
    for (const r of resources) {
      expect(r.definition).toBe(encodeDefinition(resourceMachine.config));
      expect(Object.keys((JSON.parse(r.definition!) as { states: object }).states).sort()).toEqual(['available', 'failed', 'fetching', 'idle']);
    }
  });

  it("steps through each resource's recorded life with the original timestamps and the hook as origin", async () => {
    const { events } = await replay('server');
    const sessionOf = (name: string) => events.find((e) => e.type === '@xstate.actor' && e.name === name)!.sessionId;
    const steps = (name: string) =>
      events
        .filter((e) => e.type === '@xstate.snapshot' && e.sessionId === sessionOf(name) && e.event!.type !== 'xstate.init')
        .map((e) => `${e.event!.type} → ${lifecycle(e.snapshot!.value)}`);
    expect(steps('web')).toEqual([
      'fetch → fetching',
      'xstate.done.actor.fetch → available',
      'refetch → fetching',
      'xstate.done.actor.fetch → available',
    ]);
    expect(steps('db')).toEqual([
      'fetch → fetching',
      'xstate.error.actor.fetch → failed',
      'retry → fetching',
      'xstate.error.actor.fetch → failed',
      'retry → fetching',
      'xstate.done.actor.fetch → available',
      'refetch → fetching',
      'xstate.done.actor.fetch → available',
    ]);
    expect(steps('metrics')).toEqual([]);

    // The original timestamps: the events of web are those of its saved history.
    const history = await h.history('web');
    const webEvents = events.filter((e) => e.type === '@xstate.event' && e.sessionId === sessionOf('web') && e.event!.type !== 'xstate.init');
    expect(webEvents.map((e) => Number(e.createdAt))).toEqual(history.map((x) => Date.parse(x.at)));

    // The origin: one layer actor per recorded hook, named after the hook, registered when it began,
    // with the hook cycle's machine, stepping through the phases the hook went through.
    const hooks = events.filter((e) => e.type === '@xstate.actor' && HOOK_ACTOR.test(e.name!));
    expect(hooks.map((e) => e.name)).toEqual(HOOKS.map(([hook, at]) => `${hook} ${at}`));
    expect(hooks.map((e) => Number(e.createdAt))).toEqual(HOOKS.map(([, at]) => Date.parse(at)));
    for (const hook of hooks) expect(hook.definition).toBe(encodeDefinition(layerMachine.config));
    const phases = (sessionId: string) =>
      events.filter((e) => e.type === '@xstate.snapshot' && e.sessionId === sessionId).map((e) => e.snapshot!.value);
    expect(phases(hooks[0]!.sessionId)).toEqual(['open', 'announcing', 'fetching', 'settled', 'committing', 'done']);
    expect(phases(hooks[1]!.sessionId)).toEqual(['open', 'fetching', 'settled', 'committing', 'done']);
    const hookOf = new Map(hooks.map((e) => [e.sessionId, e.name!.split(' ')[0]]));
    expect(webEvents.map((e) => hookOf.get(e.sourceId!))).toEqual(['install', 'install', 'upgrade-charm', 'upgrade-charm']);

    // The context after each event: failures with kind and reason, the count of fetches, the changed image.
    const snaps = (name: string) => events.filter((e) => e.type === '@xstate.snapshot' && e.sessionId === sessionOf(name));
    const dbFailed = snaps('db').find((e) => e.snapshot!.value === 'failed')!.snapshot!.context!;
    expect(dbFailed['failure']).toMatchObject({ reason: expect.stringMatching(/./) });
    expect(snaps('db').at(-1)!.snapshot!.context).toMatchObject({ attempts: 4, failuresInARow: 0, changed: false });
    const webNow = snaps('web').at(-1)!.snapshot!.context!;
    expect(webNow).toMatchObject({ attempts: 2, changed: true, digest: expect.stringMatching(/^sha256:/) });
    expect(webNow['image']).toMatchObject({ registryPath: 'registry.example.com/shop/web:1.5', password: '<redacted>' });
  });

  it('sends no credential, and only the resources named', async () => {
    const { raw, events, code } = await replay('server', ['db']);
    expect(code).toBe(0);
    expect(raw).not.toContain(SENTINEL);
    expect(raw).toContain('<redacted>');
    const actors = events.filter((e) => e.type === '@xstate.actor').map((e) => e.name!.split(' ')[0]);
    expect(actors).toEqual(['install', 'db', 'update-status', 'update-status', 'upgrade-charm']);
    expect((await replay('server')).raw).not.toContain(SENTINEL);
  });

  it('stops and says so when the inspector goes away in the middle', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.on('listening', () => resolve()));
    server.on('connection', (socket) => socket.once('message', () => socket.terminate()));
    const events = buildReplay(resourceReplayActors((await readLayerSnapshot({ charmDir: h.charmDir })).state, (await readLayerSnapshot({ charmDir: h.charmDir })).resources).actors);
    const warnings: string[] = [];
    try {
      const result = await sendReplay(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, events, {
        onWarning: (m) => warnings.push(m),
        intervalMs: 5,
      });
      expect(result.connected).toBe(true);
      expect(result.sent).toBeLessThan(events.length);
      expect(warnings).toEqual([expect.stringMatching(/^the inspector at ws:\/\/127\.0\.0\.1:\d+\/ went away \(.+\) after \d+ of \d+ events$/)]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('says clearly that no inspector listens, without the URL credentials, and exits 1', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { code, err, out } = await replay(`ws://bot:${SENTINEL}@127.0.0.1:${port}/`);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain(`no inspector at ws://127.0.0.1:${port}/`);
    expect(err).toContain('nothing replayed');
    expect(err).not.toContain(SENTINEL);
    const invalid = await replay(`ws://bot:${SENTINEL}@[not-a-host/`);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('no inspector at ws://[not-a-host/ (an invalid URL)');
    expect(invalid.err).not.toContain(SENTINEL);
  });
});
