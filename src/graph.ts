/** The resource lifecycle as a diagram (Mermaid or Graphviz), read from the machine definition. */
import { resourceMachine } from '../machines/resource.machine.js';

/** One edge of the lifecycle: from a state to a state on an event. */
export interface Edge {
  from: string;
  to: string;
  label: string;
}

/** A readable label for an XState event type (`xstate.done.actor.fetch` → `fetch done`). */
function label(eventType: string): string {
  if (eventType.startsWith('xstate.done.actor.')) return 'fetch succeeded';
  if (eventType.startsWith('xstate.error.actor.')) return 'fetch failed';
  if (eventType.startsWith('xstate.after.')) return 'time limit';
  return eventType;
}

/** The machine's edges, in definition order. */
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

/** The lifecycle diagram in Mermaid (`stateDiagram-v2`) or Graphviz `dot` syntax. */
export function machineDiagram(format: 'mermaid' | 'dot' = 'mermaid'): string {
  const initial = String(resourceMachine.root.initial?.target[0]?.key ?? 'idle');
  const edges = machineEdges();
  if (format === 'dot') {
    const lines = ['digraph resource {', '  rankdir=LR;', '  start [shape=point];', `  start -> ${initial};`];
    for (const e of edges) lines.push(`  ${e.from} -> ${e.to} [label="${e.label}"];`);
    return [...lines, '}'].join('\n');
  }
  return ['stateDiagram-v2', `  [*] --> ${initial}`, ...edges.map((e) => `  ${e.from} --> ${e.to}: ${e.label}`)].join('\n');
}
