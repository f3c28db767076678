/**
 * The inspector: every event a listening inspector receives is redacted; with nothing
 * listening the hook still runs and the process exits. Loopback only.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { createActor, fromPromise, waitFor, type InspectionEvent } from 'xstate';
import { resourceMachine, type FetchInput, type FetchOutput } from '../machines/resource.machine.js';
import { freezeInspectionEvent, plainSnapshot } from '../src/inspection.js';
import { connectInspector } from '../src/inspector.js';
import { createFakeJuju, type FakeJuju } from './fixtures/fake-juju.js';

const CLI = fileURLToPath(new URL('../dist/bundle/docker-resource.js', import.meta.url));
const SECRET = 's3cr3t-SENTINEL';
const image = (tag: string) => `registrypath: registry.example/app:${tag}\nusername: bot\npassword: ${SECRET}\n`;

interface StatelyEvent {
  type: string;
  name?: string;
  sessionId: string;
  parentId?: string;
  snapshot?: { value?: unknown; context?: { image?: { password?: string } | null } };
  event?: { type: string };
}

/** A WebSocket server on 127.0.0.1 (any free port) that keeps every message it receives. */
async function listen() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.on('listening', () => resolve()));
  const messages: string[] = [];
  server.on('connection', (socket) => socket.on('message', (data) => messages.push(String(data))));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    events: () => messages.map((m) => JSON.parse(m) as StatelyEvent),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The resource machine with a fetch that returns an image holding {@link SECRET}. */
const machine = resourceMachine.provide({
  actors: {
    fetchImage: fromPromise<FetchOutput, FetchInput>(async () => ({
      image: { registryPath: 'registry.example/app:1', username: 'bot', password: SECRET },
      digest: 'sha256:0000',
    })),
  },
});

describe('freezeInspectionEvent', () => {
  it('copies snapshots and events with credentials redacted, and skips what the inspector does not show', async () => {
    const seen: InspectionEvent[] = [];
    const actor = createActor(machine, { input: { name: 'web' }, inspect: (e) => void seen.push(e) });
    actor.start();
    actor.send({ type: 'fetch' });
    await waitFor(actor, (s) => s.value === 'available');
    const frozen = seen.map(freezeInspectionEvent).filter((e) => e !== undefined);
    expect(frozen.length).toBeGreaterThan(0);
    expect(seen.filter((e) => e.type === '@xstate.microstep' || e.type === '@xstate.action').map(freezeInspectionEvent)).toEqual(
      seen.filter((e) => e.type === '@xstate.microstep' || e.type === '@xstate.action').map(() => undefined),
    );
    const plain = frozen.map((e) => {
      const { actorRef, ...rest } = e as unknown as { actorRef: { getSnapshot(): unknown; sessionId: string } };
      return { ...rest, sessionId: actorRef.sessionId, current: actorRef.getSnapshot() };
    });
    const text = JSON.stringify(plain);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('<redacted>');
    actor.stop();
  });

  it('prefixes session ids once: an event frozen already is handed on as it is', async () => {
    const seen: InspectionEvent[] = [];
    const actor = createActor(machine, { input: { name: 'web' }, inspect: (e) => void seen.push(e) }).start();
    const once = seen.map(freezeInspectionEvent).filter((e) => e !== undefined);
    expect(once.map(freezeInspectionEvent)).toEqual(once);
    const sessionId = (once[0]?.actorRef as unknown as { sessionId: string }).sessionId;
    // XState's own ids hold a colon (`x:0`); the prefix, up to the first one, holds none.
    expect(sessionId.slice(sessionId.indexOf(':') + 1)).toBe(actor.sessionId);
    actor.stop();
  });

  it('plainSnapshot reduces child actors to ids and keeps the state value', async () => {
    const actor = createActor(machine, { input: { name: 'web' } }).start();
    actor.send({ type: 'fetch' });
    expect(plainSnapshot(actor.getSnapshot())).toMatchObject({ value: { fetching: 'reading' }, children: { fetch: { id: 'fetch' } } });
    await waitFor(actor, (s) => s.value === 'available');
    expect(plainSnapshot(actor.getSnapshot())).toMatchObject({ value: 'available', context: { image: { password: '<redacted>' } } });
    actor.stop();
  });
});

