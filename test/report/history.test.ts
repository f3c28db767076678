/** Reading recorded history (both entry formats) and grouping it into hook runs. */
import { describe, expect, it } from '@jest/globals';
import { readSteps, type Step } from '../../src/report/history.js';
import { MAX_REASON_LENGTH as MAX_REASON } from '../../src/text.js';
import { groupHookRuns, NEW_RUN_GAP_MS } from '../../src/report/hook-runs.js';

const T0 = Date.parse('2024-05-01T09:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('readSteps', () => {
  it('maps the older XState event names to the domain names', () => {
    const old = [
      { at: at(0), hook: 'install', from: 'idle', to: 'fetching', event: 'FETCH' },
      { at: at(1), hook: 'install', from: 'fetching', to: 'failed', event: 'xstate.error.actor.fetch', reason: 'not attached' },
      { at: at(2), hook: 'update-status', from: 'failed', to: 'fetching', event: 'RETRY' },
      { at: at(3), hook: 'update-status', from: 'fetching', to: 'failed', event: 'xstate.after.fetchTimeout.resource.fetching' },
      { at: at(4), hook: 'upgrade-charm', from: 'failed', to: 'fetching', event: 'REFETCH' },
      { at: at(5), hook: 'upgrade-charm', from: 'fetching', to: 'available', event: 'xstate.done.actor.fetch' },
    ];
    const steps = readSteps('web', old);
    expect(steps.map((s) => s.event)).toEqual(['fetch', 'fetch-failed', 'retry', 'timed-out', 'refetch', 'fetched']);
    expect(steps[1]).toMatchObject({ reason: 'not attached', time: T0 + 1 });
    expect(steps[1]!.kind).toBeUndefined();
    // A time limit is the one failure kind an older entry tells by its event.
    expect(steps[3]!.kind).toBe('timeout');
  });

  it('keeps the fields of the current format', () => {
    const [step] = readSteps('web', [
      { at: at(0), hook: 'install', from: 'fetching', to: 'available', event: 'fetched', digest: 'sha256:ab', changed: true, attempts: 3 },
    ]);
    expect(step).toEqual({
      at: at(0),
      time: T0,
      hook: 'install',
      from: 'fetching',
      to: 'available',
      event: 'fetched',
      digest: 'sha256:ab',
      changed: true,
      attempts: 3,
    } satisfies Step);
  });

  it('leaves out unusable entries with one warning that counts them, and bounds what it keeps', () => {
    const warnings: string[] = [];
    const steps = readSteps(
      'web',
      [
        null,
        { at: 'yesterday', from: 'idle', to: 'fetching', event: 'fetch' },
        { at: at(0), from: 'idle', to: 'exploded', event: 'fetch' },
        { at: at(1), from: 'idle', to: 'fetching', event: 'fetch', kind: 'Not A Kind', attempts: -1, changed: 'yes' },
        { at: at(2), hook: 'install', from: 'fetching', to: 'failed', event: 'fetch-failed', reason: 'x'.repeat(5000) },
      ],
      warnings,
    );
    expect(steps).toHaveLength(2);
    expect(steps[0]).toEqual({ at: at(1), time: T0 + 1, hook: null, from: 'idle', to: 'fetching', event: 'fetch' });
    expect(steps[1]!.reason).toHaveLength(MAX_REASON);
    expect(steps[1]!.reason!.endsWith('…')).toBe(true);
    expect(warnings).toEqual(['history of resource "web": 3 unusable entries left out (1 not an object, 1 no valid time, 1 unknown state)']);
    expect(readSteps('web', { not: 'a list' }, warnings)).toEqual([]);
    expect(warnings[1]).toContain('not a list');
  });
});

/** A step of `from → to` at `ms`, in `hook`. */
const step = (ms: number, hook: string, from: Step['from'], to: Step['to']): Step => ({
  at: at(ms),
  time: T0 + ms,
  hook,
  from,
  to,
  event: 'x',
});

describe('groupHookRuns', () => {
  it('starts a run when the hook changes, when a resource starts again, or when a start comes long after the run settled', () => {
    const web = [
      step(0, 'install', 'idle', 'fetching'),
      step(10, 'install', 'fetching', 'failed'),
      step(60_000, 'update-status', 'failed', 'fetching'),
      step(60_010, 'update-status', 'fetching', 'failed'),
      step(60_020, 'update-status', 'failed', 'fetching'), // the same resource again: another update-status
      step(60_030, 'update-status', 'fetching', 'available'),
    ];
    const db = [
      step(5, 'install', 'idle', 'fetching'),
      step(20, 'install', 'fetching', 'available'),
      step(60_030 + NEW_RUN_GAP_MS + 1, 'update-status', 'available', 'fetching'), // long after: another run
      step(60_030 + NEW_RUN_GAP_MS + 2, 'update-status', 'fetching', 'available'),
    ];
    const { runs, runOf } = groupHookRuns(new Map([['web', web], ['db', db]]));
    expect(runs.map((r) => r.hook)).toEqual(['install', 'update-status', 'update-status', 'update-status']);
    expect(runs.map((r) => [r.start - T0, r.end - T0])).toEqual([
      [0, 20],
      [60_000, 60_010],
      [60_020, 60_030],
      [60_030 + NEW_RUN_GAP_MS + 1, 60_030 + NEW_RUN_GAP_MS + 2],
    ]);
    expect(runOf.get('web')).toEqual([0, 0, 1, 1, 2, 2]);
    expect(runOf.get('db')).toEqual([0, 0, 3, 3]);
  });

  it('keeps a start that follows a settle at once in the same run (the concurrency bound)', () => {
    const a = [step(0, 'install', 'idle', 'fetching'), step(100, 'install', 'fetching', 'available')];
    const b = [step(101, 'install', 'idle', 'fetching'), step(200, 'install', 'fetching', 'available')];
    expect(groupHookRuns(new Map([['a', a], ['b', b]])).runs).toHaveLength(1);
  });

  it('takes resource names as plain keys (a resource may be called "constructor")', () => {
    const { runOf } = groupHookRuns(new Map([['constructor', [step(0, 'install', 'idle', 'fetching')]]]));
    expect(runOf.get('constructor')).toEqual([0]);
  });
});
