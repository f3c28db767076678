/**
 * The example charm's entry point (bundled to dist/dispatch.mjs, run by ./dispatch):
 * the real hook tools, the hook's environment, and `pod-spec-set` for the pod spec.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHookTools, openLayer } from '../../../src/index.js';
import { runCharm, type PodSpec } from './charm.js';

/** Runs `pod-spec-set --file SPEC`; the file holds credentials, so it is owner-only and removed after. */
async function podSpecSet(spec: PodSpec): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'image-charm-'));
  try {
    const file = join(dir, 'pod-spec.json');
    await writeFile(file, JSON.stringify(spec), { mode: 0o600 });
    await promisify(execFile)('pod-spec-set', ['--file', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const tools = createHookTools();
const layer = await openLayer({ tools });
await runCharm(layer, { podSpecSet, log: (message, level) => tools.jujuLog(message, level) });
