/** What the hook environment says: where the charm is, which hook runs, where its tools are. Pure. */
import { delimiter, join } from 'node:path';

/** The charm directory from the hook environment: JUJU_CHARM_DIR, else CHARM_DIR, else the current directory. */
export function charmDirFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return env['JUJU_CHARM_DIR'] || env['CHARM_DIR'] || cwd;
}

/** The hook's name: from JUJU_DISPATCH_PATH (`hooks/install` → `install`), else JUJU_HOOK_NAME. */
export function hookNameFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const dispatch = env['JUJU_DISPATCH_PATH'];
  if (dispatch) return dispatch.split('/').pop() || undefined;
  return env['JUJU_HOOK_NAME'] || undefined;
}

/** Where `status-set` would be, in `env.PATH`'s order: it is on PATH only while Juju runs a hook (src/in-hook.ts). */
export function statusSetCandidates(env: NodeJS.ProcessEnv): string[] {
  return (env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'status-set'));
}
