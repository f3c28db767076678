/**
 * The files a charm declares itself in, and the key that says whether they changed: pure, so that the
 * idle hook's short way (src/idle-hook.ts) computes the same key as the layer without loading it.
 */

/** The charm files the layer reads, in the order of the key's parts. */
export const CHARM_FILES = ['metadata.yaml', 'charmcraft.yaml', 'layer.yaml'] as const;

/** What the key reads of a file's `stat`. */
export type KeyStats = { size: number; mtimeMs: number; ctimeMs: number; ino: number };

/** The key of the charm files from their stats in {@link CHARM_FILES} order (`undefined`: missing or unreadable). */
export function charmFilesKey(stats: ReadonlyArray<KeyStats | undefined>): string {
  return stats.map((s) => (s === undefined ? '-' : `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}`)).join('|');
}
