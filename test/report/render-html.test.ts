/** The lifecycle page: its structure, its escaping, no credential and no reference outside the file. */
import { describe, expect, it } from '@jest/globals';
import { renderDiagram } from '../../src/report/diagram-svg.js';
import { esc, visibleControls } from '../../src/report/html.js';
import { buildReportModel, type ReportMachine } from '../../src/report/model.js';
import { resourceReportMachine } from '../../src/report/read-model.js';
import { renderReportHtml } from '../../src/report/render-html.js';
import { hostileState, MARKUP_NAME, SENTINEL } from './fixtures/hostile-state.js';

const { input } = hostileState();
const html = renderReportHtml(buildReportModel(input));
const count = (re: RegExp) => (html.match(re) ?? []).length;

describe('renderReportHtml', () => {
  it('holds no credential', () => {
    expect(html).not.toContain(SENTINEL);
    expect(html).toContain('&lt;redacted&gt;');
  });

  it('refers to nothing outside the file: no script, no src, no link but #fragments, no @import, no url()', () => {
    // Outside text is escaped, so every "<" that opens a tag is one the renderer wrote.
    const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*\/?>/g)];
    expect(tags.length).toBe((html.match(/<[a-zA-Z]/g) ?? []).length);
    const names = new Set(tags.map((t) => t[1]!.toLowerCase()));
    for (const banned of ['script', 'link', 'img', 'image', 'iframe', 'object', 'embed', 'audio', 'video', 'source', 'base', 'form', 'use', 'foreignobject'])
      expect(names.has(banned)).toBe(false);
    const attributes = tags.flatMap((t) => [...t[2]!.matchAll(/([\w:-]+)(?:="([^"]*)")?/g)].map((m) => [m[1]!.toLowerCase(), m[2] ?? '']));
    const outward = ['src', 'srcset', 'action', 'formaction', 'poster', 'background', 'xlink:href', 'ping', 'style'];
    const bad = attributes.filter(
      ([name, value]) => outward.includes(name!) || name!.startsWith('on') || (name === 'href' && !/^#[\w-]+$/.test(value!)),
    );
    expect(bad).toEqual([]);
    expect(attributes.filter(([n]) => n === 'href').length).toBeGreaterThan(0);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/url\(\s*['"]?(?!data:)/i);
    expect(html).not.toContain('://');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'`);
  });

  it('escapes outside text, and shows control characters instead of passing them on', () => {
    expect(html).not.toContain(MARKUP_NAME);
    expect(html).toContain(esc(MARKUP_NAME));
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202e]/);
    expect(html).toContain('\\u{1b}[31m');
    expect(html).toContain('\\u{202e}');
    expect(html).not.toContain('"><script>');
  });

  it('has a section per resource with a heading, a diagram with its current state marked, and its transitions as a table', () => {
    expect(count(/<section class="resource"/g)).toBe(4);
    expect(count(/<h2 id="r-\d-h">/g)).toBe(4);
    expect(count(/<svg class="diagram" role="img"/g)).toBe(4);
    expect(count(/class="state s-[a-z]+ now"/g)).toBe(4);
    expect(html).toMatch(/<g class="state s-available now" data-state="available"><title>web is available now<\/title>/);
    expect(html).toContain('<title id="d-1-t">Lifecycle of &lt;img src=x onerror=alert(1)&gt;: failed now</title>');
    expect(count(/<table class="steps">/g)).toBe(3); // idle-one has no transition
    expect(html).toContain('<th scope="col">Transition</th>');
  });

  it('draws the timeline as a table: one lane per resource, a column per hook run and one for now', () => {
    expect(count(/<tr class="lane" data-resource=/g)).toBe(4);
    expect(count(/<th scope="row">/g)).toBe(4);
    const head = html.slice(html.indexOf('<thead><tr><th scope="col">Resource</th>'), html.indexOf('</thead>'));
    expect(head.match(/<span class="hook">([^<]*)<\/span>/g)).toEqual([
      '<span class="hook">install</span>',
      '<span class="hook">update-status</span>',
      '<span class="hook">upgrade-charm &lt;redacted&gt;</span>',
    ]);
    expect(head).toContain('<th scope="col" class="now">Now</th>');
  });

  it("gives each failure its reason on hover (title) and in words for screen readers, and names every state in text", () => {
    const failures = [...html.matchAll(/<span class="seg s-failed step failure" title="([^"]*)"/g)].map((m) => m[1]!);
    expect(failures).toHaveLength(2);
    for (const t of failures) expect(t).toContain('fetch-failed (missing): resource-get failed \\u{1b}[31m&quot;&gt;&lt;script&gt;');
    expect(html).toContain('<span class="visually-hidden">: resource-get failed');
    for (const state of ['idle', 'fetching', 'available', 'failed', 'unrecorded']) expect(html).toContain(`<span class="name">${state}</span>`);
  });

  it('shows the flags and the unit status now', () => {
    expect(html).toContain('<h2 id="flags-h">Flags now</h2>');
    expect(html).toContain('<li><code>layer.docker-resource.web.available</code></li>');
    expect(html).toContain('<span class="badge ws-blocked">blocked</span> unable to fetch resource: &lt;img src=x onerror=alert(1)&gt; (&lt;redacted&gt;)');
  });

  it('gives every id once', () => {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('renderDiagram', () => {
  it("draws every move of the resource lifecycle between its top-level states, inner states' included", () => {
    const svg = renderDiagram(resourceReportMachine(), 'available', [{ from: 'fetching', to: 'available', count: 2 }], 'r', 'web');
    const drawn = [...svg.matchAll(/<title>(\w+) → (\w+) on /g)].map((m) => `${m[1]}>${m[2]}`);
    expect(drawn.sort()).toEqual(['available>fetching', 'failed>fetching', 'fetching>available', 'fetching>failed', 'idle>fetching']);
    expect(svg).toContain('fetched / verified / unverified ×2');
  });

  it('lays out a machine it does not know, every state and edge drawn', () => {
    const machine: ReportMachine = {
      id: 'layer',
      initial: 'planning',
      states: ['planning', 'fetching', 'committing', 'done', 'aborted'],
      edges: [
        { from: 'planning', to: 'fetching', label: 'START' },
        { from: 'fetching', to: 'committing', label: 'SETTLED' },
        { from: 'committing', to: 'done', label: 'WRITTEN' },
        { from: 'fetching', to: 'aborted', label: 'FATAL' },
        { from: 'aborted', to: 'fetching', label: 'BACK' },
        { from: 'done', to: 'done', label: 'AGAIN' },
      ],
    };
    const svg = renderDiagram(machine, 'committing', [{ from: 'planning', to: 'fetching', count: 1 }], 'x', 'hook');
    for (const s of machine.states) expect(svg).toContain(`data-state="${s}"`);
    expect(svg.match(/<g class="edge( taken)?">/g)).toHaveLength(6);
    expect(svg).toContain('<g class="state s-committing now"');
    expect(svg).toContain('START ×1');
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });
});

describe('escaping', () => {
  it('keeps tabs and newlines, and turns the other controls into visible escapes', () => {
    expect(visibleControls('a\tb\nc\u0007d\u009be\u2028f\ud800')).toBe('a\tb\nc\\u{7}d\\u{9b}e\\u{2028}f\ufffd');
    expect(esc(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  });
});
