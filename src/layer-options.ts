/**
 * Checks the options given to `openLayer` from code. TypeScript catches most mistakes, but a charm
 * in JavaScript, or options read from a file, can pass `'yes'` for a boolean or `-1` for a count:
 * each fails here with an error that names the option and says what it must be.
 */
import { LayerOptionError } from './errors/index.js';
import type { LayerOptions } from './orchestrator.js';
import { isRecord, own } from './own.js';

/** The longest delay a timer can wait (setTimeout fires at once beyond it): 2³¹ − 1 ms, about 24.8 days. */
export const MAX_DELAY_MS = 2 ** 31 - 1;

type Check = (value: unknown) => string | null;


/** What a wrong value was, for the message: short, escaped, and only the type for options that may hold secrets. */
function shown(value: unknown, revealable: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      if (!revealable) return 'a string';
      const text = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
      return `the string ${text}`;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return revealable ? `${typeof value === 'bigint' ? 'the bigint ' : ''}${String(value)}` : `a ${typeof value}`;
    case 'function':
      return 'a function';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const string: Check = (v) => (typeof v === 'string' && v !== '' ? null : 'must be a non-empty string');
const boolean: Check = (v) => (typeof v === 'boolean' ? null : 'must be true or false');
const fn: Check = (v) => (typeof v === 'function' ? null : 'must be a function');
const integer =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? null : `must be a whole number ≥ ${min}`;
const milliseconds =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= MAX_DELAY_MS
      ? null
      : `must be a number of milliseconds from ${min} to ${MAX_DELAY_MS}`;
const object: Check = (v) => (isRecord(v) ? null : 'must be an object');

const HOOK_TOOLS = ['resourceGet', 'statusSet', 'statusGet', 'jujuLog'] as const;
const tools: Check = (v) => {
  if (!isRecord(v)) return 'must be hook tools: an object with resourceGet, statusSet, statusGet and jujuLog functions';
  const missing = HOOK_TOOLS.filter((name) => typeof v[name] !== 'function');
  return missing.length === 0 ? null : `must be hook tools, but its ${missing.join(', ')} ${missing.length === 1 ? 'is not a function' : 'are not functions'}`;
};
const inspect: Check = (v) =>
  typeof v === 'function' || (isRecord(v) && (v['next'] === undefined || typeof v['next'] === 'function'))
    ? null
    : 'must be an inspector: a function, or an object with a next(event) function';

const RETRY: Record<string, [Check, boolean]> = { retries: [integer(0), true], delayMs: [milliseconds(0), true] };
const REGISTRY: Record<string, [Check, boolean]> = { timeoutMs: [milliseconds(1), true], fetch: [fn, false] };

/** Every option of `openLayer`, with its check; `true` where its value may be shown in an error. */
const OPTIONS: Record<keyof LayerOptions, [Check, boolean]> = {
  charmDir: [string, true],
  env: [object, false],
  tools: [tools, false],
  hookName: [string, true],
  setStatus: [boolean, true],
  concurrency: [integer(1), true],
  fetchTimeoutMs: [milliseconds(1), true],
  retry: [object, false],
  verify: [boolean, true],
  registry: [object, false],
  stateFile: [string, true],
  lockTimeoutMs: [milliseconds(0), true],
  historyLimit: [integer(0), true],
  inspect: [inspect, false],
  onWarning: [fn, false],
  now: [fn, false],
};

function checkAll(given: Record<string, unknown>, checks: Record<string, [Check, boolean]>, prefix: string): void {
  for (const [key, value] of Object.entries(given)) {
    const entry = own(checks, key);
    if (!entry) {
      const known = Object.keys(checks).join(', ');
      throw new LayerOptionError(`${prefix}${key}`, `is not an option (the options are: ${known})`);
    }
    if (value === undefined) continue;
    const [check, revealable] = entry;
    const problem = check(value);
    // An object is wrong for what it lacks, which the problem says; any other value for what it is.
    if (problem) throw new LayerOptionError(`${prefix}${key}`, isRecord(value) ? problem : `${problem}, not ${shown(value, revealable)}`);
  }
}

/** Throws a {@link LayerOptionError} naming the first unknown option or wrong value; `undefined` means "not given". */
export function validateLayerOptions(options: unknown): asserts options is LayerOptions {
  if (options === undefined) return;
  if (!isRecord(options)) throw new LayerOptionError('', `must be an object, not ${shown(options, false)}`);
  checkAll(options, OPTIONS, '');
  const retry = options['retry'];
  if (isRecord(retry)) checkAll(retry, RETRY, 'retry.');
  const registry = options['registry'];
  if (isRecord(registry)) checkAll(registry, REGISTRY, 'registry.');
}
