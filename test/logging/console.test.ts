// The console default: enablePrettyLogging(sink, level) takes pino's call shapes and writes one
// text line per call — the message, the fields as key=value, and at error the stack; the default
// logger's level comes from ZGROBOT_LOG_LEVEL, else `error` under vitest, else `info`.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultLogger, defaultLogLevel } from '../../src/core/console-logger.js';
import { enablePrettyLogging, silentLogger } from '../../src/index.js';
import { recordingLogger } from '../middleware/helpers.js';

const STAMP = /^\[([DIWE]) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] /;

/** What the pretty logger wrote through a recording sink: the finished lines. */
function prettyInto(level: Parameters<typeof enablePrettyLogging>[1]) {
  const sink = recordingLogger();
  return { sink, logger: enablePrettyLogging(sink, level), lines: () => sink.entries };
}

describe('enablePrettyLogging(sink, level)', () => {
  it('writes at the level and above, one line each: tag and time, message, fields', () => {
    const { logger, lines } = prettyInto('warn');
    logger.debug('d');
    logger.info({ a: 1 }, 'i');
    logger.warn({ openid: 'o1', msgType: 'text', duration: 12 }, 'zgrobot: w');
    logger.error('zgrobot: e');
    expect(lines().map((e) => e.level)).toEqual(['warn', 'error']);
    expect(lines()[0]?.msg).toMatch(STAMP);
    expect(lines()[0]?.msg.replace(STAMP, '')).toBe(
      'zgrobot: w openid=o1 msgType=text duration=12',
    );
    expect(lines()[1]?.msg.replace(STAMP, '')).toBe('zgrobot: e');
    // The sink gets the finished line and nothing else.
    expect(lines()[0]?.fields).toEqual({});
  });

  it('at error, the stack of err (and of its cause) follows the line', () => {
    const { logger, lines } = prettyInto('info');
    const error = new Error('boom', { cause: new TypeError('underneath') });
    logger.error({ openid: 'o1', err: error }, 'zgrobot: a handler threw');
    const [first, ...rest] = lines()[0]?.msg.split('\n') ?? [];
    expect(first?.replace(STAMP, '')).toBe('zgrobot: a handler threw openid=o1');
    const stack = rest.join('\n');
    expect(stack).toMatch(/^Error: boom\n\s+at /);
    expect(stack).toMatch(/\nCaused by: TypeError: underneath\n\s+at /);
  });

  it("below error, err is its name and message, no stack; an Error alone is pino's (err, its message)", () => {
    const { logger, lines } = prettyInto('debug');
    logger.warn({ err: new RangeError('store down'), step: 'claim' }, 'zgrobot: x');
    expect(lines()[0]?.msg.replace(STAMP, '')).toBe(
      'zgrobot: x err="RangeError: store down" step=claim',
    );
    logger.error(new Error('alone'));
    expect(lines()[1]?.msg.replace(STAMP, '')).toMatch(/^alone\nError: alone\n\s+at /);
  });

  it('quotes values with spaces, shows objects as JSON, skips undefined', () => {
    const { logger, lines } = prettyInto('info');
    logger.info(
      { reason: 'bad signature (received 3 characters)', list: [1, 2], none: undefined, n: null },
      'm',
    );
    expect(lines()[0]?.msg.replace(STAMP, '')).toBe(
      'm reason="bad signature (received 3 characters)" list=[1,2] n=null',
    );
  });

  it("child(bindings) puts the bindings on every line, before the line's own fields", () => {
    const { logger, lines } = prettyInto('info');
    logger.child?.({ bot: 'one' }).child?.({ shard: 2 }).info({ openid: 'o1' }, 'm');
    expect(lines()[0]?.msg.replace(STAMP, '')).toBe('m bot=one shard=2 openid=o1');
  });

  it('silent writes nothing', () => {
    const { logger, lines } = prettyInto('silent');
    logger.error({ err: new Error('x') }, 'm');
    expect(lines()).toHaveLength(0);
    expect(silentLogger.child?.({ a: 1 })).toBe(silentLogger);
  });
});

describe('the default level', () => {
  it('ZGROBOT_LOG_LEVEL wins; else error under vitest; else info', () => {
    expect(defaultLogLevel({ ZGROBOT_LOG_LEVEL: 'debug', VITEST: 'true' })).toBe('debug');
    expect(defaultLogLevel({ ZGROBOT_LOG_LEVEL: ' WARN ' })).toBe('warn');
    expect(defaultLogLevel({ VITEST: 'true' })).toBe('error');
    expect(defaultLogLevel({ ZGROBOT_LOG_LEVEL: '' })).toBe('info');
    expect(defaultLogLevel({})).toBe('info');
    // This very run is under vitest.
    expect(process.env.VITEST).toBeTruthy();
  });

  it('a level that is not one fails naming the variable', () => {
    expect(() => defaultLogLevel({ ZGROBOT_LOG_LEVEL: 'verbose' })).toThrow(
      /ZGROBOT_LOG_LEVEL must be one of debug, info, warn, error, silent, got "verbose"/,
    );
    expect(() => defaultLogger({ ZGROBOT_LOG_LEVEL: 'loud' })).toThrow(TypeError);
  });
});

const FIXTURE = fileURLToPath(new URL('./fixtures/default-logger.ts', import.meta.url));

/** Runs the fixture (a robot with the default logger, a throwing handler) under `env`. */
function runFixture(env: Record<string, string | undefined>) {
  const merged: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', FIXTURE],
      { env: merged, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
  });
}

describe('the default logger, in a real process', () => {
  it('prints info to stdout, and the error line with its fields, stack and cause to stderr', async () => {
    const run = await runFixture({ VITEST: undefined, ZGROBOT_LOG_LEVEL: undefined });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\[I [^\]]+\] fixture: info line step=start$/m);
    expect(run.stdout).toContain('fixture: reply success');
    expect(run.stderr).toMatch(
      /^\[E [^\]]+\] zgrobot: a handler threw account=gh_\w+ openid=\w+ msgType=text msgId=\d+ duration=\d+\nError: the handler broke on purpose\n\s+at /m,
    );
    expect(run.stderr).toMatch(/\nCaused by: Error: the root cause\n\s+at /);
  });

  it('under vitest, errors only: no info line, the stack still shown', async () => {
    const run = await runFixture({ VITEST: 'true', ZGROBOT_LOG_LEVEL: undefined });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('info line');
    expect(run.stdout).toContain('fixture: reply success');
    expect(run.stderr).toMatch(
      /zgrobot: a handler threw[^\n]*\nError: the handler broke on purpose/,
    );
  });

  it('ZGROBOT_LOG_LEVEL=silent: nothing; a bad level stops the robot naming the variable', async () => {
    const silent = await runFixture({ VITEST: 'true', ZGROBOT_LOG_LEVEL: 'silent' });
    expect(silent.code).toBe(0);
    expect(silent.stdout).toBe('fixture: reply success\n');
    expect(silent.stderr).toBe('');
    const bad = await runFixture({ ZGROBOT_LOG_LEVEL: 'verbose' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('ZGROBOT_LOG_LEVEL must be one of');
  });
});
