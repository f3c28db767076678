/** The machines as diagrams (Mermaid or Graphviz), read from the machine definitions themselves. */
import type { AnyStateMachine } from 'xstate';
import { layerMachine } from '../machines/layer.machine.js';
import { resourceMachine } from '../machines/resource.machine.js';

/** One edge of a machine: from a state to a state on an event (state paths joined by `.`). */
export interface Edge {
  from: string;
  to: string;
  label: string;
}

/** The diagram formats {@link machineDiagram} writes. */
export type DiagramFormat = 'mermaid' | 'dot';

/** The machines that can be drawn: one resource's lifecycle, or the hook cycle over them. */
export type MachineName = 'resource' | 'layer';

/** The machine definitions by name. */
const MACHINES: Readonly<Record<MachineName, AnyStateMachine>> = { resource: resourceMachine, layer: layerMachine };

/** A readable label for an XState event type: the domain's words for the fetch (`fetched`, `fetch-failed`, `timed-out`). */
function label(eventType: string, guard: string | undefined): string {
  const done = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  let text = eventType;
  if (done?.[2] === 'verify') {
    // The registry's answer: the guard says which (found, refused, or no clear answer).
    return done[1] === 'error' ? 'unverified' : guard === 'registryFound' ? 'verified' : guard === 'registryRefused' ? 'verify-failed' : 'unverified';
  }
  if (done?.[2] === 'fetch') text = done[1] === 'done' ? 'fetched' : 'fetch-failed';
  else if (done) text = `${done[2]} ${done[1] === 'done' ? 'done' : 'failed'}`;
  else if (eventType.startsWith('xstate.after.')) text = 'timed-out';
  else if (eventType === '') text = 'then';
  return guard ? `${text} [${guard}]` : text;
}

type Node = AnyStateMachine['root'];

const guardName = (guard: unknown): string | undefined =>
  typeof guard === 'string' ? guard : typeof guard === 'object' && guard !== null ? String((guard as { type?: unknown }).type ?? '') || undefined : undefined;

/** One transition of a machine in XState's own terms: its event type (`''` when eventless) and its guard's name. */
export interface MachineTransition {
  from: string;
  to: string;
  eventType: string;
  guard?: string;
}

/** Every transition of a machine, one per event and target, in definition order; root-level events start at `*`. */
export function machineTransitions(machine: AnyStateMachine = resourceMachine): MachineTransition[] {
  const out: MachineTransition[] = [];
  const visit = (node: Node, from: string) => {
    const add = (eventType: string, list: ReadonlyArray<{ target?: readonly Node[] | undefined; guard?: unknown }> | undefined) => {
      for (const t of list ?? []) {
        const guard = guardName(t.guard);
        for (const target of t.target ?? []) out.push({ from, to: target.path.join('.'), eventType, ...(guard ? { guard } : {}) });
      }
    };
    for (const [eventType, list] of node.transitions) add(eventType, list);
    add('', node.always);
  };
  const walk = (node: Node) => {
    for (const child of Object.values(node.states)) {
      visit(child, child.path.join('.'));
      walk(child);
    }
  };
  visit(machine.root, '*');
  walk(machine.root);
  return out;
}

/** Every edge of a machine, labelled in the domain's words: {@link machineTransitions} as a diagram draws them. */
export function machineEdges(machine: AnyStateMachine = resourceMachine): Edge[] {
  return machineTransitions(machine).map((t) => ({ from: t.from, to: t.to, label: label(t.eventType, t.guard) }));
}

/** Edges between the same two states merged into one, their labels joined (`fetch / refetch / retry`). */
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
/** A Mermaid state id (nested paths use `_`: dots are not allowed there). */
const mermaidId = (path: string) => path.replace(/\./g, '_');

interface StateInfo {
  path: string;
  parent: string | null;
  initial: string | null;
  final: boolean;
}

