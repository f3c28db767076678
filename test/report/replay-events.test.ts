/** The replay's wire events, built from saved state: order, types, timestamps, definition, no credential. */
import { describe, expect, it } from '@jest/globals';
import { createInspector } from '@statelyai/inspect';
import { createMachine } from 'xstate';
import { resourceMachine } from '../../machines/resource.machine.js';
import { encodeDefinition, INSPECT_VERSION, type WireEvent } from '../../src/report/inspect-wire.js';
import { buildReplay, type RecordedActor } from '../../src/report/replay-events.js';
import { resourceReplayActors } from '../../src/report/replay-resource.js';
import { hostileState, MARKUP_NAME, SENTINEL } from './fixtures/hostile-state.js';

/** What @statelyai/inspect itself sends when an actor of this machine registers. */
function libraryActorEvent(config: object): Record<string, unknown> {
  const sent: Array<Record<string, unknown>> = [];
  const inspector = createInspector({ send: (e) => void sent.push(e as unknown as Record<string, unknown>) });
  inspector.actor({ sessionId: 'x:0', logic: { config } } as never, { status: 'active' });
  return sent[0]!;
}

/** The lifecycle state of a snapshot value (`{ fetching: 'reading' }` is `fetching`). */
const lifecycle = (value: unknown) => (typeof value === 'object' && value !== null ? Object.keys(value)[0] : String(value));

const short = (e: WireEvent) =>
  e.type === '@xstate.actor' ? `actor ${e.name}` : e.type === '@xstate.event' ? `event ${e.event.type}` : `snapshot ${e.snapshot.value === undefined ? String(e.snapshot.status) : lifecycle(e.snapshot.value)}`;

