/** The resource lifecycle as a diagram (Mermaid or Graphviz), read from the machine definition. */
import { resourceMachine } from '../machines/resource.machine.js';

/** One edge of the lifecycle: from a state to a state on an event. */
export interface Edge {
  from: string;
  to: string;
  label: string;
}

/** The diagram formats {@link machineDiagram} writes. */
export type DiagramFormat = 'mermaid' | 'dot';

/** A readable label for an XState event type (`xstate.done.actor.fetch` → `fetch succeeded`). */
function label(eventType: string): string {
  if (eventType.startsWith('xstate.done.actor.')) return 'fetch succeeded';
  if (eventType.startsWith('xstate.error.actor.')) return 'fetch failed';
  if (eventType.startsWith('xstate.after.')) return 'time limit';
  return eventType;
}

/** The machine's edges, one per event, in definition order. */
export function machineEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const [from, node] of Object.entries(resourceMachine.root.states)) {
    for (const [eventType, transitions] of node.transitions) {
      for (const t of transitions) {
        for (const target of t.target ?? []) edges.push({ from, to: target.key, label: label(eventType) });
      }
    }
  }
  return edges;
}

/** Edges between the same two states merged into one, their labels joined (`FETCH / REFETCH / RETRY`). */
export function mergedEdges(edges: readonly Edge[] = machineEdges()): Edge[] {
  const merged = new Map<string, Edge>();
  for (const e of edges) {
    const key = `${e.from}\u0000${e.to}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...e });
    else if (!seen.label.split(' / ').includes(e.label)) seen.label += ` / ${e.label}`;
  }
  return [...merged.values()];
}

/** A Graphviz double-quoted string. */
const quoted = (text: string) => `"${text.replace(/["\\]/g, '\\$&')}"`;

/**
 * The lifecycle diagram in Mermaid (`stateDiagram-v2`, renders on GitHub) or Graphviz `dot`
 * syntax (`docker-resource graph --format dot | dot -Tsvg > lifecycle.svg`).
 */
export function machineDiagram(format: DiagramFormat = 'mermaid'): string {
  const initial = String(resourceMachine.root.initial?.target[0]?.key ?? 'idle');
  const edges = mergedEdges();
  if (format === 'dot') {
    const lines = ['digraph resource {', '  rankdir=LR;', '  start [shape=point];', `  start -> ${quoted(initial)};`];
    for (const e of edges) lines.push(`  ${quoted(e.from)} -> ${quoted(e.to)} [label=${quoted(e.label)}];`);
    return [...lines, '}'].join('\n');
  }
  return ['stateDiagram-v2', `  [*] --> ${initial}`, ...edges.map((e) => `  ${e.from} --> ${e.to}: ${e.label}`)].join('\n');
}
