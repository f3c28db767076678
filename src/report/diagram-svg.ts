/**
 * A machine's state diagram as inline SVG, its current state marked: a hand-tuned layout for
 * the resource lifecycle's states, and a generic layered layout for any other machine.
 */
import type { Edge } from '../graph.js';
import { attrs, esc } from './html.js';
import type { ReportMachine } from './model.js';

interface Point {
  x: number;
  y: number;
}
/** An edge's geometry: a quadratic curve (or a line, without `c`) and where its label sits. */
interface Route {
  from: Point;
  to: Point;
  c?: Point;
  label: Point;
  anchor?: 'start' | 'middle' | 'end';
}

const W = 124;
const H = 40;

/** The resource lifecycle, laid out by hand: idle → fetching, then available above and failed below. */
const KNOWN_STATES: Readonly<Record<string, Point>> = {
  idle: { x: 72, y: 122 },
  fetching: { x: 300, y: 122 },
  available: { x: 590, y: 46 },
  failed: { x: 590, y: 198 },
};
const KNOWN_ROUTES: Readonly<Record<string, Route>> = {
  'idle>fetching': { from: { x: 134, y: 122 }, to: { x: 238, y: 122 }, label: { x: 186, y: 114 } },
  'fetching>available': { from: { x: 300, y: 102 }, c: { x: 306, y: 38 }, to: { x: 528, y: 38 }, label: { x: 520, y: 28 }, anchor: 'end' },
  'available>fetching': { from: { x: 528, y: 54 }, to: { x: 362, y: 114 }, label: { x: 450, y: 98 }, anchor: 'start' },
  'fetching>failed': { from: { x: 300, y: 142 }, c: { x: 306, y: 206 }, to: { x: 528, y: 206 }, label: { x: 520, y: 228 }, anchor: 'end' },
  'failed>fetching': { from: { x: 528, y: 190 }, to: { x: 362, y: 130 }, label: { x: 450, y: 154 }, anchor: 'start' },
};
const KNOWN_VIEW = { width: 680, height: 236 };

/** A layered layout: states by their distance from the initial state, left to right. */
function layeredLayout(machine: ReportMachine): { at: Map<string, Point>; width: number; height: number } {
  const level = new Map<string, number>([[machine.initial, 0]]);
  const queue = [machine.initial];
  while (queue.length > 0) {
    const s = queue.shift()!;
    for (const e of machine.edges)
      if (e.from === s && !level.has(e.to)) level.set(e.to, level.get(s)! + 1), queue.push(e.to);
  }
  let deepest = Math.max(0, ...level.values());
  for (const s of machine.states) if (!level.has(s)) level.set(s, ++deepest);
  const rows = new Map<number, number>();
  const at = new Map<string, Point>();
  for (const s of machine.states) {
    const l = level.get(s)!;
    const row = rows.get(l) ?? 0;
    rows.set(l, row + 1);
    at.set(s, { x: 80 + l * 210, y: 50 + row * 90 });
  }
  return { at, width: 160 + deepest * 210, height: 60 + Math.max(1, ...rows.values()) * 90 };
}

/** Where a line from a box's centre towards `p` leaves the box. */
function boxExit(c: Point, p: Point): Point {
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  const scale = Math.min(dx === 0 ? Infinity : W / 2 / Math.abs(dx), dy === 0 ? Infinity : H / 2 / Math.abs(dy));
  return { x: c.x + dx * scale, y: c.y + dy * scale };
}

/** A route for an edge with no hand-tuned one: straight between the boxes (offset when the reverse edge exists), or a loop above. */
function genericRoute(a: Point, b: Point, reverse: boolean): Route {
  if (a === b) {
    const top = { x: a.x, y: a.y - H / 2 };
    return { from: { x: top.x - 20, y: top.y }, c: { x: top.x, y: top.y - 60 }, to: { x: top.x + 20, y: top.y }, label: { x: top.x, y: top.y - 34 } };
  }
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const off = reverse ? 7 : 0;
  const n = { x: (-(b.y - a.y) / len) * off, y: ((b.x - a.x) / len) * off };
  const from = boxExit(a, b);
  const to = boxExit(b, a);
  const shift = (p: Point) => ({ x: p.x + n.x, y: p.y + n.y });
  return { from: shift(from), to: shift(to), label: { x: (from.x + to.x) / 2 + n.x * 2, y: (from.y + to.y) / 2 + n.y * 2 - 5 } };
}

const f = (n: number) => Math.round(n * 10) / 10;