describe('buildReplay of resources', () => {
  const { state, views } = hostileState();
  const { actors, warnings } = resourceReplayActors(state, views);
  const events = buildReplay(actors, { sessionPrefix: 't' });

  it('holds no credential, wherever it was planted', () => {
    const json = JSON.stringify(events);
    expect(json).not.toContain(SENTINEL);
    expect(json).toContain('"password":"<redacted>"');
    expect(warnings).toEqual([]);
  });

  it("registers each resource with the resource machine's definition, encoded as the inspector encodes it", () => {
    const library = libraryActorEvent(resourceMachine.config);
    expect(library['_version']).toBe(INSPECT_VERSION);
    const resources = events.filter((e) => e.type === '@xstate.actor' && e.definition !== encodeDefinition({ id: e.name }));
    // In time order; idle-one, never fetched, is there from the replay's first moment.
    expect(resources.map((e) => e.type === '@xstate.actor' && e.name)).toEqual(['web', 'idle-one', MARKUP_NAME, 'constructor']);
    for (const e of resources) {
      expect(e.type === '@xstate.actor' && e.definition).toBe(library['definition']);
      expect(Object.keys(e).sort()).toEqual(['_version', 'createdAt', 'definition', 'id', 'name', 'rootId', 'sessionId', 'snapshot', 'type']);
    }
  });

  it('keeps time order, registers before use, and follows each event by the snapshot after it', () => {
    const times = events.map((e) => Number(e.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const web = events.filter((e) => e.sessionId === 't:resource:0').map(short);
    expect(web).toEqual([
      'actor web',
      'event xstate.init',
      'snapshot idle',
      'event fetch',
      'snapshot fetching',
      'event xstate.done.actor.fetch',
      'snapshot available',
      'event refetch',
      'snapshot fetching',
      'event xstate.done.actor.fetch',
      'snapshot available',
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ _version: INSPECT_VERSION, id: null, rootId: e.sessionId });
      if (e.type === '@xstate.event' && e.event.type !== 'xstate.init') expect(e.sourceId).toMatch(/^t:hook:\d$/);
    }
  });

  it('uses the original timestamps and rebuilds the context from what each entry holds', () => {
    const snaps = events.filter((e): e is Extract<WireEvent, { type: '@xstate.snapshot' }> => e.type === '@xstate.snapshot' && e.sessionId === 't:resource:0');
    expect(snaps.map((e) => new Date(Number(e.createdAt)).toISOString())).toEqual([
      '2024-05-01T09:00:00.000Z', // registration: its first recorded moment
      ...state.history['web']!.map((h) => h.at),
    ]);
    // An older entry holds no digest: the replay shows none rather than a wrong one.
    expect(snaps[2]!.snapshot.context).toMatchObject({ digest: null, attempts: 1 });
    expect(snaps[2]!.event).toEqual({ type: 'xstate.done.actor.fetch', output: {}, actorId: 'fetch' });
    // The last one reaches the saved state: the saved context, redacted.
    expect(snaps.at(-1)!.snapshot.context).toMatchObject({ changed: true, attempts: 2, image: { password: '<redacted>', auth: '<redacted>' } });
    const bad = events.filter((e) => e.sessionId === 't:resource:1' && e.type === '@xstate.event' && e.event.type.startsWith('xstate.error'));
    expect(bad.map((e) => e.type === '@xstate.event' && e.event)).toEqual([
      expect.objectContaining({ error: { kind: 'missing', reason: expect.stringContaining('for <redacted>') } }),
      expect.objectContaining({ error: { kind: 'missing', reason: expect.stringContaining('for <redacted>') } }),
    ]);
  });

  it('starts a resource whose kept history begins later in the state before it', () => {
    const ctor = events.filter((e) => e.sessionId === 't:resource:2').map(short);
    expect(ctor).toEqual(['actor constructor', 'event xstate.init', 'snapshot failed', 'event retry', 'snapshot fetching', 'event xstate.after.fetchTimeout.resource.fetching', 'snapshot failed']);
  });

  it('replays only the resources named, with the hook runs that touched them', () => {
    const only = buildReplay(resourceReplayActors(state, views, { names: ['constructor'] }).actors);
    expect(only.filter((e) => e.type === '@xstate.actor').map(short)).toEqual(['actor update-status 2024-05-01T09:05:00.000Z', 'actor constructor']);
  });
});

describe('buildReplay of any machine kind', () => {
  it('takes a definition and recorded steps; children name their parent and share its root', () => {
    const layer = createMachine({ id: 'layer', initial: 'planning', states: { planning: { on: { GO: 'done' } }, done: {} } });
    const actors: RecordedActor[] = [
      { key: 'r', name: 'web', definition: resourceMachine.config, parent: 'l', createdAt: 1000, initial: { status: 'active', value: 'idle' }, steps: [] },
      {
        key: 'l',
        name: 'layer',
        definition: layer.config,
        createdAt: 1000,
        initial: { status: 'active', value: 'planning' },
        steps: [{ at: 2000, event: { type: 'GO', password: SENTINEL }, snapshot: { status: 'done', value: 'done', context: { token: 1, auth: SENTINEL } } }],
      },
    ];
    const events = buildReplay(actors, { sessionPrefix: 'p' });
    expect(events.map(short)).toEqual([
      'actor layer', // parents first at equal times
      'event xstate.init',
      'snapshot planning',
      'actor web',
      'event xstate.init',
      'snapshot idle',
      'event GO',
      'snapshot done',
    ]);
    expect(events[3]).toMatchObject({ parentId: 'p:l', rootId: 'p:l', sessionId: 'p:r', definition: encodeDefinition(resourceMachine.config) });
    expect(events[0]).toMatchObject({ definition: encodeDefinition(layer.config), createdAt: '1000' });
    expect(events[6]).toMatchObject({ createdAt: '2000', event: { type: 'GO', password: '<redacted>' } });
    expect(JSON.stringify(events)).not.toContain(SENTINEL);
  });

  it('lets a hook run be replayed as another machine kind (the layer), the resource events naming it as origin', () => {
    const layer = createMachine({ id: 'layer', initial: 'planning', states: { planning: { on: { SETTLED: 'done' } }, done: {} } });
    const { state, views } = hostileState();
    const { actors } = resourceReplayActors(state, views, {
      names: ['web'],
      hookActor: (run, base) => ({
        ...base,
        name: `layer ${run.hook}`,
        definition: layer.config,
        initial: { status: 'active', value: 'planning' },
        steps: [{ at: run.end, event: { type: 'SETTLED' }, snapshot: { status: 'done', value: 'done' } }],
      }),
    });
    const events = buildReplay(actors, { sessionPrefix: 'q' });
    const layers = events.filter((e) => e.type === '@xstate.actor' && e.name.startsWith('layer '));
    expect(layers.map((e) => e.type === '@xstate.actor' && e.definition)).toEqual([encodeDefinition(layer.config), encodeDefinition(layer.config)]);
    const origins = events.filter((e) => e.type === '@xstate.event' && e.sessionId === 'q:resource:0' && e.event.type !== 'xstate.init');
    expect(new Set(origins.map((e) => e.type === '@xstate.event' && e.sourceId))).toEqual(new Set(layers.map((e) => e.sessionId)));
    expect(() => resourceReplayActors(state, views, { hookActor: (_r, base) => ({ ...base, key: 'other' }) })).toThrow('must keep the key');
  });

  it('refuses two actors with one key', () => {
    const a: RecordedActor = { key: 'k', name: 'a', createdAt: 0, initial: { status: 'active' }, steps: [] };
    expect(() => buildReplay([a, { ...a }])).toThrow('share a key');
  });
});
