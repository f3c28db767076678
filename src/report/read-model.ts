/** Reads a charm's saved layer state into the report model: read-only, no lock, no hook tool. */
import { basename, resolve } from 'node:path';
import { resourceMachine } from '../../machines/resource.machine.js';
import { machineEdges, mergedEdges } from '../graph.js';
import { readLayerSnapshot } from '../layer-snapshot.js';
import { buildReportModel, type ReportMachine, type ReportModel } from './model.js';

/**
 * The resource machine as the report draws it: its top-level states (the lifecycle's), its initial state,
 * and its edges between them, merged. An edge from or to an inner state (`fetching.verifying`) is drawn
 * from or to its top-level state; one within a state (`fetching.reading` → `fetching.verifying`) is not drawn.
 * Labels are the events' names, without the guards (`reverify`, not `reverify [isUnverified]`).
 */
export function resourceReportMachine(): ReportMachine {
  const topLevel = (path: string) => path.split('.')[0] ?? path;
  const edges = machineEdges()
    .map((e) => ({ from: topLevel(e.from), to: topLevel(e.to), label: e.label.replace(/ \[[^\]]*\]$/, '') }))
    .filter((e) => e.from !== e.to);
  return {
    id: resourceMachine.id,
    initial: String(resourceMachine.root.initial?.target[0]?.key ?? 'idle'),
    states: Object.keys(resourceMachine.root.states),
    edges: mergedEdges(edges),
  };
}

/** Options of {@link readReportModel}. */
export interface ReadReportOptions {
  /** The charm directory (default: JUJU_CHARM_DIR, else CHARM_DIR, else the current directory). */
  charmDir?: string;
  /** Where the state is kept (default `<charmDir>/.docker-resource/state.json`). */
  stateFile?: string;
  env?: NodeJS.ProcessEnv;
  /** The clock, for tests. */
  now?: () => Date;
}

/** Reads the charm's metadata and saved state (as `docker-resource status` does) and builds the report model. */
export async function readReportModel(options: ReadReportOptions = {}): Promise<ReportModel> {
  const snapshot = await readLayerSnapshot({
    ...(options.charmDir !== undefined ? { charmDir: options.charmDir } : {}),
    ...(options.stateFile !== undefined ? { stateFile: options.stateFile } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  return buildReportModel({
    title: basename(resolve(snapshot.charmDir)) || 'charm',
    state: snapshot.state,
    resources: snapshot.resources,
    flags: snapshot.flags,
    machine: resourceReportMachine(),
    generatedAt: options.now?.() ?? new Date(),
    warnings: snapshot.warnings,
  });
}