/** The arrowhead at the end of a route, pointing along its last stretch. */
function arrowhead(r: Route): string {
  const back = r.c ?? r.from;
  const len = Math.hypot(r.to.x - back.x, r.to.y - back.y) || 1;
  const ux = (r.to.x - back.x) / len;
  const uy = (r.to.y - back.y) / len;
  const base = { x: r.to.x - ux * 9, y: r.to.y - uy * 9 };
  const pts = [r.to, { x: base.x - uy * 4.5, y: base.y + ux * 4.5 }, { x: base.x + uy * 4.5, y: base.y - ux * 4.5 }];
  return `<polygon class="head" points="${pts.map((p) => `${f(p.x)},${f(p.y)}`).join(' ')}"/>`;
}

function edgeSvg(e: Edge, r: Route, count: number): string {
  const d = r.c
    ? `M${f(r.from.x)} ${f(r.from.y)} Q${f(r.c.x)} ${f(r.c.y)} ${f(r.to.x)} ${f(r.to.y)}`
    : `M${f(r.from.x)} ${f(r.from.y)} L${f(r.to.x)} ${f(r.to.y)}`;
  const title = `${e.from} → ${e.to} on ${e.label}: ${count === 0 ? 'never taken' : `taken ${count} ${count === 1 ? 'time' : 'times'}`} in the recorded history`;
  return (
    `<g${attrs({ class: count > 0 ? 'edge taken' : 'edge' })}><title>${esc(title)}</title>` +
    `<path d="${d}"/>${arrowhead(r)}` +
    `<text${attrs({ x: f(r.label.x), y: f(r.label.y), 'text-anchor': r.anchor ?? 'middle' })}>${esc(e.label)}${count > 0 ? ` ×${count}` : ''}</text></g>`
  );
}

/**
 * The machine's diagram with `current` marked (thick outline, its colour and the word "now").
 * `taken` counts how often each edge was taken; `id` makes the SVG's title and description ids unique.
 */
export function renderDiagram(
  machine: ReportMachine,
  current: string,
  taken: ReadonlyArray<{ from: string; to: string; count: number }>,
  id: string,
  name: string,
): string {
  const known = machine.states.every((s) => Object.hasOwn(KNOWN_STATES, s));
  const layout = known
    ? { at: new Map(Object.entries(KNOWN_STATES)), ...KNOWN_VIEW }
    : layeredLayout(machine);
  const count = (e: Edge) => taken.find((t) => t.from === e.from && t.to === e.to)?.count ?? 0;
  const edges = machine.edges
    .filter((e) => layout.at.has(e.from) && layout.at.has(e.to))
    .map((e) => {
      const route =
        (known ? KNOWN_ROUTES[`${e.from}>${e.to}`] : undefined) ??
        genericRoute(layout.at.get(e.from)!, layout.at.get(e.to)!, machine.edges.some((o) => o.from === e.to && o.to === e.from));
      return edgeSvg(e, route, count(e));
    });
  const start = layout.at.get(machine.initial);
  const initial = start
    ? `<circle class="start" cx="${f(start.x - W / 2 - 34)}" cy="${f(start.y)}" r="6"/>` +
      `<path class="start-edge" d="M${f(start.x - W / 2 - 28)} ${f(start.y)} L${f(start.x - W / 2 - 10)} ${f(start.y)}"/>` +
      arrowhead({ from: { x: start.x - W / 2 - 28, y: start.y }, to: { x: start.x - W / 2, y: start.y }, label: start })
    : '';
  const states = machine.states.map((s) => {
    const p = layout.at.get(s)!;
    const now = s === current;
    return (
      `<g${attrs({ class: `state s-${s}${now ? ' now' : ''}`, 'data-state': s })}>` +
      `<title>${esc(now ? `${name} is ${s} now` : s)}</title>` +
      `<rect x="${f(p.x - W / 2)}" y="${f(p.y - H / 2)}" width="${W}" height="${H}" rx="10"/>` +
      `<text class="name" x="${f(p.x)}" y="${f(p.y + 5)}" text-anchor="middle">${esc(s)}</text>` +
      (now ? `<text class="now-label" x="${f(p.x)}" y="${f(p.y + H / 2 + 14)}" text-anchor="middle">▲ now</text>` : '') +
      `</g>`
    );
  });
  const desc =
    `States: ${machine.states.map((s) => (s === current ? `${s} (current)` : s)).join(', ')}. ` +
    `Transitions: ${machine.edges.map((e) => `${e.from} to ${e.to} on ${e.label}`).join('; ')}.`;
  const pad = 36;
  return (
    `<svg class="diagram" role="img"${attrs({
      viewBox: `${-pad} 0 ${layout.width + pad} ${layout.height}`,
      'aria-labelledby': `${id}-t ${id}-d`,
      width: layout.width + pad,
      height: layout.height,
    })}>` +
    `<title id="${esc(id)}-t">${esc(`Lifecycle of ${name}: ${current} now`)}</title><desc id="${esc(id)}-d">${esc(desc)}</desc>` +
    initial +
    edges.join('') +
    states.join('') +
    `</svg>`
  );
}
