/** validateLayerOptions: options of the wrong type given from code fail with an error naming the option. */
import { describe, expect, it } from '@jest/globals';
import { LayerOptionError } from '../src/errors/index.js';
import { MAX_DELAY_MS, validateLayerOptions } from '../src/layer-options.js';
import { openLayer } from '../src/orchestrator.js';
import { MemoryJuju } from '../src/testing/index.js';
import { thrown } from './fixtures/thrown.js';

const message = (options: unknown) => (thrown(() => validateLayerOptions(options)) as Error).message;

describe('validateLayerOptions', () => {
  it('accepts every option of the right type, and undefined as "not given"', () => {
    const juju = new MemoryJuju();
    expect(() =>
      validateLayerOptions({
        charmDir: '/charm',
        env: {},
        tools: juju,
        hookName: 'install',
        setStatus: false,
        concurrency: 4,
        fetchTimeoutMs: 1_000,
        retry: { retries: 0, delayMs: 0 },
        stateFile: '/charm/state.json',
        lockTimeoutMs: 0,
        historyLimit: 0,
        inspect: { next: () => undefined },
        onWarning: () => undefined,
        now: () => new Date(),
        concurrencyUnset: undefined,
      }),
    ).toThrow('layer option "concurrencyUnset" is not an option');
    expect(() => validateLayerOptions({ setStatus: undefined, retry: { delayMs: 5 }, inspect: () => undefined })).not.toThrow();
    expect(() => validateLayerOptions(undefined)).not.toThrow();
    juju.cleanup();
  });

  it.each([
    [{ setStatus: 'yes' }, 'layer option "setStatus" must be true or false, not the string "yes"'],
    [{ concurrency: -1 }, 'layer option "concurrency" must be a whole number ≥ 1, not -1'],
    [{ concurrency: 2.5 }, 'layer option "concurrency" must be a whole number ≥ 1, not 2.5'],
    [{ historyLimit: '20' }, 'layer option "historyLimit" must be a whole number ≥ 0, not the string "20"'],
    [{ fetchTimeoutMs: 0 }, `layer option "fetchTimeoutMs" must be a number of milliseconds from 1 to ${MAX_DELAY_MS}, not 0`],
    [{ fetchTimeoutMs: 2 ** 31 }, `layer option "fetchTimeoutMs" must be a number of milliseconds from 1 to ${MAX_DELAY_MS}, not 2147483648`],
    [{ lockTimeoutMs: Number.NaN }, `layer option "lockTimeoutMs" must be a number of milliseconds from 0 to ${MAX_DELAY_MS}, not NaN`],
    [{ retry: 1 }, 'layer option "retry" must be an object, not a number'],
    [{ retry: { retries: -1 } }, 'layer option "retry.retries" must be a whole number ≥ 0, not -1'],
    [{ retry: { tries: 2 } }, 'layer option "retry.tries" is not an option (the options are: retries, delayMs)'],
    [{ charmDir: '' }, 'layer option "charmDir" must be a non-empty string, not the string ""'],
    [{ env: 'PATH=/bin' }, 'layer option "env" must be an object, not a string'],
    [{ tools: { resourceGet() {} } }, 'layer option "tools" must be hook tools, but its statusSet, statusGet, jujuLog are not functions'],
    [{ inspect: { next: 1 } }, 'layer option "inspect" must be an inspector: a function, or an object with a next(event) function'],
    [{ onWarning: 'stderr' }, 'layer option "onWarning" must be a function, not a string'],
    ['fast', 'the layer options must be an object, not a string'],
  ])('%j → %s', (options, expected) => {
    expect(message(options)).toBe(expected);
  });

  it('names an unknown option and lists the known ones', () => {
    const error = thrown(() => validateLayerOptions({ concurency: 4 }));
    expect(error).toBeInstanceOf(LayerOptionError);
    expect(error).toMatchObject({ option: 'concurency' });
    expect((error as Error).message).toMatch(/^layer option "concurency" is not an option \(the options are: charmDir, env, tools, hookName, setStatus, concurrency,/);
  });

  it('never shows a long string whole, nor a control character raw', () => {
    expect(message({ setStatus: 'x'.repeat(100) })).toContain(`the string "${'x'.repeat(40)}…"`);
    expect(message({ setStatus: 'y\x1b[31m' })).toContain('the string "y\\u001b[31m"');
  });
});

describe('openLayer', () => {
  it('checks its options before it touches anything', async () => {
    await expect(openLayer({ charmDir: '/nonexistent/charm', setStatus: 'no' as never })).rejects.toThrow(
      'layer option "setStatus" must be true or false, not the string "no"',
    );
  });
});
