/** Whether this process runs inside a Juju hook: the hook tools are on PATH only while Juju runs one. */
import { access, constants } from 'node:fs/promises';
import { statusSetCandidates } from './hook-env.js';

/**
 * Whether `status-set` is an executable in one of `env.PATH`'s directories. (`node:fs/promises`,
 * not `node:fs`: in an ES module the latter loads Node's stream modules, a cost every hook would pay.)
 */
export async function hookToolsOnPath(env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const file of statusSetCandidates(env)) {
    try {
      await access(file, constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** What a command that needs a hook says outside one. */
export const NOT_IN_HOOK =
  'not inside a Juju hook: the hook tools (resource-get, status-set, juju-log) are not on PATH, where Juju puts them ' +
  'only while it runs a hook; nothing was changed';
