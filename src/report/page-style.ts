/** The lifecycle page's stylesheet, inlined: system fonts only, no `url()`, no `@import`. */

/** State colours, each with a text colour that keeps at least 4.5:1 contrast on it. */
const STATES = {
  idle: ['#e8eaed', '#202124'],
  fetching: ['#fbbc04', '#202124'],
  available: ['#188038', '#ffffff'],
  failed: ['#c5221f', '#ffffff'],
} as const;

const stateRules = Object.entries(STATES)
  .map(
    ([s, [bg, fg]]) =>
      `.seg.s-${s},.badge.s-${s}{background:${bg};color:${fg}}` +
      `.state.s-${s}.now rect{fill:${bg};stroke:#202124}.state.s-${s}.now text.name{fill:${fg}}`,
  )
  .join('\n');

/** The CSS of the page. */
export const PAGE_CSS = `
:root{color-scheme:light;--ink:#202124;--muted:#5f6368;--line:#dadce0;--bg:#ffffff;--panel:#f8f9fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,Cantarell,"Noto Sans",sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:22px;margin:0 0 2px}h2{font-size:18px;margin:28px 0 10px}h3{font-size:15px;margin:14px 0 6px}
.sub{color:var(--muted);margin:0 0 12px}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{flex:1 1 300px;background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:10px 14px}
.card h2{margin:0 0 6px;font-size:15px}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-weight:600;font-size:12.5px}
.ws-active{background:#188038;color:#fff}.ws-blocked{background:#c5221f;color:#fff}.ws-maintenance{background:#fbbc04;color:#202124}.ws-waiting{background:#1a73e8;color:#fff}.ws-none{background:#e8eaed;color:#202124}
ul.flags{margin:0;padding-left:18px}
nav ul{display:flex;flex-wrap:wrap;gap:6px 14px;list-style:none;padding:0;margin:6px 0 0}
a{color:#1a56c4}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:10px}
table{border-collapse:collapse}
table.timeline{width:100%}
.timeline caption{caption-side:bottom;text-align:left;color:var(--muted);padding:8px 10px;font-size:12.5px}
.timeline th,.timeline td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:middle}
.timeline thead th{font-weight:600;text-align:left;white-space:nowrap;background:var(--panel)}
.timeline thead .hook{display:block}
.timeline time{display:block;font-weight:400;color:var(--muted);font-size:11.5px}
.timeline tbody th{text-align:left;white-space:nowrap}
.timeline td{min-width:120px}
.timeline td.now,.timeline th.now{border-left:2px solid var(--ink)}
.segs{display:flex;gap:2px}
.seg{display:inline-flex;align-items:center;gap:3px;flex:1 1 0;min-width:0;overflow:hidden;text-overflow:ellipsis;justify-content:center;border-radius:5px;padding:3px 5px;font-size:12px;font-weight:600;white-space:nowrap}
.seg .mark{flex:none}.seg .name{overflow:hidden;text-overflow:ellipsis;min-width:0}
.seg.began{flex:none;padding:3px 6px}
.seg.step{box-shadow:inset 0 -3px 0 rgba(0,0,0,.28)}
.seg.s-unrecorded{background:repeating-linear-gradient(45deg,#f1f3f4 0 6px,#dadce0 6px 12px);color:var(--muted)}
td.steady .seg{opacity:.78}
.legend{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:10px 0 0}
.legend .seg{flex:none;padding:3px 8px}
.resource{border-top:1px solid var(--line);margin-top:26px}
.resource h2 .badge{margin-left:8px;vertical-align:2px}
.grid{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
figure{margin:0;flex:0 1 720px;max-width:100%}
figcaption{color:var(--muted);font-size:12.5px}
svg.diagram{max-width:100%;height:auto;display:block}
.diagram .state rect{fill:#fff;stroke:#9aa0a6;stroke-width:1.5}
.diagram .state text{font-size:13px;font-weight:600;fill:var(--ink)}
.diagram .state.now rect{stroke-width:3.5}
.diagram .state text.now-label{fill:var(--ink);font-size:12px;font-weight:700}
.diagram .edge path{fill:none;stroke:#bdc1c6;stroke-width:1.5}
.diagram .edge .head{fill:#bdc1c6}
.diagram .edge text{font-size:11.5px;fill:var(--muted)}
.diagram .edge.taken path{stroke:#3c4043;stroke-width:2}
.diagram .edge.taken .head{fill:#3c4043}
.diagram .edge.taken text{fill:var(--ink);font-weight:600}
.diagram .start{fill:var(--ink)}.diagram .start-edge{stroke:var(--ink);stroke-width:1.5}.diagram .start-edge+.head{fill:var(--ink)}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:3px 12px;margin:0;flex:1 1 280px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
table.steps{width:100%;font-size:12.5px}
.steps th,.steps td{text-align:left;border-bottom:1px solid var(--line);padding:4px 8px;vertical-align:top}
.steps td.why{overflow-wrap:anywhere;max-width:520px}
details summary{cursor:pointer;font-weight:600;margin:10px 0 6px}
.warnings{background:#fef7e0;border:1px solid #f9ab00;border-radius:10px;padding:8px 14px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{color:var(--muted);font-size:12px;margin-top:30px}
${stateRules}
`;
