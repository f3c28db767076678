/** Where a hook's transitions go: its own list, the subscribers, and the history kept across hooks. */
import type { SavedHistory } from './history-file.js';
import type { HistoryEntry, HookRecord } from './layer-state.js';
import { own } from './own.js';
import { toHistoryEntry, type Transition } from './transition.js';

/** A subscriber: one resource's transitions, or every resource's when `resource` is undefined. */
interface Listener {
  resource: string | undefined;
  fn: (transition: Transition) => void;
}

/** The transitions of this hook, their subscribers, and each resource's recorded history. */
export class TransitionLog {
  /** This hook's transitions, oldest first. */
  readonly transitions: Transition[] = [];
  readonly #listeners = new Set<Listener>();
  /** Reads the saved history, once, when it is first needed (an idle hook never needs it). */
  readonly #load: () => SavedHistory;
  #saved: SavedHistory | null = null;
  /** This hook's history entries, by resource. */
  readonly #added = new Map<string, HistoryEntry[]>();
  readonly #limit: number;
  readonly #onListenerError: (error: unknown) => void;
  /** This hook's phases, as the layer machine enters them. */
  readonly #phases: HookRecord['phases'] = [];
  readonly #hook: string | null;

  constructor(saved: { load: () => SavedHistory; hook: string | null }, limit: number, onListenerError: (error: unknown) => void) {
    this.#load = saved.load;
    this.#hook = saved.hook;
    this.#limit = limit;
    this.#onListenerError = onListenerError;
  }

  #savedHistory(): SavedHistory {
    return (this.#saved ??= this.#load());
  }

  /** Records that the layer machine entered `state` (a top-level state) at `at()` (asked only when the state is new: this runs on every snapshot). */
  phase(state: string, at: () => string): void {
    if (this.#phases.at(-1)?.state !== state) this.#phases.push({ at: at(), state });
  }

  /** The hook records to keep: the saved ones and this hook's, at most `limit`, oldest first. */
  hooksToSave(): HookRecord[] {
    const hooks = this.#savedHistory().hooks ?? [];
    const all = this.#phases.length > 0 ? [...hooks, { hook: this.#hook, phases: [...this.#phases] }] : [...hooks];
    return all.slice(Math.max(0, all.length - this.#limit));
  }

  /**
   * Adds a listener and tells it at once what it missed in this hook (so a charm that subscribes
   * after `run()` still hears of this hook's transitions); returns the unsubscribe function.
   */
  subscribe(fn: (transition: Transition) => void, resource?: string): () => void {
    const listener = { resource, fn };
    for (const t of this.transitions) this.#tell(listener, t);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Records a transition: in this hook's list, in its resource's history (bounded), and to every subscriber. */
  record(transition: Transition): void {
    this.transitions.push(transition);
    const list = this.#added.get(transition.resource) ?? [];
    list.push(toHistoryEntry(transition));
    this.#added.set(transition.resource, list);
    for (const listener of this.#listeners) this.#tell(listener, transition);
  }

  /** The recorded history of a resource, oldest first: the saved one and this hook's, at most `limit`. */
  history(name: string): HistoryEntry[] {
    const all = [...(own(this.#savedHistory().history, name) ?? []), ...(this.#added.get(name) ?? [])];
    return all.slice(Math.max(0, all.length - this.#limit));
  }

  /** The histories of these resources (others are dropped: no longer in the metadata). */
  historiesOf(names: readonly string[]): Record<string, HistoryEntry[]> {
    const out: Record<string, HistoryEntry[]> = {};
    for (const name of names) {
      const list = this.history(name);
      if (list.length > 0) out[name] = list;
    }
    return out;
  }

  #tell(listener: Listener, transition: Transition): void {
    if (listener.resource !== undefined && listener.resource !== transition.resource) return;
    try {
      listener.fn(copyOf(transition));
    } catch (error) {
      this.#onListenerError(error);
    }
  }
}

/**
 * A listener's own copy of a transition (two levels of primitives), so that one that changes it changes
 * nobody else's: a spread, not `structuredClone`, which cost ≈ 80 µs a call (25 ms of an N = 100 install).
 */
function copyOf(transition: Transition): Transition {
  return { ...transition, event: { ...transition.event } } as Transition;
}
