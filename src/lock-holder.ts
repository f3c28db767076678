/**
 * Who holds a lock: the pid, and where /proc exists the process's start time and the boot id, so a
 * pid reused by an unrelated process (after a reboot, or once pids wrap) is told from the holder itself.
 */
import { readFile } from 'node:fs/promises'; // not node:fs: its ESM import loads Node's streams, which a hook need not
import { jsonRecord } from './own.js';

/** What a lock records about its holder; `start` and `boot` are absent where /proc is. */
export interface Holder {
  pid: number;
  /** The process's start time in clock ticks since boot (`/proc/PID/stat`, field 22). */
  start?: string;
  /** The kernel's boot id (`/proc/sys/kernel/random/boot_id`). */
  boot?: string;
}

const readText = (path: string): Promise<string | undefined> =>
  readFile(path, 'utf8').catch(() => undefined); // no /proc (not Linux), or the process is gone

/** The start time of process `pid` (field 22 of `/proc/PID/stat`), or undefined when it cannot be read. */
async function processStart(pid: number): Promise<string | undefined> {
  const stat = await readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Field 2, the command, is in parentheses and may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = fields[22 - 3];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

let boot: Promise<string | undefined> | undefined;
/** This boot's id, or undefined where the kernel does not say (read once). */
export function bootId(): Promise<string | undefined> {
  boot ??= readText('/proc/sys/kernel/random/boot_id').then((text) => text?.trim() || undefined);
  return boot;
}

let self: Promise<Holder> | undefined;
/** This process, as a lock records it (read once). */
export function selfHolder(): Promise<Holder> {
  self ??= Promise.all([processStart(process.pid), bootId()]).then(([start, id]) => ({
    pid: process.pid,
    ...(start !== undefined ? { start } : {}),
    ...(id !== undefined ? { boot: id } : {}),
  }));
  return self;
}

/** The holder a lock file's content names, or undefined when it names no valid pid. */
export function parseHolder(content: string): Holder | undefined {
  const data = jsonRecord(content);
  if (data === undefined) return undefined;
  const { pid, start, boot: recordedBoot } = data;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return {
    pid,
    ...(typeof start === 'string' ? { start } : {}),
    ...(typeof recordedBoot === 'string' ? { boot: recordedBoot } : {}),
  };
}

/**
 * Whether the recorded holder still runs: its pid is alive and, when the lock recorded them and /proc
 * tells them, the boot is the same and the process with that pid started when the holder did.
 */
export async function holderAlive(holder: Holder): Promise<boolean> {
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false; // EPERM: alive, owned by someone else
  }
  const nowBoot = await bootId();
  if (holder.boot !== undefined && nowBoot !== undefined && holder.boot !== nowBoot) return false;
  if (holder.start === undefined) return true;
  const start = await processStart(holder.pid);
  return start === undefined || start === holder.start;
}
