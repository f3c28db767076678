/**
 * The timeline: hook runs along time (columns), one lane per resource (rows), each cell the
 * states the resource went through in that run. A table, so that it reads without colour and
 * without JavaScript; each segment says its state in words and explains itself in `title`.
 */
import type { Step } from './history.js';
import { attrs, esc, shortTime } from './html.js';
import type { ReportModel, ResourceReport, Segment } from './model.js';

/** A short mark beside the state name, so that states differ by more than colour. */
export const STATE_MARK: Readonly<Record<string, string>> = { idle: '○', fetching: '↻', available: '✓', failed: '✗', unrecorded: '?' };

/** What a step did, in one line: `fetch-failed (missing): resource-get failed`. */
export function stepSummary(step: Step): string {
  const kind = step.kind ? ` (${step.kind})` : '';
  const extra = [
    step.reason,
    step.digest ? `digest ${step.digest}` : undefined,
    step.changed ? 'content changed' : undefined,
    step.attempts !== undefined ? `attempt ${step.attempts}` : undefined,
  ].filter((x): x is string => x !== undefined);
  return `${step.event}${kind}${extra.length > 0 ? `: ${extra.join('; ')}` : ''}`;
}

/** The hover text of a segment. */
function segmentTitle(name: string, seg: Segment, hook: string): string {
  if (seg.state === 'unrecorded') return `${name}: not recorded (the history kept starts later)`;
  if (!seg.step) return `${name}: ${seg.state} as ${hook} began`;
  const s = seg.step;
  return `${name}: ${s.from} → ${s.to} at ${shortTime(s.at)} in ${hook}\n${stepSummary(s)}`;
}

/** One segment; `compact` (the state a run began in, shown in full in the cell before) shows its mark and hides its name visually. */
function segmentHtml(name: string, seg: Segment, hook: string, compact: boolean): string {
  const failure = seg.state === 'failed' && seg.step?.reason !== undefined;
  const cls = `seg s-${seg.state}${seg.step ? ' step' : ''}${failure ? ' failure' : ''}${compact ? ' began' : ''}`;
  return (
    `<span${attrs({ class: cls, title: segmentTitle(name, seg, hook), 'data-state': seg.state })}>` +
    `<span class="mark" aria-hidden="true">${STATE_MARK[seg.state] ?? ''}</span><span${attrs({ class: compact ? 'name visually-hidden' : 'name' })}>${esc(seg.state)}</span>` +
    (failure ? `<span class="visually-hidden">: ${esc(seg.step!.reason!)}</span>` : '') +
    `</span>`
  );
}

function laneHtml(r: ResourceReport, index: number, hooks: ReportModel['hooks']): string {
  const cells = r.lane.map((segments, run) => {
    const hook = hooks[run]?.hook ?? 'outside a hook';
    const changed = segments.length > 1;
    return `<td${attrs({ class: changed ? 'changed' : 'steady' })}><div class="segs">${segments.map((s, i) => segmentHtml(r.name, s, hook, changed && i === 0)).join('')}</div></td>`;
  });
  const now = `<td class="now"><div class="segs"><span${attrs({ class: `seg s-${r.state}`, title: `${r.name} is ${r.state} now`, 'data-state': r.state })}><span class="mark" aria-hidden="true">${STATE_MARK[r.state] ?? ''}</span><span class="name">${esc(r.state)}</span></span></div></td>`;
  return (
    `<tr${attrs({ class: 'lane', 'data-resource': r.name })}>` +
    `<th scope="row"><a href="#r-${index}">${esc(r.name)}</a></th>${cells.join('')}${now}</tr>`
  );
}

/** The timeline table (or a sentence saying that nothing was recorded yet). */
export function renderTimeline(model: ReportModel): string {
  if (model.resources.length === 0) return '<p>The charm declares no oci-image resources.</p>';
  const head = model.hooks.map(
    (h) =>
      `<th scope="col"${attrs({ title: `${h.hook ?? 'outside a hook'}: ${shortTime(h.at)} to ${shortTime(new Date(h.end).toISOString())}` })}>` +
      `<span class="hook">${esc(h.hook ?? 'outside a hook')}</span><time${attrs({ datetime: h.at })}>${esc(shortTime(h.at))}</time></th>`,
  );
  const none = model.hooks.length === 0 ? '<p>No transition has been recorded yet: the lanes show the states now.</p>' : '';
  return (
    none +
    `<div class="scroll"><table class="timeline">` +
    `<caption>Hook runs that changed something, oldest first; each cell shows the states a resource went through in that run. Hover a segment for the time, the event and a failure's reason.</caption>` +
    `<thead><tr><th scope="col">Resource</th>${head.join('')}<th scope="col" class="now">Now</th></tr></thead>` +
    `<tbody>${model.resources.map((r, i) => laneHtml(r, i, model.hooks)).join('')}</tbody></table></div>` +
    legend()
  );
}

function legend(): string {
  const states = ['idle', 'fetching', 'available', 'failed', 'unrecorded'];
  return `<ul class="legend" aria-label="Legend">${states
    .map((s) => `<li><span class="seg s-${s}"><span class="mark" aria-hidden="true">${STATE_MARK[s]}</span>${s}</span></li>`)
    .join('')}</ul>`;
}
