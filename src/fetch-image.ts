/** The `fetchImage` actor's work: resource-get, read the file, parse and validate it. */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FetchInput, FetchOutput } from '../machines/resource.machine.js';
import { HookToolError, InvalidResourceError, MissingResourceError } from './errors/index.js';
import type { HookTools } from './hook-tools.js';
import { MAX_RESOURCE_BYTES, contentDigest, parseImageFile } from './image-file.js';
import { MAX_DELAY_MS } from './layer-options.js';
import { firstLine } from './text.js';

/** How a fetch retries `resource-get` failures within one hook. */
export interface RetryPolicy {
  /** Extra attempts after the first failure of `resource-get` (0 turns in-hook retry off). */
  retries: number;
  /** Delay before the first retry (ms); doubles each time. */
  delayMs: number;
}

/** The default in-hook retry: one more try of `resource-get`, after 500 ms. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 1, delayMs: 500 };

/** Reads a resource file, bounded in size: missing, a directory or unreadable → MissingResourceError. */
export async function readResourceFile(name: string, path: string): Promise<Buffer> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not block the hook forever (no effect on a regular file).
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new MissingResourceError(name, `resource-get printed ${path}, which is a directory`);
    if (!stat.isFile()) throw new MissingResourceError(name, `resource-get printed ${path}, which is not a regular file`);
    if (stat.size > MAX_RESOURCE_BYTES)
      throw new InvalidResourceError(name, `resource file is ${stat.size} bytes, over the ${MAX_RESOURCE_BYTES}-byte limit`);
    // A buffer of the file's size and one byte more: a file that grew since stat() fills it, and is read
    // again into one of the limit's size (a fresh 64 KiB per resource made a 1000-resource hook churn memory).
    let buffer = Buffer.allocUnsafe(stat.size + 1);
    let { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > stat.size) {
      buffer = Buffer.allocUnsafe(MAX_RESOURCE_BYTES + 1);
      ({ bytesRead } = await handle.read(buffer, 0, buffer.length, 0));
    }
    if (bytesRead > MAX_RESOURCE_BYTES)
      throw new InvalidResourceError(name, `resource file is over the ${MAX_RESOURCE_BYTES}-byte limit`);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    if (error instanceof MissingResourceError || error instanceof InvalidResourceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    throw new MissingResourceError(name, `resource-get printed ${path}, which ${why}`, { cause: error });
  } finally {
    await handle?.close();
  }
}


const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/** Calls resource-get, retrying tool failures (exit 1) per the policy; other errors pass through. */
async function resourceGet(tools: HookTools, name: string, policy: RetryPolicy, signal: AbortSignal): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await tools.resourceGet(name, { signal });
    } catch (error) {
      const retryable = error instanceof HookToolError && error.failure === 'failed';
      if (!retryable || attempt >= policy.retries) throw error;
      await sleep(Math.min(policy.delayMs * 2 ** attempt, MAX_DELAY_MS), signal);
    }
  }
}

/** Makes the fetch implementation for the machine's `fetchImage` actor. */
export function createFetchImage(tools: HookTools, policy: RetryPolicy) {
  return async ({ input, signal }: { input: FetchInput; signal: AbortSignal }): Promise<FetchOutput> => {
    const { name } = input;
    let path: string;
    try {
      path = await resourceGet(tools, name, policy, signal);
    } catch (error) {
      if (error instanceof HookToolError && (error.failure === 'failed' || error.failure === 'usage')) {
        const detail = firstLine(error.stderr) || error.message;
        throw new MissingResourceError(name, `resource-get failed: ${detail}`, { cause: error });
      }
      throw error;
    }
    const content = await readResourceFile(name, path);
    const image = parseImageFile(name, content);
    return { image, digest: contentDigest(image) };
  };
}
