import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HookToolError } from '../src/errors/index.js';
import { createHookTools, defaultRunner, MAX_TOOL_OUTPUT, type Runner, type StatusState } from '../src/hook-tools.js';
import { createFakeJuju, type FakeJuju } from './fixtures/fake-juju.js';

type RunCall = { file: string; args: readonly string[]; options: Parameters<Runner>[2] };

/** A runner that records its calls and answers with `answer` (or throws what it throws). */
function fakeRunner(answer: (call: RunCall) => Partial<Awaited<ReturnType<Runner>>> = () => ({})) {
  const calls: RunCall[] = [];
  const run: Runner = async (file, args, options) => {
    const call = { file, args, options };
    calls.push(call);
    return { stdout: '', stderr: '', exitCode: 0, ...answer(call) };
  };
  return { run, calls };
}

/** Whether a process has ended (gone, or a zombie its new parent has not reaped yet), looking for up to 2 s. */
async function ended(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** The HookToolError a promise rejects with (fails the test if it resolves or rejects with something else). */
async function hookToolErrorOf(promise: Promise<unknown>): Promise<HookToolError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HookToolError);
  return error as HookToolError;
}

describe('hook tools with an injected runner', () => {
  it('runs resource-get NAME with no time limit and returns the path', async () => {
    const { run, calls } = fakeRunner(() => ({ stdout: '/var/lib/juju/agents/unit-a-0/resources/my-image/image.yaml' }));
    const env = { PATH: '/juju/bin', JUJU_CONTEXT_ID: 'a/0-install-1' };
    const path = await createHookTools({ run, env }).resourceGet('my-image');
    expect(path).toBe('/var/lib/juju/agents/unit-a-0/resources/my-image/image.yaml');
    expect(calls).toEqual([{ file: 'resource-get', args: ['my-image'], options: { env } }]);
  });

  it('trims the printed path and rejects an empty one as failed', async () => {
    const tools = (stdout: string) => createHookTools({ run: fakeRunner(() => ({ stdout })).run });
    await expect(tools('/r/my-image/image.yaml\n').resourceGet('my-image')).resolves.toBe('/r/my-image/image.yaml');
    const error = await hookToolErrorOf(tools(' \n').resourceGet('my-image'));
    expect(error).toMatchObject({ failure: 'failed', exitCode: 0, argv: ['resource-get', 'my-image'] });
    expect(error.message).toBe('resource-get my-image printed no path');
  });

  it.each(['', '-x', '--help'])('rejects the resource name %j before spawning', async (name) => {
    const { run, calls } = fakeRunner();
    const error = await hookToolErrorOf(createHookTools({ run }).resourceGet(name));
    expect(error.failure).toBe('usage');
    expect(error.message).toContain(JSON.stringify(name));
    expect(calls).toEqual([]);
  });

  it('runs status-set STATE -- MESSAGE with a 30 s default limit', async () => {
    const { run, calls } = fakeRunner();
    await createHookTools({ run }).statusSet('blocked', '-starts with dash');
    expect(calls).toEqual([{ file: 'status-set', args: ['blocked', '--', '-starts with dash'], options: { timeoutMs: 30_000 } }]);
  });

  it('validates the status state before spawning', async () => {
    const { run, calls } = fakeRunner();
    const error = await hookToolErrorOf(createHookTools({ run }).statusSet('error' as StatusState, 'boom'));
    expect(error).toMatchObject({ tool: 'status-set', failure: 'usage', exitCode: undefined });
    expect(error.message).toBe('status-set: invalid state "error", expected one of maintenance, blocked, waiting, active');
    expect(calls).toEqual([]);
  });

  it('runs juju-log -l LEVEL -- MESSAGE, INFO by default', async () => {
    const { run, calls } = fakeRunner();
    const tools = createHookTools({ run });
    await tools.jujuLog('-hello');
    await tools.jujuLog('boom', 'ERROR');
    expect(calls.map((call) => [call.file, ...call.args])).toEqual([
      ['juju-log', '-l', 'INFO', '--', '-hello'],
      ['juju-log', '-l', 'ERROR', '--', 'boom'],
    ]);
  });

  it('keeps the juju-log message out of the error', async () => {
    const { run } = fakeRunner(() => ({ exitCode: 1, stderr: 'ERROR cannot log\n' }));
    const error = await hookToolErrorOf(createHookTools({ run }).jujuLog('token s3cr3t', 'ERROR'));
    expect(error).toMatchObject({ tool: 'juju-log', failure: 'failed', exitCode: 1, argv: ['juju-log', '-l', 'ERROR', '--', '<message>'] });
    expect(error.message).toBe('juju-log -l ERROR failed (exit 1): ERROR cannot log');
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('s3cr3t');
  });

  it('validates the log level before spawning', async () => {
    const { run, calls } = fakeRunner();
    const error = await hookToolErrorOf(createHookTools({ run }).jujuLog('x', 'NOTICE' as 'INFO'));
    expect(error.failure).toBe('usage');
    expect(error.message).toContain('"NOTICE"');
    expect(calls).toEqual([]);
  });

  it('runs status-get --include-data --format=json and parses the status', async () => {
    const { run, calls } = fakeRunner(() => ({ stdout: '{"message":"fetching","status":"maintenance","status-data":{}}\n' }));
    await expect(createHookTools({ run }).statusGet()).resolves.toEqual({ status: 'maintenance', message: 'fetching' });
    expect(calls.map((call) => [call.file, ...call.args])).toEqual([['status-get', '--include-data', '--format=json']]);
  });

  it.each([
    ['a bare status string', '"active"\n', { status: 'active', message: '' }],
    ['an object without message', '{"status":"blocked"}', { status: 'blocked', message: '' }],
    ['an empty object', '{}', { status: 'unknown', message: '' }],
  ])('tolerates %s from status-get', async (_, stdout, expected) => {
    await expect(createHookTools({ run: fakeRunner(() => ({ stdout })).run }).statusGet()).resolves.toEqual(expected);
  });

  it('rejects status-get output that is not JSON', async () => {
    const error = await hookToolErrorOf(createHookTools({ run: fakeRunner(() => ({ stdout: 'active\n' })).run }).statusGet());
    expect(error).toMatchObject({ tool: 'status-get', failure: 'failed', exitCode: 0 });
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it.each([
    [1, 'failed'],
    [2, 'usage'],
    [3, 'failed'],
    [127, 'failed'],
  ] as const)('maps exit %d to %s, naming the tool, resource, code and first stderr line', async (exitCode, failure) => {
    const stderr = 'ERROR could not download resource: boom\nsecond line\n';
    const { run } = fakeRunner(() => ({ exitCode, stderr }));
    const error = await hookToolErrorOf(createHookTools({ run }).resourceGet('my-image'));
    expect(error).toMatchObject({ name: 'HookToolError', tool: 'resource-get', argv: ['resource-get', 'my-image'], failure, exitCode, stderr });
    expect(error.message).toBe(`resource-get my-image failed (exit ${exitCode}): ERROR could not download resource: boom`);
  });

  it('leaves the stderr part out of the message when stderr is empty', async () => {
    const error = await hookToolErrorOf(createHookTools({ run: fakeRunner(() => ({ exitCode: 1 })).run }).statusSet('active', ''));
    expect(error.message).toBe('status-set active failed (exit 1)');
  });

  it('maps ENOENT to not-in-hook and keeps the cause', async () => {
    const enoent = Object.assign(new Error('spawn status-set ENOENT'), { code: 'ENOENT' });
    const run: Runner = () => Promise.reject(enoent);
    const error = await hookToolErrorOf(createHookTools({ run }).statusSet('active', 'ready'));
    expect(error).toMatchObject({ tool: 'status-set', failure: 'not-in-hook', exitCode: undefined, argv: ['status-set', 'active', '--', 'ready'] });
    expect(error.message).toBe(
      'status-set: not found on PATH — not running inside a Juju hook (hook tools are only on PATH while a hook runs)',
    );
    expect(error.cause).toBe(enoent);
  });

  it('maps a timeout to timeout, naming the limit', async () => {
    const timedOut = Object.assign(new Error('timed out'), { timedOut: true });
    const calls: Array<Parameters<Runner>[2]> = [];
    const run: Runner = (_file, _args, options) => {
      calls.push(options);
      return Promise.reject(timedOut);
    };
    const error = await hookToolErrorOf(createHookTools({ run }).resourceGet('my-image', { timeoutMs: 200 }));
    expect(error).toMatchObject({ failure: 'timeout', cause: timedOut });
    expect(error.message).toBe('resource-get my-image timed out after 200 ms');
    expect(calls).toEqual([{ timeoutMs: 200 }]);
  });

  it('takes the time limit from the call, then the options, then the tool default; 0 means none', async () => {
    const { run, calls } = fakeRunner(() => ({ stdout: '"active"' }));
    await createHookTools({ run, timeoutMs: 5_000 }).resourceGet('a');
    await createHookTools({ run, timeoutMs: 5_000 }).jujuLog('m', 'INFO', { timeoutMs: 100 });
    await createHookTools({ run }).jujuLog('m', 'INFO', { timeoutMs: 0 });
    await createHookTools({ run, timeoutMs: Infinity }).statusGet();
    expect(calls.map((call) => call.options.timeoutMs)).toEqual([5_000, 100, undefined, undefined]);
  });

  it('maps an abort to aborted, and does not spawn when the signal is already aborted', async () => {
    const { run, calls } = fakeRunner();
    const error = await hookToolErrorOf(createHookTools({ run }).resourceGet('my-image', { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ failure: 'aborted', message: 'resource-get my-image was aborted' });
    expect(calls).toEqual([]);

    const controller = new AbortController();
    const aborting: Runner = (_file, _args, options) => {
      expect(options.signal).toBe(controller.signal);
      controller.abort();
      return Promise.reject(new Error('canceled'));
    };
    const late = await hookToolErrorOf(createHookTools({ run: aborting }).statusSet('active', 'x', { signal: controller.signal }));
    expect(late.failure).toBe('aborted');
  });

  it('maps any other runner rejection to failed with the cause', async () => {
    const killed = new Error('Command was killed with SIGKILL\nmore');
    const error = await hookToolErrorOf(createHookTools({ run: () => Promise.reject(killed) }).statusGet());
    expect(error).toMatchObject({ failure: 'failed', message: 'status-get failed: Command was killed with SIGKILL', cause: killed });
  });
});

describe('hook tools against the fake Juju tools (execa)', () => {
  let juju: FakeJuju;
  beforeEach(async () => {
    juju = await createFakeJuju();
  });
  afterEach(async () => {
    await juju.cleanup();
  });

  it('returns the path of the unit copy with no newline and records the call', async () => {
    await juju.attach('my-image', 'registrypath: example.com/app@sha256:0123\n');
    const path = await createHookTools({ env: juju.env() }).resourceGet('my-image');
    expect(path).toBe(join(juju.dir, 'unit/resources/my-image/image.yaml'));
    await expect(readFile(path, 'utf8')).resolves.toBe('registrypath: example.com/app@sha256:0123\n');
    expect(await juju.calls()).toEqual([['resource-get', 'my-image']]);
  });

  it('returns an empty attached file path too (emptiness is for the reader to judge)', async () => {
    await juju.attach('my-image', '');
    await expect(createHookTools({ env: juju.env() }).resourceGet('my-image')).resolves.toMatch(/image\.yaml$/);
  });

  it('trims a path printed with a newline', async () => {
    await juju.setPath('my-image', '/elsewhere/image.yaml\n');
    await expect(createHookTools({ env: juju.env() }).resourceGet('my-image')).resolves.toBe('/elsewhere/image.yaml');
  });

  it('throws a failed HookToolError for a resource that is not attached', async () => {
    const error = await hookToolErrorOf(createHookTools({ env: juju.env() }).resourceGet('my-image'));
    expect(error).toMatchObject({ tool: 'resource-get', failure: 'failed', exitCode: 1 });
    expect(error.message).toBe('resource-get my-image failed (exit 1): ERROR could not download resource: resource "my-image" not found');
  });

  it('fails transiently, then succeeds', async () => {
    await juju.attach('my-image', 'registrypath: a\n');
    await juju.failTimes('my-image', 1);
    const tools = createHookTools({ env: juju.env() });
    expect((await hookToolErrorOf(tools.resourceGet('my-image'))).failure).toBe('failed');
    await expect(tools.resourceGet('my-image')).resolves.toMatch(/image\.yaml$/);
    expect(await juju.calls()).toEqual([
      ['resource-get', 'my-image'],
      ['resource-get', 'my-image'],
    ]);
  });

  it('maps an exit 2 from the tool to usage', async () => {
    await juju.failWith('my-image', 2);
    const error = await hookToolErrorOf(createHookTools({ env: juju.env() }).resourceGet('my-image'));
    expect(error).toMatchObject({ failure: 'usage', exitCode: 2 });
  });

  it('sets the status with -- before the message, and reads it back', async () => {
    const tools = createHookTools({ env: juju.env() });
    await expect(tools.statusGet()).resolves.toEqual({ status: 'unknown', message: '' });
    const message = '-starts with dash, "quotes" \\ backslash';
    await tools.statusSet('active', message);
    expect(await juju.status()).toEqual({ state: 'active', message });
    await expect(tools.statusGet()).resolves.toEqual({ status: 'active', message });
    expect(await juju.calls()).toEqual([
      ['status-get', '--include-data', '--format=json'],
      ['status-set', 'active', '--', message],
      ['status-get', '--include-data', '--format=json'],
    ]);
  });

  it('escapes control characters in status messages and log lines: no forged line, no escape sequence', async () => {
    const tools = createHookTools({ env: juju.env() });
    await tools.statusSet('active', 'ready\npassword: x\r\x1b]0;title\x07\x00\u009b2J');
    await tools.jujuLog('line one\nERROR forged line\x1b[2J', 'INFO');
    const shown = 'ready\\npassword: x\\r\\x1b]0;title\\x07\\x00\\x9b2J';
    expect(await juju.status()).toEqual({ state: 'active', message: shown });
    expect(await juju.calls()).toEqual([
      ['status-set', 'active', '--', shown],
      ['juju-log', '-l', 'INFO', '--', 'line one\\nERROR forged line\\x1b[2J'],
    ]);
  });

  it("kills a hung resource-get's whole process group: a child it did not exec dies too, and the call returns", async () => {
    await juju.hang('my-image', { child: true });
    const error = await hookToolErrorOf(createHookTools({ env: juju.env() }).resourceGet('my-image', { timeoutMs: 300 }));
    expect(error).toMatchObject({ failure: 'timeout', message: 'resource-get my-image timed out after 300 ms' });
    for (const pid of [await juju.hungPid('my-image'), await juju.hungChildPid('my-image')]) {
      expect(pid).toEqual(expect.any(Number));
      expect(await ended(pid!)).toBe(true);
    }
  });

  it.each(['stdout', 'stderr'] as const)('keeps at most 64 KiB of 8 MB on %s, cut visibly, and a short message', async (stream) => {
    await juju.spew('my-image', stream, 8 * 1024 * 1024);
    const result = await createHookTools({ env: juju.env() })
      .resourceGet('my-image')
      .then((path) => ({ path, error: undefined }), (error: HookToolError) => ({ path: undefined, error }));
    const kept = stream === 'stdout' ? result.path! : result.error!.stderr;
    expect(kept.length).toBeLessThanOrEqual(MAX_TOOL_OUTPUT + 64);
    expect(kept).toMatch(/^x+… \(\d+ more characters cut\)$/);
    if (result.error) expect(result.error.message.length).toBeLessThanOrEqual(1100);
  });

  it('logs with -l LEVEL -- MESSAGE and hides the message when juju-log fails', async () => {
    const tools = createHookTools({ env: juju.env() });
    await tools.jujuLog('-hello', 'WARNING');
    await tools.jujuLog('');
    await juju.failTool('juju-log', 1);
    const error = await hookToolErrorOf(tools.jujuLog('password=hunter2', 'ERROR'));
    expect(error).toMatchObject({ failure: 'failed', exitCode: 1, argv: ['juju-log', '-l', 'ERROR', '--', '<message>'] });
    expect(error.message).not.toContain('hunter2');
    expect(await juju.calls()).toEqual([
      ['juju-log', '-l', 'WARNING', '--', '-hello'],
      ['juju-log', '-l', 'INFO', '--', ''],
      ['juju-log', '-l', 'ERROR', '--', 'password=hunter2'],
    ]);
  });

  it('kills a hung resource-get at its time limit', async () => {
    await juju.hang('my-image');
    const started = Date.now();
    const error = await hookToolErrorOf(createHookTools({ env: juju.env() }).resourceGet('my-image', { timeoutMs: 200 }));
    expect(error).toMatchObject({ failure: 'timeout', message: 'resource-get my-image timed out after 200 ms' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const pid = await juju.hungPid('my-image');
    expect(pid).toEqual(expect.any(Number));
    expect(() => process.kill(pid as number, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('kills a hung resource-get when the signal aborts', async () => {
    await juju.hang('my-image');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await hookToolErrorOf(createHookTools({ env: juju.env() }).resourceGet('my-image', { signal: controller.signal }));
    expect(error.failure).toBe('aborted');
    const pid = await juju.hungPid('my-image');
    expect(() => process.kill(pid as number, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('reports not-in-hook when the tools are not on PATH', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'no-hook-tools-'));
    try {
      const tools = createHookTools({ env: juju.env({ PATH: empty }) });
      const error = await hookToolErrorOf(tools.resourceGet('my-image'));
      expect(error).toMatchObject({ tool: 'resource-get', failure: 'not-in-hook', exitCode: undefined });
      expect(error.message).toMatch(/^resource-get: not found on PATH/);
      expect((await hookToolErrorOf(tools.jujuLog('x'))).failure).toBe('not-in-hook');
      expect(await juju.calls()).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('records concurrent calls as whole records', async () => {
    const tools = createHookTools({ env: juju.env() });
    const messages = Array.from({ length: 20 }, (_, i) => `message ${i} ${'x'.repeat(200)}`);
    await Promise.all(messages.map((message) => tools.jujuLog(message)));
    const calls = await juju.calls();
    expect(calls).toHaveLength(20);
    expect(calls.map((call) => call[4]).sort()).toEqual([...messages].sort());
  });
});

describe('the fake Juju tools', () => {
  let juju: FakeJuju;
  beforeEach(async () => {
    juju = await createFakeJuju();
  });
  afterEach(async () => {
    await juju.cleanup();
  });

  it.each([
    [['resource-get'], 'ERROR missing required resource name'],
    [['resource-get', 'a', 'b'], 'ERROR unrecognized args: b'],
    [['resource-get', '-x'], 'ERROR option provided but not defined: -x'],
    [['status-set', 'error', 'boom'], 'ERROR invalid status "error", expected one of [maintenance blocked waiting active]'],
    [['status-set', 'active', '-dash'], 'ERROR option provided but not defined: -dash'],
    [['juju-log', '-l', 'NOTICE', 'x'], 'ERROR invalid log level "NOTICE", expected one of [TRACE DEBUG INFO WARNING ERROR]'],
    [['juju-log', '-l', 'INFO'], 'ERROR no message specified'],
  ])('reject bad usage %j with exit 2', async ([tool, ...args], stderr) => {
    const result = await defaultRunner(tool as string, args, { env: juju.env() });
    expect(result).toEqual({ stdout: '', stderr: `${stderr}\n`, exitCode: 2 });
    expect(await juju.calls()).toEqual([[tool, ...args]]);
  });

  it('refuse to run without FAKE_JUJU_DIR', async () => {
    const result = await defaultRunner('status-get', [], { env: juju.env({ FAKE_JUJU_DIR: undefined }) });
    expect(result.exitCode).toBe(2);
  });

  it('print only the status value unless --include-data is given, as Juju does', async () => {
    await juju.failTool('status-set', 1);
    expect((await defaultRunner('status-set', ['active', 'x'], { env: juju.env() })).exitCode).toBe(1);
    expect(await juju.status()).toBeUndefined();
    await rm(join(juju.dir, 'status-set.exit'));
    await defaultRunner('status-set', ['--application', 'waiting'], { env: juju.env() });
    const result = await defaultRunner('status-get', ['--format=json'], { env: juju.env() });
    expect(result.stdout).toBe('"waiting"\n');
  });
});
