/**
 * The hook cycle, tested as a model: every path the layer machine can take (xstate/graph), with
 * stub children whose reports are the model's events, checked against the cycle's rules.
 */
import { describe, expect, it } from '@jest/globals';
import { createMachine, initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { getShortestPaths, type StatePath } from 'xstate/graph';
import { announcement, chunked, finalStatus, stateOf, waiting, type LayerContext } from '../../machines/layer.context.js';
import { layerMachine, type LayerEvent } from '../../machines/layer.machine.js';
import type { ResourceState } from '../../machines/resource.machine.js';
import type { Status } from '../../src/status.js';

/** Children that do nothing by themselves: the model's events say what they report. */
const machine = layerMachine.provide({ actors: { resource: createMachine({}) as never } });

const NAMES = ['a', 'b'];

function context(over: Omit<Partial<LayerContext>, 'states'> & { states?: Record<string, ResourceState> } = {}): LayerContext {
  const states = over.states ?? { a: 'idle', b: 'idle' };
  return {
    hook: 'install',
    names: NAMES,
    autoFetch: NAMES,
    verify: [],
    unverified: [],
    queue: [],
    next: 0,
    inFlight: [],
    concurrency: 1,
    setStatus: true,
    status: null,
    statusSetNow: false,
    statusInDoubt: false,
    charmStatus: null,
    autoFetched: false,
    ran: false,
    dirty: false,
    aborted: null,
    wrote: false,
    ...over,
    states: chunked(NAMES.map((n) => states[n] ?? 'idle')),
  };
}

type Snap = AnyMachineSnapshot & { context: LayerContext };

const entered = (name: string, state: ResourceState, fatal = false) =>
  ({
    type: 'resource.entered',
    name,
    state,
    cause: state === 'fetching' ? 'fetch' : state === 'available' ? 'fetched' : 'fetch-failed',
    digest: state === 'available' ? 'sha256:1' : null,
    changed: false,
    attempts: 1,
    failure: state === 'failed' ? { kind: 'missing', reason: 'not attached' } : null,
    fatal,
  }) as const;

const value = (s: Snap) => JSON.stringify(s.value);
const inState = (s: Snap, path: string) => s.matches(path as never);

/**
 * The events the world can send in `s`: the charm's calls, the children's honest reports about what
 * they were asked to do, a fatal report, and the outcomes of the tool actors the state invoked.
 */
function events(s: Snap): LayerEvent[] {
  const c = s.context;
  const out: LayerEvent[] = [{ type: 'run' }, { type: 'commit' }, { type: 'abandon', reason: 'charm code threw' }];
  // The charm asks for a resource once in a hook (asking again only repeats the same steps).
  if (!c.queue.some((q: { name: string }) => q.name === 'b')) out.push({ type: 'fetch', name: 'b' });
  // A child the cycle started reports entering `fetching` (told, nothing changes), then settles.
  for (const name of c.inFlight) out.push(entered(name, 'fetching') as never, entered(name, 'available') as never, entered(name, 'failed') as never);
  if (c.inFlight.length > 0) out.push(entered(c.inFlight[0]!, 'failed', true) as never);
  const setting = inState(s, 'announcing') ? announcement(c) : inState(s, { committing: 'settingStatus' } as never) ? finalStatus(c)?.status : undefined;
  if (setting) {
    out.push({ type: 'xstate.done.actor.status-set', output: setting } as never);
    out.push({ type: 'xstate.error.actor.status-set', error: { failure: 'failed', message: 'exit 1' } } as never);
    out.push({ type: 'xstate.error.actor.status-set', error: { failure: 'not-in-hook', message: 'not found' } } as never);
  }
  if (inState(s, { committing: 'askingStatus' } as never)) {
    const ours = c.status!;
    out.push({ type: 'xstate.done.actor.status-get', output: { status: ours.state, message: ours.message } } as never);
    out.push({ type: 'xstate.done.actor.status-get', output: { status: 'active', message: 'set by the charm' } } as never);
  }
  if (inState(s, { committing: 'writing' } as never)) out.push({ type: 'xstate.done.actor.save', output: true } as never);
  return out;
}

/** A shortest path to every state the cycle can reach from a starting context (breadth-first, states deduplicated). */
function paths(start: LayerContext): Array<StatePath<Snap, LayerEvent>> {
  return getShortestPaths(machine, {
    input: start,
    events: events as never,
    stopWhen: (s) => s.status !== 'active',
    limit: 200_000,
  }) as never;
}

const STATUSES: Array<LayerContext['status']> = [null, { state: 'blocked', message: 'unable to fetch resource: a', owner: 'layer' }];
const STARTS: Array<[string, LayerContext]> = [];
for (const hook of ['install', 'upgrade-charm', 'update-status'])
  for (const states of [{ a: 'idle', b: 'idle' }, { a: 'available', b: 'failed' }] as Array<Record<string, ResourceState>>)
    for (const status of STATUSES)
      for (const concurrency of [1, 2])
        STARTS.push([`${hook} ${JSON.stringify(states)} status=${status?.state ?? 'none'} c=${concurrency}`, context({ hook, states, status, concurrency, autoFetched: states['a'] !== 'idle' })]);
STARTS.push(['after a killed hook', context({ hook: 'update-status', states: { a: 'available', b: 'available' }, autoFetched: true, statusInDoubt: true })]);
STARTS.push(['a charm status, and a layer status from an earlier hook', context({ hook: 'update-status', states: { a: 'failed', b: 'available' }, autoFetched: true, status: STATUSES[1]!, charmStatus: { state: 'active', message: 'ready' } })]);

describe('layer machine: every path of a hook keeps the rules', () => {
  const outcomes = { paths: 0, states: 0, done: 0, aborted: 0 };

  it.each(STARTS)('%s', (_, start) => {
    const found = paths(start);
    expect(found.length).toBeGreaterThan(0);
    for (const path of found) {
      outcomes.paths++;
      const states = [...path.steps.map((s) => s.state as Snap)];
      const visited = states.map(value);
      let fatal = false;
      for (const [i, s] of states.entries()) {
        outcomes.states++;
        const c = s.context;
        // At most `concurrency` children fetching, each resource queued or fetching once at most.
        expect(c.inFlight.length).toBeLessThanOrEqual(c.concurrency);
        const busy = [...c.inFlight, ...waiting(c).map((q) => q.name)];
        expect(new Set(busy).size).toBe(busy.length);
        const event = path.steps[i]!.event as { type: string; fatal?: boolean; error?: { failure?: string } };
        if (event.fatal || event.error?.failure === 'not-in-hook') fatal = true;
        if (fatal) expect(inState(s, 'aborted')).toBe(true);
      }
      const last = states.at(-1)!;
      // A status-set at most once per phase: before fetching, and at the end.
      expect(visited.filter((v) => v === '"announcing"').length).toBeLessThanOrEqual(1);
      expect(visited.filter((v) => v === '{"committing":"settingStatus"}').length).toBeLessThanOrEqual(1);
      // The state is written at most once, and only when something changed.
      const writes = visited.filter((v) => v === '{"committing":"writing"}').length;
      expect(writes).toBeLessThanOrEqual(1);
      if (writes === 1) expect(states.find((s) => inState(s, { committing: 'writing' } as never))!.context.dirty).toBe(true);
      if (last.status !== 'done') continue;
      // The hook ends in exactly one of done and aborted; an aborted hook writes nothing.
      expect(inState(last, 'done') !== inState(last, 'aborted')).toBe(true);
      if (inState(last, 'aborted')) {
        outcomes.aborted++;
        expect(last.context.wrote).toBe(false);
        expect(last.output).toEqual({ wrote: false, aborted: expect.any(String) });
        continue;
      }
      outcomes.done++;
      // Never stale: when every status-set succeeded and the unit still showed the layer's status,
      // the hook ends with nothing left to set; and a dirty context was written.
      const toolFailed = path.steps.some((s) => s.event.type.startsWith('xstate.error.actor.'));
      const charmHadIt = path.steps.some((s) => (s.event as { output?: { message?: string } }).output?.message === 'set by the charm');
      if (!toolFailed && !charmHadIt) expect(finalStatus(last.context)).toBeNull();
      expect(last.context.wrote).toBe(last.context.dirty);
    }
  });

  it('covered whole hooks, ending both ways', () => {
    expect(outcomes.done).toBeGreaterThan(100);
    expect(outcomes.aborted).toBeGreaterThan(100);
    expect(outcomes.states).toBeGreaterThan(outcomes.paths);
  });
});

describe('layer machine: single steps', () => {
  const start = (over: Parameters<typeof context>[0] = {}) => initialTransition(machine, context(over))[0] as Snap;
  const step = (s: Snap, ...events: LayerEvent[]) => events.reduce((acc, e) => transition(machine, acc, e)[0] as Snap, s);

  it('starts open, with one child per resource registered under its name', () => {
    const s = start();
    expect(s.value).toBe('open');
    expect(Object.keys(s.children).sort()).toEqual(NAMES);
  });

  it('run plans auto-fetch, announces maintenance, then fetches one at a time', () => {
    const s = step(start(), { type: 'run' });
    expect(s.value).toBe('announcing');
    const fetching = step(s, { type: 'xstate.done.actor.status-set', output: announcement(s.context) } as never);
    expect(fetching.value).toBe('fetching');
    expect(waiting(fetching.context)).toEqual([{ name: 'b', event: 'fetch' }]);
    expect(fetching.context).toMatchObject({ inFlight: ['a'], status: { state: 'maintenance', message: 'fetching resources: a, b', owner: 'layer' } });
  });

  it('a second run is ignored once the plan is made', () => {
    const s = step(start({ autoFetch: [] }), { type: 'run' });
    expect(s.value).toBe('settled');
    expect(step(s, { type: 'run' })).toEqual(s);
  });

  it('retries only: no maintenance status, the blocked one stays until they succeed', () => {
    const s = step(start({ hook: 'update-status', states: { a: 'failed', b: 'available' }, autoFetched: true, status: STATUSES[1]! }), { type: 'run' });
    expect(s.value).toBe('fetching');
    expect(waiting(s.context)).toEqual([]);
    expect(s.context.inFlight).toEqual(['a']);
  });

  it('a child entering fetching for a fetch the cycle started is told, and changes nothing else', () => {
    const s = step(start({ hook: 'update-status', states: { a: 'failed', b: 'available' }, autoFetched: true, status: STATUSES[1]! }), { type: 'run' });
    expect(s.context.inFlight).toEqual(['a']);
    expect(stateOf(s.context, 'a')).toBe('fetching');
    const [entering, told] = transition(machine, s, entered('a', 'fetching') as never);
    expect(entering.context).toBe(s.context);
    const notified = (actions: typeof told) => actions.filter((a) => a.type === 'notifyTransition').map((a) => a.params);
    expect(notified(told)).toEqual([expect.objectContaining({ name: 'a', from: 'failed', to: 'fetching', cause: 'fetch' })]);
    const [settled, toldSettled] = transition(machine, entering, entered('a', 'available') as never);
    expect(settled.value).toBe('settled');
    expect(settled.context.inFlight).toEqual([]);
    expect(stateOf(settled.context, 'a')).toBe('available');
    expect(notified(toldSettled)).toEqual([expect.objectContaining({ name: 'a', from: 'fetching', to: 'available' })]);
  });

  it('a child sent a fetch by someone else is counted in flight from its report, and the cycle waits for it', () => {
    const s = start({ hook: 'update-status', states: { a: 'available', b: 'idle' }, autoFetched: true });
    const [entering, told] = transition(machine, s, entered('b', 'fetching') as never);
    expect(entering.value).toBe('fetching');
    expect(entering.context.inFlight).toEqual(['b']);
    expect(stateOf(entering.context, 'b')).toBe('fetching');
    expect(told.filter((a) => a.type === 'notifyTransition').map((a) => a.params)).toEqual([expect.objectContaining({ name: 'b', from: 'idle', to: 'fetching' })]);
    expect(step(entering, { type: 'commit' }).value).toBe('fetching');
    const settled = step(entering, entered('b', 'failed') as never);
    expect(settled.value).toBe('settled');
    expect(stateOf(settled.context, 'b')).toBe('failed');
  });

  it('clearing a status set in an earlier hook asks the unit first, and leaves a status the charm set since', () => {
    const idle = start({ hook: 'update-status', states: { a: 'available', b: 'available' }, autoFetched: true, status: STATUSES[1]! });
    const asking = step(idle, { type: 'commit' });
    expect(asking.value).toEqual({ committing: 'askingStatus' });
    const left = step(asking, { type: 'xstate.done.actor.status-get', output: { status: 'active', message: 'ready' } } as never);
    expect(left.value).toEqual({ committing: 'writing' });
    expect(left.context.status).toBeNull();
    const cleared = step(asking, { type: 'xstate.done.actor.status-get', output: { status: 'blocked', message: 'unable to fetch resource: a' } } as never);
    expect(cleared.value).toEqual({ committing: 'settingStatus' });
  });

  it('the charm status competes by priority and is kept as the charm’s', () => {
    const charm: Status = { state: 'waiting', message: 'waiting for db' };
    const s = step(start({ autoFetch: [] }), { type: 'charm-status', status: charm }, { type: 'commit' });
    expect(s.value).toEqual({ committing: 'settingStatus' });
    const set = step(s, { type: 'xstate.done.actor.status-set', output: charm } as never);
    expect(set.context.status).toEqual({ ...charm, owner: 'charm' });
    expect(set.context.charmStatus).toEqual(charm);
  });
});
