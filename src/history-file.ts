/**
 * The history file, beside the state file (`state.json.history`): each resource's recorded transitions
 * and the phases of the last hooks. Apart from the state so that an idle hook reads neither (a full
 * history of 1000 resources is megabytes of JSON); read when a hook writes, or when asked for a history.
 */
import * as nodeModule from 'node:module';
import { toHistory, type LayerState } from './layer-state.js';
import { MAX_STATE_BYTES } from './state-file-target.js';
import { STATE_VERSION, writeStateFile } from './state-file.js';

/** What the history file holds. */
export type SavedHistory = Pick<LayerState, 'history' | 'hooks'>;

/** The history file that goes with a state file. */
const historyPath = (stateFile: string): string => `${stateFile}.history`;

/** node:fs, required when a history is read (an ES module import of node:fs would load the stream modules in every hook). */
const fs = (): typeof import('node:fs') => nodeModule.createRequire(import.meta.url)('fs') as typeof import('node:fs');

/** The document at `path`, `null` when there is none, or why it cannot be used. */
function readDocument(path: string): { data: unknown } | null | { problem: string } {
  const { openSync, fstatSync, readFileSync, closeSync, constants } = fs();
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO must not block the hook
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? null : { problem: `unreadable: ${code ?? 'error'}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: 'not a regular file' };
    if (st.size > MAX_STATE_BYTES) return { problem: `larger than ${MAX_STATE_BYTES} bytes` };
    const data = JSON.parse(readFileSync(fd, 'utf8')) as unknown;
    const version = (data as { version?: unknown } | null)?.version;
    return version === STATE_VERSION ? { data } : { problem: `not a history of version ${STATE_VERSION}` };
  } catch {
    return { problem: 'not valid JSON: truncated or corrupt' };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the history of the state file at `stateFile` (falling back to its last good copy), or `null`
 * when there is none yet. A damaged one is reported in `warnings` and read as empty: the history is a
 * record, and the hook goes on without it.
 */
export function readHistoryFile(stateFile: string, warnings: string[]): SavedHistory | null {
  const path = historyPath(stateFile);
  for (const file of [path, `${path}.bak`]) {
    const found = readDocument(file);
    if (found === null) continue;
    if ('data' in found) return toHistory(found.data, warnings);
    warnings.push(`history file ${file} is damaged (${found.problem}); it is left out`);
  }
  return null;
}

/** Writes the history file (atomically, owner-only, keeping the last good copy, as the state file). */
export async function writeHistoryFile(stateFile: string, saved: SavedHistory): Promise<void> {
  await writeStateFile(historyPath(stateFile), { history: saved.history, ...(saved.hooks ? { hooks: saved.hooks } : {}) });
}
