/**
 * Model check: random sequences of hooks (install, update-status, upgrade-charm, config-changed) and
 * tool outcomes (attach valid, attach a new valid image, attach invalid, detach, empty), run through the
 * harness; after every hook the flags and the unit status must match a small reference model written
 * from docs/BEHAVIOUR.md §2–§4.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createHarness } from '../../src/testing/index.js';
import { imageYaml, recordFigures, SECRET } from './support.js';

const NAMES = ['web', 'db'] as const;
type Name = (typeof NAMES)[number];
type Outcome = 'valid' | 'new-valid' | 'invalid' | 'detach' | 'empty';
const HOOKS = ['install', 'update-status', 'upgrade-charm', 'config-changed'] as const;

/** What the controller serves for a resource: content, or nothing. */
type Served = { kind: 'image'; content: string } | { kind: 'invalid' } | { kind: 'missing' };

/** The reference model of one resource (docs/BEHAVIOUR.md §2). */
interface ModelResource {
  state: 'idle' | 'available' | 'failed';
  requested: boolean;
  /** The content that made it available (compare content, not files). */
  content: string | null;
  changed: boolean;
}

interface Model {
  resources: Record<Name, ModelResource>;
  served: Record<Name, Served>;
  version: Record<Name, number>;
  autoFetched: boolean;
  /** The unit's status as Juju shows it, and what the layer last set. */
  unit: { state: string; message: string } | undefined;
  lastSet: { state: string; message: string } | null;
}

const list = (verb: string, names: string[]) => `${verb} ${names.length === 1 ? 'resource' : 'resources'}: ${names.join(', ')}`;
const same = (a: { state: string; message: string } | null | undefined, b: { state: string; message: string } | null | undefined) =>
  !!a && !!b && a.state === b.state && a.message === b.message;

/** §2–§4 for one hook, on the model. */
function modelHook(m: Model, hook: string): void {
  const setStatus = (s: { state: string; message: string }) => {
    if (same(m.lastSet, s)) return; // at most once per phase, not at all when it would not change
    m.unit = s;
    m.lastSet = s;
  };
  // which resources get fetched: auto-fetch of never-requested ones, refetch on upgrade-charm, retry of failed ones
  const fetch = NAMES.filter((n) => {
    const r = m.resources[n];
    if (r.state === 'idle' || r.state === 'failed') return true; // auto-fetch (all are auto-fetch here), retry
    return hook === 'upgrade-charm'; // refetch of every requested resource
  });
  const failedBefore = NAMES.filter((n) => m.resources[n].state === 'failed');
  const fresh = fetch.filter((n) => m.resources[n].state !== 'failed');
  // one status before fetching: blocked if something failed, else maintenance naming what is fetched
  if (fetch.length > 0) {
    if (failedBefore.length > 0) setStatus({ state: 'blocked', message: list('unable to fetch', failedBefore) });
    else if (fresh.length > 0) setStatus({ state: 'maintenance', message: list('fetching', fresh) });
  }
  for (const n of fetch) {
    const r = m.resources[n];
    const served = m.served[n];
    r.requested = true;
    if (served.kind === 'image') {
      r.changed = r.state === 'available' && r.content !== served.content;
      r.state = 'available';
      r.content = served.content;
    } else {
      r.state = 'failed';
      r.content = null;
      r.changed = false;
    }
  }
  m.autoFetched = true;
  const failed = NAMES.filter((n) => m.resources[n].state === 'failed');
  if (failed.length > 0) setStatus({ state: 'blocked', message: list('unable to fetch', failed) });
  else if (m.lastSet && m.lastSet.state !== 'active') setStatus({ state: 'active', message: '' });
}

/** §3, written out from the spec. */
function modelFlags(m: Model): string[] {
  const flags: string[] = [];
  for (const n of NAMES) {
    const r = m.resources[n];
    if (r.requested) flags.push(`layer.docker-resource.${n}.fetched`);
    if (r.state === 'available') flags.push(`layer.docker-resource.${n}.available`);
    if (r.state === 'failed') flags.push(`layer.docker-resource.${n}.failed`);
    if (r.state === 'available' && r.changed) flags.push(`layer.docker-resource.${n}.changed`);
  }
  if (NAMES.some((n) => m.resources[n].requested && m.resources[n].state !== 'available')) flags.push('layer.docker-resource.pending');
  if (m.autoFetched) flags.push('layer.docker-resource.auto-fetched');
  return flags.sort();
}

