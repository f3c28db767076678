/** One hook of the demo: run through the real `openLayer()`, printed as transitions, tool calls, flags and status. */
import { createHookTools } from '../hook-tools.js';
import { openLayer, type Transition } from '../orchestrator.js';
import type { DemoJuju } from './controller.js';
import { Progress, type DemoOutput, type Painter } from './output.js';
import { escapeControl as safe } from '../text.js';

const UNIT = 'demo-charm/0';

/** What the demo shares between hooks: where to print, and the flags after the last hook. */
export interface DemoContext {
  juju: DemoJuju;
  out: DemoOutput;
  paint: Painter;
  flags: string[];
}

function summariseCall(call: string[]): string {
  const [tool, ...args] = call;
  if (tool === 'status-set') return `status-set ${args[0]}`;
  if (tool === 'juju-log') return `juju-log ${args[1] ?? ''}`.trim();
  return safe([tool, ...args].join(' '));
}

/** Prints each transition as it happens, with a counter, the digest or the failure, and how long it took. */
function printTransitions(ctx: DemoContext, progress: Progress, width: number): (t: Transition) => void {
  const { paint } = ctx;
  const fetching = new Map<string, number>();
  let started = 0;
  let done = 0;
  return (t) => {
    const who = `  ${t.resource.padEnd(width)}  ${paint.state(t.from)} → ${paint.state(t.to)}`;
    if (t.to === 'fetching') {
      started++;
      fetching.set(t.resource, Date.now());
      return progress.print(who, [...fetching.keys()]);
    }
    const since = fetching.get(t.resource);
    const took = since === undefined ? '' : paint.dim(`  (${((Date.now() - since) / 1000).toFixed(1)} s)`);
    fetching.delete(t.resource);
    done++;
    const detail =
      t.to === 'failed' ? paint.red(safe(`${t.event.kind}: ${t.event.reason}`)) : t.event.digest ? paint.dim(safe(t.event.digest.slice(0, 19)) + '…') : '';
    progress.print(`${who}  ${paint.dim(`[${done}/${started}]`)} ${detail}${took}`, [...fetching.keys()]);
  };
}

/** Runs one hook as Juju would (the real hook-tool adapter spawning the fakes), and prints what it did. */
export async function demoHook(ctx: DemoContext, name: string, after?: (info: Record<string, unknown>) => void): Promise<void> {
  const { juju, out, paint } = ctx;
  const line = (text = '') => out.write(text + '\n');
  const before = juju.calls().length;
  const progress = new Progress(out, paint);
  const layer = await openLayer({
    charmDir: juju.charmDir,
    env: juju.env,
    tools: createHookTools({ env: juju.env }),
    hookName: name,
    retry: { retries: 0 },
    fetchTimeoutMs: 10_000,
    onWarning: (m) => progress.print(`  ${paint.yellow('warning')} ${safe(m)}`, []),
  });
  layer.subscribe(printTransitions(ctx, progress, Math.max(...layer.resources.map((r) => r.length))));
  let summary;
  try {
    await layer.run();
    if (after && layer.isSet('layer.docker-resource.web.available')) after(layer.getInfo('web').toJSON() as Record<string, unknown>);
    summary = await layer.commit();
  } finally {
    progress.stop();
  }
  if (summary.transitions.length === 0) line(`  ${paint.dim('no transition: nothing to fetch or retry')}`);

  const made = juju.calls().slice(before);
  line(`  ${paint.bold('hook tools')}  ${made.length === 0 ? paint.dim('none called') : made.map(summariseCall).join(paint.dim(' · '))}`);

  const added = summary.flags.filter((f) => !ctx.flags.includes(f));
  const removed = ctx.flags.filter((f) => !summary.flags.includes(f));
  line(`  ${paint.bold('flags')}`);
  for (const f of summary.flags) line(`    ${added.includes(f) ? paint.green('+') : ' '} ${f}`);
  for (const f of removed) line(`    ${paint.red('-')} ${paint.dim(f)}`);
  ctx.flags = summary.flags;

  const s = juju.unitStatus();
  line(`  ${paint.bold('juju status')}`);
  line(`    ${'Unit'.padEnd(14)}${'Workload'.padEnd(13)}Message`);
  line(`    ${UNIT.padEnd(14)}${paint.workload(s.state.padEnd(13))}${safe(s.message)}`);
}