describe('connectInspector (in-process)', () => {
  it('an actor restored with credentials: its @xstate.actor snapshot arrives redacted', async () => {
    const server = await listen();
    try {
      const first = createActor(machine, { input: { name: 'web' } }).start();
      first.send({ type: 'fetch' });
      await waitFor(first, (s) => s.value === 'available');
      const saved = first.getPersistedSnapshot();
      first.stop();
      expect(JSON.stringify(saved)).toContain(SECRET);

      const inspector = await connectInspector(server.url, { onWarning: (m) => void fail(m) });
      expect(inspector.connected).toBe(true);
      const restored = createActor(machine, { input: { name: 'web' }, snapshot: saved, inspect: inspector.inspect }).start();
      restored.stop();
      await inspector.stop();

      await waitForMessages(server.messages, (events) => events.some((e) => e.includes('"@xstate.actor"')));
      expect(server.messages.join('\n')).not.toContain(SECRET);
      const actorEvent = server.events().find((e) => e.type === '@xstate.actor' && e.name === 'resource');
      expect(actorEvent?.snapshot).toMatchObject({ value: 'available', context: { image: { password: '<redacted>' } } });
    } finally {
      await server.close();
    }
  });

  it('with nothing listening: one warning, a no-op inspector, and stop() resolves', async () => {
    const warnings: string[] = [];
    const inspector = await connectInspector(`ws://127.0.0.1:${await closedPort()}`, { onWarning: (m) => void warnings.push(m) });
    expect(inspector.connected).toBe(false);
    const actor = createActor(machine, { input: { name: 'web' }, inspect: inspector.inspect }).start();
    actor.stop();
    await inspector.stop();
    expect(warnings).toEqual([expect.stringMatching(/^no inspector at ws:\/\/127\.0\.0\.1:\d+\/ \(.+\); going on without it$/)]);
  });

  it.each([
    ['an invalid URL (ws quotes it whole)', 'ws://inspector-user:S3cr%2Ft-pw@127.0.0.1:not-a-port/'],
    ['an unreachable URL', `ws://inspector-user:S3cr%2Ft-pw@127.0.0.1:1/`],
    ['credentials holding an @', 'ws://inspector-user:S3cr@t-pw@[::1:not-a-host/'],
  ])('never shows the URL\'s own credentials in a warning: %s', async (_what, url) => {
    const warnings: string[] = [];
    const inspector = await connectInspector(url, { onWarning: (m) => void warnings.push(m), connectTimeoutMs: 1000 });
    await inspector.stop();
    expect(warnings).toHaveLength(1);
    for (const secret of ['inspector-user', 'S3cr', 't-pw', 'S3cr/t-pw']) expect(warnings[0]).not.toContain(secret);
    expect(warnings[0]).toMatch(/^no inspector at ws:\/\/(127\.0\.0\.1|\[::1)/);
  });
});

/** Waits (bounded) until the messages satisfy `done`; the assertions that follow say what was missing. */
async function waitForMessages(messages: string[], done: (messages: string[]) => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(messages); i++) await new Promise((r) => setTimeout(r, 10));
}

function fail(message: string): never {
  throw new Error(message);
}

describe('docker-resource hook --inspect', () => {
  let juju: FakeJuju;
  let charmDir: string;

  beforeEach(async () => {
    juju = await createFakeJuju();
    charmDir = mkdtempSync(join(tmpdir(), 'docker-resource-inspect-'));
    writeFileSync(join(charmDir, 'metadata.yaml'), 'name: c\nresources:\n  web:\n    type: oci-image\n    auto-fetch: true\n');
  });
  afterEach(async () => {
    await juju.cleanup();
    rmSync(charmDir, { recursive: true, force: true });
  });

  function hook(name: string, inspect: string) {
    return new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'hook', '--retries', '0', `--inspect=${inspect}`],
        {
          cwd: charmDir,
          timeout: 25_000,
          env: juju.env({ JUJU_CHARM_DIR: charmDir, JUJU_DISPATCH_PATH: `hooks/${name}` }) as NodeJS.ProcessEnv,
        },
        (error, stdout, stderr) => resolve({ code: error ? (error.killed ? 'killed' : Number(error.code ?? 1)) : 0, stdout, stderr }),
      );
    });
  }

  it('exits 0 and still runs the hook when no inspector listens', async () => {
    await juju.attach('web', image('1'));
    const r = await hook('install', `ws://127.0.0.1:${await closedPort()}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('web: fetching → available');
    expect(r.stderr).toMatch(/warning: no inspector at ws:\/\/127\.0\.0\.1:\d+\/ .*going on without it/);
    expect(await juju.status()).toEqual({ state: 'active', message: '' });
  });

  it('a local inspector receives the resource machine’s events from real hooks, with no credential in any', async () => {
    const server = await listen();
    try {
      await juju.attach('web', image('1'));
      expect((await hook('install', server.url)).code).toBe(0);
      await juju.attach('web', image('2'));
      expect((await hook('upgrade-charm', server.url)).code).toBe(0);
      await waitForMessages(server.messages, (m) => m.filter((e) => e.includes('"refetch"')).length > 0);

      const events = server.events();
      // One system per hook: the layer actor, and its resource children named after the resources.
      const actors = events.filter((e) => e.type === '@xstate.actor');
      const layers = actors.filter((e) => e.name === 'layer');
      expect(layers).toHaveLength(2);
      const resourceSessions = new Set(actors.filter((e) => e.name === 'web').map((e) => e.sessionId));
      expect(resourceSessions.size).toBe(2);
      for (const e of actors.filter((a) => a.name === 'web')) expect(layers.map((l) => l.sessionId)).toContain(e.parentId);
      const values = events
        .filter((e) => e.type === '@xstate.snapshot' && resourceSessions.has(e.sessionId))
        .map((e) => e.snapshot?.value);
      expect(values).toEqual(expect.arrayContaining(['idle', { fetching: 'reading' }, 'available']));
      expect(events.map((e) => e.event?.type)).toEqual(expect.arrayContaining(['fetch', 'refetch', 'xstate.done.actor.fetch']));
      const withImage = events.filter((e) => e.snapshot?.context?.image);
      expect(withImage.length).toBeGreaterThan(0);
      for (const e of withImage) expect(e.snapshot?.context?.image?.password).toBe('<redacted>');
      expect(server.messages.join('\n')).not.toContain(SECRET);
    } finally {
      await server.close();
    }
  });
});
