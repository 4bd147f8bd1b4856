import { inspect } from 'node:util';
import { LOG_LEVELS, type Logger, type LogLevel, type LogMethod, readLogCall } from './logger.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const TAGS = { debug: 'D', info: 'I', warn: 'W', error: 'E' } as const;
const COLOURS = {
  debug: '\u001b[34m',
  info: '\u001b[32m',
  warn: '\u001b[33m',
  error: '\u001b[31m',
} as const;

/**
 * The seed's `enable_pretty_logging(logger, level)`: a {@link Logger} that writes one text line
 * per call through `sink` (default `console`), only at `level` and above. A line is a level
 * letter and the time, the message, then the fields as `key=value`; at `error` the error under
 * `err` follows with its stack (and its causes'), at lower levels only its name and message.
 * Coloured when the sink is `console`, the output a terminal and `NO_COLOR` unset. Any {@link Logger} can be the
 * sink: it receives the finished line as a message.
 *
 * 原版的 `enable_pretty_logging(logger, level)`：每次调用写一行文本（默认写到 `console`），低于 `level` 的不写。
 * 先是消息，然后是 `key=value` 形式的字段；`error` 级别再附上 `err` 的调用栈。
 *
 * @example
 * ```ts
 * const robot = new ZgRoBot({ token, logger: enablePrettyLogging(console, 'debug') });
 * // [E 2025-01-01 08:00:00] zgrobot: a handler threw account=gh_… openid=o6_… msgType=text msgId=… duration=12
 * // Error: boom
 * //     at …
 * ```
 */
export function enablePrettyLogging(sink: Logger = console, level: LogLevel = 'info'): Logger {
  return prettyLogger(sink, level, {});
}

function prettyLogger(sink: Logger, level: LogLevel, bindings: Record<string, unknown>): Logger {
  const threshold = RANK[level];
  const colour = sink === console && process.stdout?.isTTY === true && !process.env.NO_COLOR;
  const make = (name: LogMethod) => {
    if (RANK[name] < threshold) return () => {};
    return (obj: object | string, msg?: string) => {
      const call = readLogCall(obj, msg);
      const stamp = new Date().toISOString().replace('T', ' ').slice(0, 19);
      const prefix = `[${TAGS[name]} ${stamp}]`;
      const line = formatLogLine(name, { ...bindings, ...call.fields }, call.msg);
      sink[name](`${colour ? `${COLOURS[name]}${prefix}\u001b[0m` : prefix} ${line}`);
    };
  };
  return {
    debug: make('debug'),
    info: make('info'),
    warn: make('warn'),
    error: make('error'),
    child: (more) => prettyLogger(sink, level, { ...bindings, ...more }),
    isLevelEnabled: (name) => RANK[name] >= threshold,
  };
}

/**
 * One log call as text: `msg`, the fields compactly (`key=value`, a value quoted when it has
 * spaces or quotes, objects as JSON), then, at `error`, the stack of `err`.
 *
 * @example
 * ```ts
 * formatLogLine('warn', { openid: 'o1', err: new Error('down') }, 'zgrobot: x');
 * // 'zgrobot: x openid=o1 err="Error: down"'
 * ```
 */
export function formatLogLine(
  level: LogMethod,
  fields: Readonly<Record<string, unknown>>,
  msg: string | undefined,
): string {
  const parts: string[] = msg === undefined || msg === '' ? [] : [msg];
  let stack = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === 'err' && value instanceof Error) {
      if (level === 'error') stack = `\n${stackOf(value)}`;
      else parts.push(`err=${show(`${value.name}: ${value.message}`)}`);
      continue;
    }
    parts.push(`${key}=${show(value)}`);
  }
  return parts.join(' ') + stack;
}

/** The stack of `error`, then its causes', as Node prints an uncaught error's. */
function stackOf(error: Error, depth = 0): string {
  const own = error.stack ?? `${error.name}: ${error.message}`;
  const { cause } = error;
  if (cause === undefined || depth >= 4) return own;
  const next = cause instanceof Error ? stackOf(cause, depth + 1) : show(cause);
  return `${own}\nCaused by: ${next}`;
}

function show(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return inspect(value, { breakLength: Number.POSITIVE_INFINITY, depth: 2 });
  }
}

/**
 * The level of the default logger: `ZGROBOT_LOG_LEVEL` when set; else `error` under vitest (the
 * `VITEST` variable is set), so a test run shows what failed and none of the chatter; else `info`.
 *
 * @throws {TypeError} naming `ZGROBOT_LOG_LEVEL` when it is not a level.
 */
export function defaultLogLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const chosen = env.ZGROBOT_LOG_LEVEL?.trim().toLowerCase();
  if (chosen === undefined || chosen === '') return env.VITEST ? 'error' : 'info';
  const level = LOG_LEVELS.find((l) => l === chosen);
  if (level === undefined) {
    throw new TypeError(
      `ZGROBOT_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env.ZGROBOT_LOG_LEVEL)}`,
    );
  }
  return level;
}

const defaults = new Map<LogLevel, Logger>();

/**
 * The logger of a robot or pipeline given none: `enablePrettyLogging(console, level)` at
 * {@link defaultLogLevel}, one per level.
 *
 * @throws {TypeError} naming `ZGROBOT_LOG_LEVEL` when it is not a level.
 */
export function defaultLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const level = defaultLogLevel(env);
  let logger = defaults.get(level);
  if (!logger) {
    logger = enablePrettyLogging(console, level);
    defaults.set(level, logger);
  }
  return logger;
}
