/**
 * The lifecycle page: one self-contained HTML file (inline CSS and SVG; no script, no font,
 * no image, no request of any kind) that reads without JavaScript. Every piece of outside
 * text is escaped; the model it is drawn from is already redacted.
 */
import { renderDiagram } from './diagram-svg.js';
import { attrs, esc, shortTime } from './html.js';
import type { ReportModel, ResourceReport } from './model.js';
import { PAGE_CSS } from './page-style.js';
import { renderTimeline, STATE_MARK, stepSummary } from './timeline-html.js';

function statusCard(model: ReportModel): string {
  const s = model.status;
  const body = s
    ? `<p><span class="badge ws-${esc(s.state)}">${esc(s.state)}</span> ${s.message === '' ? '<em>(no message)</em>' : esc(s.message)}</p>` +
      `<p class="sub">Set by ${s.owner === 'charm' ? 'the charm' : 'the layer'}, as last recorded in the saved state.</p>`
    : `<p><span class="badge ws-none">none</span> The layer has not set a status yet.</p>`;
  return `<section class="card" aria-labelledby="status-h"><h2 id="status-h">Unit status now</h2>${body}</section>`;
}

function flagsCard(model: ReportModel): string {
  const list = model.flags.length
    ? `<ul class="flags">${model.flags.map((f) => `<li><code>${esc(f)}</code></li>`).join('')}</ul>`
    : '<p>No flag is set.</p>';
  return `<section class="card" aria-labelledby="flags-h"><h2 id="flags-h">Flags now</h2>${list}</section>`;
}

const IMAGE_LABELS: ReadonlyMap<string, string> = new Map([
  ['registryPath', 'Image'],
  ['username', 'Registry user'],
  ['password', 'Registry password'],
]);

function facts(r: ResourceReport): string {
  const c = r.context;
  const rows: Array<[string, string]> = [
    ['State', `<span class="badge s-${esc(r.state)}">${STATE_MARK[r.state] ?? ''} ${esc(r.state)}</span>`],
    ['Requested', c.requested ? 'yes' : 'no'],
    ['Changed', c.changed ? 'yes (the last fetch returned different content)' : 'no'],
    ['Fetches started', esc(c.attempts)],
    ['Failures in a row', esc(c.failuresInARow)],
  ];
  if (c.failure) rows.push(['Failure', `<strong>${esc(c.failure.kind)}</strong>: ${esc(c.failure.reason)}`]);
  if (c.digest) rows.push(['Digest', `<code>${esc(c.digest)}</code>`]);
  for (const [key, value] of Object.entries(c.image ?? {}))
    rows.push([IMAGE_LABELS.get(key) ?? `Image ${key}`, `<code>${esc(value)}</code>`]);
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function stepsTable(r: ResourceReport): string {
  if (r.steps.length === 0) return '<p>No transition recorded.</p>';
  const rows = r.steps.map(
    (s) =>
      `<tr${attrs({ class: s.to === 'failed' ? 'failed' : undefined })}><td><time${attrs({ datetime: s.at })}>${esc(shortTime(s.at))}</time></td>` +
      `<td>${esc(s.hook ?? '—')}</td><td>${esc(s.from)} → <strong>${esc(s.to)}</strong></td><td class="why">${esc(stepSummary(s))}</td></tr>`,
  );
  return (
    `<details${attrs({ open: r.steps.length <= 12 })}><summary>Recorded transitions (${r.steps.length}, oldest first)</summary>` +
    `<div class="scroll"><table class="steps"><thead><tr><th scope="col">Time</th><th scope="col">Hook</th>` +
    `<th scope="col">Transition</th><th scope="col">Event and detail</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></details>`
  );
}

function resourceSection(model: ReportModel, r: ResourceReport, i: number): string {
  return (
    `<section class="resource"${attrs({ id: `r-${i}`, 'aria-labelledby': `r-${i}-h`, 'data-resource': r.name })}>` +
    `<h2 id="r-${i}-h">${esc(r.name)}<span class="badge s-${esc(r.state)}">${esc(r.state)}</span></h2>` +
    `<div class="grid"><figure>${renderDiagram(model.machine, r.state, r.taken, `d-${i}`, r.name)}` +
    `<figcaption>The ${esc(model.machine.id)} lifecycle; the current state is outlined and marked “now”, transitions taken in the recorded history are dark, with their count.</figcaption></figure>` +
    facts(r) +
    `</div>${stepsTable(r)}</section>`
  );
}

/** The lifecycle page of a report model: one self-contained HTML document. */
export function renderReportHtml(model: ReportModel): string {
  const nav = model.resources.length
    ? `<nav aria-label="Resources"><ul>${model.resources.map((r, i) => `<li><a href="#r-${i}">${esc(r.name)}</a> <span class="sub">(${esc(r.state)})</span></li>`).join('')}</ul></nav>`
    : '';
  const warnings = model.warnings.length
    ? `<section class="warnings" aria-labelledby="warn-h"><h2 id="warn-h">Warnings while reading the state</h2><ul>${model.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>${esc(`Lifecycle report: ${model.title}`)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
<header><h1>Resource lifecycle: ${esc(model.title)}</h1>
<p class="sub">Generated by docker-resource at <time${attrs({ datetime: model.generatedAt })}>${esc(shortTime(model.generatedAt))}</time> from the saved layer state. Credentials are never shown.</p>${nav}</header>
<div class="cards">${statusCard(model)}${flagsCard(model)}</div>
${warnings}
<section aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>${renderTimeline(model)}</section>
${model.resources.map((r, i) => resourceSection(model, r, i)).join('\n')}
<footer>Times are UTC. Only hook runs that changed a resource are recorded; older transitions are dropped beyond the history limit.</footer>
</main>
</body>
</html>
`;
}
