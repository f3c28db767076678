/**
 * The idle summary: a small file beside the state (`state.json.idle`) that says, of the state file as it
 * was written, under which `hook` flags the next hook has nothing to do. The hook that writes the state
 * writes it; the bin's short way (src/idle-hook.ts) reads it, so that an idle hook need not read, parse
 * and check every resource's snapshot. It is a cache: it names the state file it describes by identity
 * (device, inode, size, modification and change times), so a summary that does not match the state file
 * on disk, or cannot be read, says nothing and the hook runs in full. It holds no credential. Pure.
 */
import { jsonRecord } from './own.js';
import { VERSION } from './version.js';

/** The format of the summary this code writes and reads. */
export const IDLE_SUMMARY_FORMAT = 1;

/** The largest summary read: one is about 200 bytes. */
export const MAX_IDLE_SUMMARY_BYTES = 4096;

/** The `hook` flags that change what a hook does with the same state (`--no-status`, `--verify`). */
export const IDLE_FLAGS = ['no-status', 'verify'] as const;
export type IdleFlag = (typeof IDLE_FLAGS)[number];

/** Every combination of {@link IDLE_FLAGS}, as {@link flagKey} spells it. */
export const FLAG_SETS: readonly (readonly IdleFlag[])[] = [[], ['no-status'], ['verify'], ['no-status', 'verify']];

/** One combination of flags as a key: the flags given, in {@link IDLE_FLAGS} order, joined by spaces. */
export function flagKey(flags: Iterable<IdleFlag>): string {
  const given = new Set(flags);
  return IDLE_FLAGS.filter((f) => given.has(f)).join(' ');
}

/** The identity of a file as `stat(path, { bigint: true })` reports it: any write, rename or chmod changes it. */
export function fileIdentity(st: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** What a summary says. */
export interface IdleSummary {
  format: typeof IDLE_SUMMARY_FORMAT;
  /** The docker-resource that wrote it: another version decides for itself. */
  version: string;
  /** The state file it describes ({@link fileIdentity}). */
  state: string;
  /** The charm files' key when the state was written (src/charm-files.ts). */
  charm: string;
  /** The flag keys ({@link flagKey}) under which a hook other than upgrade-charm has nothing to do. */
  idle: string[];
}

/** The summary's text. */
export function formatIdleSummary(summary: Omit<IdleSummary, 'format' | 'version'>): string {
  const { state, charm, idle } = summary;
  return `${JSON.stringify({ format: IDLE_SUMMARY_FORMAT, version: VERSION, state, charm, idle })}\n`;
}

const KEYS = new Set(FLAG_SETS.map(flagKey));

/** The summary in `text`, or `undefined` when it is not one this code wrote (the hook then runs in full). */
export function parseIdleSummary(text: string): IdleSummary | undefined {
  const value = text.length > MAX_IDLE_SUMMARY_BYTES ? undefined : jsonRecord(text);
  if (value === undefined) return undefined;
  const { format, version, state, charm, idle } = value;
  if (format !== IDLE_SUMMARY_FORMAT || typeof version !== 'string' || typeof state !== 'string' || typeof charm !== 'string') return undefined;
  if (!Array.isArray(idle) || !idle.every((k): k is string => typeof k === 'string' && KEYS.has(k))) return undefined;
  return { format, version, state, charm, idle };
}
