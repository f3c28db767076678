import { describe, expect, it } from '@jest/globals';
import { createActor, fromPromise, initialTransition, transition, waitFor } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import {
  resourceMachine,
  toFailure,
  type FetchInput,
  type FetchOutput,
  type ResourceContext,
} from '../../machines/resource.machine.js';

const imageA = { registryPath: 'registry.example/app@sha256:' + 'a'.repeat(64), username: 'u', password: 'p' };
const imageB = { registryPath: 'registry.example/app@sha256:' + 'b'.repeat(64), username: 'u', password: 'p' };
const done = (image: typeof imageA, digest: string) =>
  ({ type: 'xstate.done.actor.fetch', output: { image, digest } }) as never;
const error = (kind: string, reason: string) =>
  ({ type: 'xstate.error.actor.fetch', error: { kind, reason } }) as never;
const timeout = { type: 'xstate.after.fetchTimeout.resource.fetching' } as never;

function step(events: unknown[]) {
  let [snapshot] = initialTransition(resourceMachine, { name: 'web' });
  for (const event of events) [snapshot] = transition(resourceMachine, snapshot, event as never);
  return snapshot;
}

describe('resource machine: pure transitions', () => {
  it('starts idle and not requested', () => {
    const s = step([]);
    expect(s.value).toBe('idle');
    expect(s.context).toMatchObject({ name: 'web', requested: false, image: null, attempts: 0 });
  });

  it('fetch from idle starts fetching and marks the resource requested', () => {
    const s = step([{ type: 'fetch' }]);
    expect(s.value).toBe('fetching');
    expect(s.context).toMatchObject({ requested: true, attempts: 1 });
  });

  it('refetch and retry do nothing to a resource never requested', () => {
    expect(step([{ type: 'refetch' }]).value).toBe('idle');
    expect(step([{ type: 'retry' }]).value).toBe('idle');
  });

  it('a successful fetch makes the resource available with its image, not changed', () => {
    const s = step([{ type: 'fetch' }, done(imageA, 'd1')]);
    expect(s.value).toBe('available');
    expect(s.context).toMatchObject({ image: imageA, digest: 'd1', changed: false, failure: null });
  });

  it('refetching an available resource with new content sets changed; same content does not', () => {
    const changed = step([{ type: 'fetch' }, done(imageA, 'd1'), { type: 'refetch' }, done(imageB, 'd2')]);
    expect(changed.context).toMatchObject({ changed: true, image: imageB, digest: 'd2' });
    const same = step([{ type: 'fetch' }, done(imageA, 'd1'), { type: 'refetch' }, done(imageA, 'd1')]);
    expect(same.context.changed).toBe(false);
  });

  it('changed lasts until the next fetch starts', () => {
    const s = step([{ type: 'fetch' }, done(imageA, 'd1'), { type: 'refetch' }, done(imageB, 'd2'), { type: 'fetch' }]);
    expect(s.value).toBe('fetching');
    expect(s.context.changed).toBe(false);
  });

  it('a failure drops the image, clears changed and keeps the kind and reason', () => {
    const s = step([
      { type: 'fetch' },
      done(imageA, 'd1'),
      { type: 'refetch' },
      done(imageB, 'd2'),
      { type: 'refetch' },
      error('invalid', 'no registrypath'),
    ]);
    expect(s.value).toBe('failed');
    expect(s.context).toMatchObject({
      image: null,
      digest: null,
      changed: false,
      failure: { kind: 'invalid', reason: 'no registrypath' },
      failuresInARow: 1,
    });
  });

  it('content that comes back after a failure is not "changed" (the previous info was dropped)', () => {
    const s = step([{ type: 'fetch' }, done(imageA, 'd1'), { type: 'fetch' }, error('missing', 'gone'), { type: 'retry' }, done(imageB, 'd2')]);
    expect(s.value).toBe('available');
    expect(s.context.changed).toBe(false);
  });

  it('retry only leaves failed', () => {
    expect(step([{ type: 'fetch' }, done(imageA, 'd1'), { type: 'retry' }]).value).toBe('available');
    expect(step([{ type: 'fetch' }, error('missing', 'x'), { type: 'retry' }]).value).toBe('fetching');
  });

  it('the time limit fails the fetch as a timeout', () => {
    const s = step([{ type: 'fetch' }, timeout]);
    expect(s.value).toBe('failed');
    expect(s.context.failure?.kind).toBe('timeout');
    expect(s.context.failure?.reason).toMatch(/timed out/);
  });

  it('fetch while fetching is ignored (one fetch at a time)', () => {
    const s = step([{ type: 'fetch' }, { type: 'fetch' }]);
    expect(s.value).toBe('fetching');
    expect(s.context.attempts).toBe(1);
  });
});

describe('toFailure', () => {
  it('keeps a known kind and its reason', () => {
    expect(toFailure({ kind: 'invalid', reason: 'bad' })).toEqual({ kind: 'invalid', reason: 'bad' });
  });
  it('treats anything else as missing, with its message', () => {
    expect(toFailure(new Error('resource-get failed (exit 1)'))).toEqual({
      kind: 'missing',
      reason: 'resource-get failed (exit 1)',
    });
    expect(toFailure('boom')).toEqual({ kind: 'missing', reason: 'boom' });
  });
});

