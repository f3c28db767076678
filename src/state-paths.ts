/** Where a charm's state is kept. Pure. */
import { join } from 'node:path';

/** The name of the layer's own state directory in a charm (`<charmDir>/.docker-resource`). */
export const STATE_DIR_NAME = '.docker-resource';

/** The file a process creates while it breaks a stale lock at `lockPath` (src/lock.ts). */
export const lockBreakPath = (lockPath: string): string => `${lockPath}.break`;

/** The idle summary beside a state file (src/idle-summary.ts). */
export const idleSummaryPath = (stateFile: string): string => `${stateFile}.idle`;

/** The files of a charm's state: `<charmDir>/.docker-resource/state.json`, its `.bak`, its `.lock` and its idle summary. */
export function statePaths(charmDir: string): { dir: string; file: string; backup: string; lock: string; idle: string } {
  const dir = join(charmDir, STATE_DIR_NAME);
  const file = join(dir, 'state.json');
  return { dir, file, backup: `${file}.bak`, lock: `${file}.lock`, idle: idleSummaryPath(file) };
}