/** Every state of a machine, parents before their children. */
function statesOf(machine: AnyStateMachine): StateInfo[] {
  const out: StateInfo[] = [];
  const walk = (node: AnyStateMachine['root'], parent: string | null) => {
    for (const child of Object.values(node.states)) {
      const path = child.path.join('.');
      const initial = child.initial?.target[0]?.path.join('.') ?? null;
      out.push({ path, parent, initial: Object.keys(child.states).length > 0 ? initial : null, final: child.type === 'final' });
      walk(child, path);
    }
  };
  walk(machine.root, null);
  return out;
}

/**
 * A machine as a Mermaid (`stateDiagram-v2`, renders on GitHub) or Graphviz `dot` diagram
 * (`docker-resource graph --format dot | dot -Tsvg > lifecycle.svg`). Events handled in every
 * state (the layer's `abandon`, a child's fatal report) start at "any state".
 */
export function machineDiagram(format: DiagramFormat = 'mermaid', name: MachineName = 'resource'): string {
  const machine = MACHINES[name];
  const initial = machine.root.initial?.target[0]?.path.join('.') ?? '';
  const edges = mergedEdges(machineEdges(machine));
  const states = statesOf(machine);
  const anyState = edges.some((e) => e.from === '*');
  return format === 'dot' ? dot(name, initial, edges, states, anyState) : mermaid(initial, edges, states, anyState);
}

function mermaid(initial: string, edges: readonly Edge[], states: readonly StateInfo[], anyState: boolean): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${mermaidId(initial)}`];
  if (anyState) lines.push('  state "any state" as any');
  const inside = (parent: string | null, indent: string) => {
    for (const s of states.filter((x) => x.parent === parent && x.initial !== null)) {
      lines.push(`${indent}state ${mermaidId(s.path)} {`, `${indent}  [*] --> ${mermaidId(s.initial!)}`);
      inside(s.path, `${indent}  `);
      for (const e of edges.filter((x) => states.find((y) => y.path === x.from)?.parent === s.path && x.to.startsWith(`${s.path}.`)))
        lines.push(`${indent}  ${mermaidId(e.from)} --> ${mermaidId(e.to)}: ${e.label}`);
      lines.push(`${indent}}`);
    }
  };
  inside(null, '  ');
  const nested = (e: Edge) => {
    const parent = states.find((y) => y.path === e.from)?.parent;
    return parent !== null && parent !== undefined && e.to.startsWith(`${parent}.`);
  };
  for (const e of edges.filter((x) => !nested(x))) lines.push(`  ${e.from === '*' ? 'any' : mermaidId(e.from)} --> ${mermaidId(e.to)}: ${e.label}`);
  for (const s of states.filter((x) => x.final && x.parent === null)) lines.push(`  ${mermaidId(s.path)} --> [*]`);
  return lines.join('\n');
}

function dot(name: string, initial: string, edges: readonly Edge[], states: readonly StateInfo[], anyState: boolean): string {
  // Graphviz cannot point at a cluster: an edge to a compound state goes to its initial child.
  const entry = (path: string): string => states.find((s) => s.path === path)?.initial ?? path;
  const compound = states.some((s) => s.initial !== null);
  const lines = [`digraph ${name} {`, '  rankdir=LR;', ...(compound ? ['  compound=true;'] : []), '  start [shape=point];', `  start -> ${quoted(entry(initial))};`];
  if (anyState) lines.push('  "*" [shape=plaintext, label="any state"];');
  for (const s of states.filter((x) => x.initial !== null)) {
    lines.push(`  subgraph ${quoted(`cluster_${s.path}`)} {`, `    label=${quoted(s.path)};`);
    for (const c of states.filter((x) => x.parent === s.path)) lines.push(`    ${quoted(c.path)} [label=${quoted(c.path.split('.').pop()!)}];`);
    lines.push('  }');
  }
  for (const s of states.filter((x) => x.final)) lines.push(`  ${quoted(s.path)} [peripheries=2];`);
  for (const e of edges) {
    // An edge from a compound state (any of its states) leaves its cluster.
    const tail = entry(e.from) === e.from ? '' : `ltail=${quoted(`cluster_${e.from}`)}, `;
    lines.push(`  ${quoted(entry(e.from))} -> ${quoted(entry(e.to))} [${tail}label=${quoted(e.label)}];`);
  }
  return [...lines, '}'].join('\n');
}