describe('resource machine: running actors', () => {
  const provideFetch = (impl: (input: FetchInput) => Promise<FetchOutput>, timeoutMs = 1000) =>
    resourceMachine.provide({
      actors: { fetchImage: fromPromise<FetchOutput, FetchInput>(({ input }) => impl(input)) },
      delays: { fetchTimeout: timeoutMs },
    });

  it('fetches through the provided actor and settles available', async () => {
    const seen: string[] = [];
    const actor = createActor(
      provideFetch(async ({ name }) => {
        seen.push(name);
        return { image: imageA, digest: 'd1' };
      }),
      { input: { name: 'web' } },
    ).start();
    actor.send({ type: 'fetch' });
    const s = await waitFor(actor, (snap) => snap.matches('available'));
    expect(seen).toEqual(['web']);
    expect(s.context.image).toEqual(imageA);
    actor.stop();
  });

  it('settles failed with the thrown error kind', async () => {
    const actor = createActor(
      provideFetch(async () => {
        throw Object.assign(new Error('bad'), { kind: 'invalid', reason: 'registrypath is missing' });
      }),
      { input: { name: 'web' } },
    ).start();
    actor.send({ type: 'fetch' });
    const s = await waitFor(actor, (snap) => snap.matches('failed'));
    expect(s.context.failure).toEqual({ kind: 'invalid', reason: 'registrypath is missing' });
    actor.stop();
  });

  it('aborts a fetch that outlives the time limit and fails it as a timeout', async () => {
    let aborted = false;
    const machine = resourceMachine.provide({
      actors: {
        fetchImage: fromPromise<FetchOutput, FetchInput>(
          ({ signal }) =>
            new Promise((_, reject) => {
              signal.addEventListener('abort', () => {
                aborted = true;
                reject(new Error('aborted'));
              });
            }),
        ),
      },
      delays: { fetchTimeout: 20 },
    });
    const actor = createActor(machine, { input: { name: 'web' } }).start();
    actor.send({ type: 'fetch' });
    const s = await waitFor(actor, (snap) => snap.matches('failed'));
    expect(s.context.failure?.kind).toBe('timeout');
    expect(aborted).toBe(true);
    actor.stop();
  });

  it('a settled snapshot is plain JSON and restores to the same state in a new actor', async () => {
    const actor = createActor(
      provideFetch(async () => ({ image: imageA, digest: 'd1' })),
      { input: { name: 'web' } },
    ).start();
    actor.send({ type: 'fetch' });
    await waitFor(actor, (snap) => snap.matches('available'));
    const json = JSON.stringify(actor.getPersistedSnapshot());
    actor.stop();

    const restored = createActor(resourceMachine, { snapshot: JSON.parse(json), input: { name: 'web' } }).start();
    const s = restored.getSnapshot();
    expect(s.status).toBe('active');
    expect(s.value).toBe('available');
    expect(s.context).toEqual(JSON.parse(json).context);
    restored.stop();
  });

  it('a snapshot of a state that no longer exists restores with status "error"', () => {
    const bogus = { ...resourceMachine.getPersistedSnapshot(step([])), value: 'vanished' };
    const actor = createActor(resourceMachine, { snapshot: bogus as never, input: { name: 'web' } });
    const errors: unknown[] = [];
    actor.subscribe({ error: (e) => errors.push(e) });
    actor.start();
    expect(actor.getSnapshot().status).toBe('error');
  });
});

describe('resource machine: every path up to a fixed depth keeps the invariants', () => {
  const events = [
    { type: 'fetch' },
    { type: 'refetch' },
    { type: 'retry' },
    done(imageA, 'd1'),
    done(imageB, 'd2'),
    error('missing', 'not attached'),
    error('invalid', 'bad registrypath'),
    timeout,
  ] as never[];

  function checkInvariants(value: string, c: ResourceContext) {
    expect(value === 'available').toBe(c.image !== null);
    if (value === 'failed') {
      expect(c.image).toBeNull();
      expect(c.failure?.reason).toEqual(expect.any(String));
    }
    if (c.changed) expect(value).toBe('available');
    if (!c.requested) expect(value).toBe('idle');
    if (value === 'available') expect(c.digest).not.toBeNull();
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  }

  it('walks every simple path of up to 3 fetches and checks each reached state', () => {
    const paths = getSimplePaths(resourceMachine, {
      input: { name: 'web' },
      events,
      stopWhen: (s) => s.context.attempts >= 3,
    });
    let reached = 0;
    const values = new Set<string>();
    for (const path of paths) {
      for (const { state } of path.steps) {
        checkInvariants(state.value as string, state.context);
        values.add(state.value as string);
        reached++;
      }
    }
    expect(paths.length).toBeGreaterThan(100);
    expect(reached).toBeGreaterThan(paths.length);
    expect([...values].sort()).toEqual(['available', 'failed', 'fetching', 'idle']);
  });
});
