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
import { lifecycleState } from '../../machines/resource.events.js';
import { accepts } from '../../machines/layer.context.js';

const imageA = { registryPath: 'registry.example/app@sha256:' + 'a'.repeat(64), username: 'u', password: 'p' };
const imageB = { registryPath: 'registry.example/app@sha256:' + 'b'.repeat(64), username: 'u', password: 'p' };
const done = (image: typeof imageA, digest: string) =>
  ({ type: 'xstate.done.actor.fetch', output: { image, digest } }) as never;
const error = (kind: string, reason: string) =>
  ({ type: 'xstate.error.actor.fetch', error: { kind, reason } }) as never;
const timeout = { type: 'xstate.after.fetchTimeout.resource.fetching' } as never;

/** The snapshot after these events, with its state value reduced to the lifecycle state (`fetching`, not `{ fetching: 'reading' }`). */
function step(events: unknown[]) {
  let [snapshot] = initialTransition(resourceMachine, { name: 'web' });
  for (const event of events) [snapshot] = transition(resourceMachine, snapshot, event as never);
  return Object.assign(Object.create(snapshot) as typeof snapshot, { value: lifecycleState(snapshot.value as never), raw: snapshot });
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

describe('resource machine: asking the registry (verify)', () => {
  const verified = (output: unknown) => ({ type: 'xstate.done.actor.verify', output }) as never;

  it('a fetch with verify reads the file, then asks the registry before it is available', () => {
    const s = step([{ type: 'fetch', verify: true }, done(imageA, 'd1')]);
    expect(s.raw.value).toEqual({ fetching: 'verifying' });
    expect(s.context.pending).toEqual({ image: imageA, digest: 'd1' });
    expect(s.context.image).toBeNull();
  });

  it('found: available with the registry digest; a clear refusal: failed with its kind', () => {
    const found = step([{ type: 'fetch', verify: true }, done(imageA, 'd1'), verified({ result: 'found', digest: 'sha256:r' })]);
    expect(found.value).toBe('available');
    expect(found.context).toMatchObject({ image: imageA, digest: 'd1', registryDigest: 'sha256:r', unverified: null, pending: null });
    const refused = step([{ type: 'fetch', verify: true }, done(imageA, 'd1'), verified({ result: 'failed', kind: 'auth-failed', reason: 'registry rejected credentials for r.example/app' })]);
    expect(refused.value).toBe('failed');
    expect(refused.context).toMatchObject({ image: null, pending: null, failure: { kind: 'auth-failed', reason: 'registry rejected credentials for r.example/app' } });
  });

  it('no clear answer: available but unverified, and asked again on reverify with the same image', () => {
    const unsure = step([{ type: 'fetch', verify: true }, done(imageA, 'd1'), verified({ result: 'unverified', reason: 'registry unreachable' })]);
    expect(unsure.value).toBe('available');
    expect(unsure.context).toMatchObject({ image: imageA, unverified: 'registry unreachable' });
    const again = step([{ type: 'fetch', verify: true }, done(imageA, 'd1'), verified({ result: 'unverified', reason: 'x' }), { type: 'reverify' }]);
    expect(again.raw.value).toEqual({ fetching: 'verifying' });
    expect(again.context.pending).toEqual({ image: imageA, digest: 'd1' });
    const confirmed = step([{ type: 'fetch', verify: true }, done(imageA, 'd1'), verified({ result: 'unverified', reason: 'x' }), { type: 'reverify' }, verified({ result: 'found', digest: 'sha256:r' })]);
    expect(confirmed.context).toMatchObject({ image: imageA, digest: 'd1', changed: false, unverified: null, registryDigest: 'sha256:r' });
  });

  it('reverify does nothing to an image the registry confirmed, or one never verified', () => {
    expect(step([{ type: 'fetch', verify: true }, done(imageA, 'd1'), verified({ result: 'found', digest: 'r' }), { type: 'reverify' }]).value).toBe('available');
    expect(step([{ type: 'fetch' }, done(imageA, 'd1'), { type: 'reverify' }]).value).toBe('available');
  });

  it('the time limit covers the registry too', () => {
    const s = step([{ type: 'fetch', verify: true }, done(imageA, 'd1'), timeout]);
    expect(s.value).toBe('failed');
    expect(s.context.failure?.kind).toBe('timeout');
    expect(s.context.pending).toBeNull();
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
    { type: 'fetch', verify: true },
    { type: 'reverify' },
    { type: 'xstate.done.actor.verify', output: { result: 'found', digest: 'sha256:r' } },
    { type: 'xstate.done.actor.verify', output: { result: 'failed', kind: 'tag-not-found', reason: 'no tag' } },
    { type: 'xstate.done.actor.verify', output: { result: 'unverified', reason: 'unreachable' } },
  ] as never[];

  function checkInvariants(value: string, c: ResourceContext) {
    expect(value === 'available').toBe(c.image !== null);
    if (value === 'failed') {
      expect(c.image).toBeNull();
      expect(c.failure?.reason).toEqual(expect.any(String));
    }
    // changed lasts until the next fetch of content starts: asking the registry again keeps it.
    if (c.changed) expect(value === 'available' || (value === 'fetching' && c.pending !== null)).toBe(true);
    if (!c.requested) expect(value).toBe('idle');
    if (value === 'available') expect(c.digest).not.toBeNull();
    if (value !== 'fetching') expect(c.pending ?? null).toBeNull();
    if (c.unverified) expect(value === 'available' || value === 'fetching').toBe(true);
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
        const value = lifecycleState(state.value as never) as string;
        checkInvariants(value, state.context);
        values.add(value);
        reached++;
      }
    }
    expect(paths.length).toBeGreaterThan(100);
    expect(reached).toBeGreaterThan(paths.length);
    expect([...values].sort()).toEqual(['available', 'failed', 'fetching', 'idle']);
  });
});

describe("the layer's queue rules agree with the resource machine", () => {
  it('accepts(state, event) is true exactly when the machine in that state goes to fetching on the event', () => {
    const events = ['fetch', 'refetch', 'retry', 'reverify'] as const;
    const table: string[] = [];
    for (const value of ['idle', 'available', 'failed', { fetching: 'reading' }, { fetching: 'verifying' }] as const) {
      // An unverified image with its digest: the one case in which reverify goes anywhere (plan queues reverify for no other).
      const context = { ...step([]).raw.context, image: imageA, digest: 'sha256:' + 'a'.repeat(64), unverified: 'no answer' } as ResourceContext;
      const snapshot = resourceMachine.resolveState({ value, context } as never);
      const state = lifecycleState(value as never);
      for (const type of events) {
        const [next] = transition(resourceMachine, snapshot, { type } as never);
        const moves = lifecycleState(next.value as never) === 'fetching' && state !== 'fetching';
        table.push(`${state} ${type}: ${accepts(state, type) === moves ? 'agree' : `accepts ${accepts(state, type)}, machine ${moves}`}`);
      }
    }
    expect(table.filter((row) => !row.endsWith('agree'))).toEqual([]);
    expect(table).toHaveLength(20);
  });
});
