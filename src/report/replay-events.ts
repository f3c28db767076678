/**
 * Turns recorded actor lives into the `@statelyai/inspect` wire events an inspector would have
 * received live: each actor's registration (with its machine definition) and start, then every
 * recorded event and the snapshot after it, in time order, with the original timestamps.
 * Generic over machines: any machine kind replays by giving its definition and its steps.
 */
import { redact } from '../redact.js';
import {
  encodeDefinition,
  INSPECT_VERSION,
  type WireEvent,
  type WireEventObject,
  type WireSnapshot,
} from './inspect-wire.js';

/** One recorded event of an actor and the snapshot it led to. */
export interface RecordedActorStep {
  /** When it happened (ms since the epoch). */
  at: number;
  /** The key of the actor that sent the event (e.g. the hook run's actor), if known. */
  source?: string;
  event: WireEventObject;
  snapshot: WireSnapshot;
}

/** One actor's recorded life. */
export interface RecordedActor {
  /** Unique within the replay; the session id is derived from it. */
  key: string;
  /** The name the inspector shows (its id or system id, e.g. the resource name). */
  name: string;
  /** The machine definition (a machine's `config`); without one the inspector shows `{ id: name }`, as for a non-machine actor. */
  definition?: object;
  /** The key of its parent actor, if it has one in this replay. */
  parent?: string;
  /** When it was created (ms since the epoch). */
  createdAt: number;
  /** The input it started with (shown on its `xstate.init` event). */
  input?: unknown;
  /** Its snapshot at creation. */
  initial: WireSnapshot;
  steps: RecordedActorStep[];
}

/** Options of {@link buildReplay}. */
export interface ReplayOptions {
  /** Prefixes every session id, so that two replays to one inspector do not mix (default `replay`). */
  sessionPrefix?: string;
}

/** The inspector's `createdAt`: ms since the epoch, as a string. */
const stamp = (ms: number) => String(Math.trunc(ms));
const safeEvent = (e: WireEventObject) => redact(e);
const safeSnapshot = (s: WireSnapshot): WireSnapshot => redact(s);

/**
 * The wire events of a replay, in order. Actors are registered at their creation time (before
 * anything of theirs happens; parents before children); at equal times recorded order is kept.
 * Every event and snapshot is redacted again here, whatever the caller passed.
 */
export function buildReplay(actors: readonly RecordedActor[], options: ReplayOptions = {}): WireEvent[] {
  const prefix = options.sessionPrefix ?? 'replay';
  const byKey = new Map(actors.map((a) => [a.key, a]));
  if (byKey.size !== actors.length) throw new Error('buildReplay: two recorded actors share a key');
  const sessionId = (key: string) => `${prefix}:${key}`;
  const lineage = (a: RecordedActor): RecordedActor[] => {
    const chain = [a];
    for (let p = a.parent && byKey.get(a.parent); p && chain.length <= actors.length; p = p.parent && byKey.get(p.parent)) chain.push(p);
    return chain;
  };
  const rootOf = new Map(actors.map((a) => [a.key, sessionId(lineage(a).at(-1)!.key)]));

  type Item = { time: number; rank: number; seq: number; emit: () => WireEvent[] };
  const items: Item[] = [];
  let seq = 0;
  for (const actor of actors) {
    const sid = sessionId(actor.key);
    const rootId = rootOf.get(actor.key)!;
    const base = (ms: number) => ({ sessionId: sid, _version: INSPECT_VERSION, createdAt: stamp(ms), id: null, rootId });
    items.push({
      time: actor.createdAt,
      rank: lineage(actor).length - 1,
      seq: seq++,
      emit: () => {
        const init: WireEventObject = safeEvent({ type: 'xstate.init', ...(actor.input === undefined ? {} : { input: actor.input }) });
        const { sessionId: _s, ...stamped } = base(actor.createdAt);
        const parent = actor.parent !== undefined && byKey.has(actor.parent) ? sessionId(actor.parent) : undefined;
        return [
          {
            name: actor.name,
            type: '@xstate.actor',
            definition: encodeDefinition(actor.definition ?? { id: actor.name }),
            ...stamped,
            ...(parent === undefined ? {} : { parentId: parent }),
            sessionId: sid,
            snapshot: safeSnapshot(actor.initial),
          },
          { type: '@xstate.event', event: init, ...base(actor.createdAt) },
          { type: '@xstate.snapshot', event: init, snapshot: safeSnapshot(actor.initial), ...base(actor.createdAt) },
        ];
      },
    });
    for (const step of actor.steps) {
      items.push({
        time: step.at,
        rank: actors.length + 1,
        seq: seq++,
        emit: () => {
          const event = safeEvent(step.event);
          const source = step.source !== undefined && byKey.has(step.source) ? sessionId(step.source) : undefined;
          return [
            { type: '@xstate.event', event, ...(source === undefined ? {} : { sourceId: source }), ...base(step.at) },
            { type: '@xstate.snapshot', event, snapshot: safeSnapshot(step.snapshot), ...base(step.at) },
          ];
        },
      });
    }
  }
  items.sort((a, b) => a.time - b.time || a.rank - b.rank || a.seq - b.seq);
  return items.flatMap((item) => item.emit());
}