const step = fc.record({
  outcomes: fc.array(fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom<Outcome>('valid', 'new-valid', 'invalid', 'detach', 'empty')), {
    maxLength: 2,
  }),
  hook: fc.constantFrom(...HOOKS),
});

describe('model check: random hooks and tool outcomes against a reference model of §2–§4', () => {
  it('flags and unit status match the model after every hook', async () => {
    let hooksRun = 0;
    const sequences = fc.array(step, { minLength: 1, maxLength: 7 });
    /** Runs one sequence beside the model; with `strict`, the first mismatch fails it (for fast-check to shrink). */
    const run = async (steps: Array<{ outcomes: Array<[Name, Outcome]>; hook: (typeof HOOKS)[number] }>, strict: boolean): Promise<string | null> => {
      const h = createHarness({ resources: { web: { type: 'oci-image', 'auto-fetch': true }, db: { type: 'oci-image', 'auto-fetch': true } } });
      const m: Model = {
        resources: {
          web: { state: 'idle', requested: false, content: null, changed: false },
          db: { state: 'idle', requested: false, content: null, changed: false },
        },
        served: { web: { kind: 'missing' }, db: { kind: 'missing' } },
        version: { web: 1, db: 1 },
        autoFetched: false,
        unit: undefined,
        lastSet: null,
      };
      try {
        for (const { outcomes, hook } of steps) {
          for (const [name, outcome] of outcomes) {
            if (outcome === 'new-valid') m.version[name]++;
            if (outcome === 'valid' || outcome === 'new-valid') {
              const content = imageYaml(`${name}-${m.version[name]}`);
              h.attach(name, content);
              m.served[name] = { kind: 'image', content };
            } else if (outcome === 'invalid') {
              h.attach(name, `registrypath: "NOT a valid reference"\npassword: ${SECRET}\n`);
              m.served[name] = { kind: 'invalid' };
            } else if (outcome === 'empty') {
              h.attach(name, '');
              m.served[name] = { kind: 'missing' };
            } else {
              h.juju.detach(name);
              m.served[name] = { kind: 'missing' };
            }
          }
          const summary = await h.hook(hook);
          hooksRun++;
          modelHook(m, hook);
          if (strict) {
            expect(summary.flags).toEqual(modelFlags(m));
            expect(h.juju.status).toEqual(m.unit);
          } else if (JSON.stringify(summary.flags) !== JSON.stringify(modelFlags(m)) || JSON.stringify(h.juju.status) !== JSON.stringify(m.unit)) {
            return `after ${hooksRun} hooks: flags ${JSON.stringify(summary.flags)}, status ${JSON.stringify(h.juju.status)}`;
          }
        }
        const seen = JSON.stringify([h.juju.calls, h.transitions]);
        if (seen.includes(SECRET)) return 'the sentinel password was in a tool call or a transition';
        return null;
      } finally {
        h.cleanup();
      }
    };
    // Count every mismatch over 100 random sequences, record the figures, then assert.
    const mismatches: string[] = [];
    let sequencesRun = 0;
    await fc.assert(
      fc.asyncProperty(sequences, async (steps) => {
        sequencesRun++;
        const mismatch = await run(steps, false);
        if (mismatch !== null) mismatches.push(mismatch);
      }),
      { numRuns: 100 },
    );
    recordFigures('model', { sequences: sequencesRun, hooks: hooksRun, mismatches: mismatches.length });
    // A mismatch is then shrunk by fast-check to the shortest sequence that shows it.
    if (mismatches.length > 0) await fc.assert(fc.asyncProperty(sequences, async (steps) => void (await run(steps, true))), { numRuns: 100 });
    expect(mismatches).toEqual([]);
  }, 180_000);
});
