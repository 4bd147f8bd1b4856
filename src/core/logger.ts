/**
 * The logging surface zgrobot writes to: pino's call shapes. Each level takes either an object of
 * structured fields and a message, `logger.error({ err, openid }, 'zgrobot: a handler threw')`,
 * or a message alone, `logger.info('zgrobot: listening')`; an error goes under `err`, so its stack
 * survives. A pino logger (`pino()`, its `child()` loggers, with pino-pretty or without) fits as
 * it is; so does {@link enablePrettyLogging}'s console logger, the default.
 *
 * 日志接口就是 pino 的调用方式：`(字段对象, 消息)` 或 `(消息)`，错误放在 `err` 字段里。`pino()` 及其
 * child logger 可以直接传入；默认是 `enablePrettyLogging(console, level)`。
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const robot = new ZgRoBot({ token, logger: pino() });
 * ```
 */
export interface Logger {
  /** Detail for diagnosing: the fields (an error under `err`), then the message. */
  debug(obj: object, msg?: string): void;
  /** Detail for diagnosing: a message alone. */
  debug(msg: string): void;
  /** What happened: the fields (an error under `err`), then the message. */
  info(obj: object, msg?: string): void;
  /** What happened: a message alone. */
  info(msg: string): void;
  /** Something went wrong and the bot went on: the fields (an error under `err`), then the message. */
  warn(obj: object, msg?: string): void;
  /** Something went wrong and the bot went on: a message alone. */
  warn(msg: string): void;
  /** Something failed: the fields (the error under `err`), then the message. */
  error(obj: object, msg?: string): void;
  /** Something failed: a message alone. */
  error(msg: string): void;
  /** A logger that adds `bindings` to every line (pino's `child`); zgrobot never needs it. */
  child?(bindings: Record<string, unknown>): Logger;
  /**
   * Whether a line at `level` would be written (pino's `isLevelEnabled`). zgrobot asks before
   * building the fields of a line it writes on every message (the turn's `debug` line), so those
   * cost nothing at a higher level. Without it, every line is built and handed over.
   *
   * 某级别的日志是否会写出（pino 的 `isLevelEnabled`）；zgrobot 据此跳过不会写出的日志行的字段构造。
   */
  isLevelEnabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}

/** Log levels, least to most severe; `silent` logs nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The four levels zgrobot logs at: the methods of a {@link Logger}. */
export type LogMethod = Exclude<LogLevel, 'silent'>;

/** Every {@link LogLevel}, least to most severe. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
  isLevelEnabled: () => false,
};

/**
 * Whether `logger` writes lines at `level`: its `isLevelEnabled` when it has one, else `true`.
 *
 * @example
 * ```ts
 * if (levelEnabled(logger, 'debug')) logger.debug(costlyFields(), 'zgrobot: …');
 * ```
 */
export function levelEnabled(logger: Logger, level: LogMethod): boolean {
  return logger.isLevelEnabled?.(level) ?? true;
}

/** One call to a {@link Logger}, its two shapes made one: the fields and the message, if any. */
export interface LogCall {
  fields: Record<string, unknown>;
  msg: string | undefined;
}

/**
 * Reads a call as pino does: a string is the message; an `Error` alone goes under `err`, its
 * message being the line's message unless one is given; any other object is the fields.
 */
export function readLogCall(obj: object | string, msg?: string): LogCall {
  if (typeof obj === 'string') return { fields: {}, msg: obj };
  if (obj instanceof Error) return { fields: { err: obj }, msg: msg ?? obj.message };
  if (typeof obj !== 'object' || obj === null) return { fields: {}, msg: msg ?? String(obj) };
  return { fields: obj as Record<string, unknown>, msg };
}

type Fields = Readonly<Record<string, unknown>>;

/** A logger that adds fixed fields to every line; see {@link withFields}. */
class FieldsLogger implements Logger {
  readonly #logger: Logger;
  #fields: Fields | (() => Fields);

  constructor(logger: Logger, fields: Fields | (() => Fields)) {
    this.#logger = logger;
    this.#fields = fields;
  }

  debug(obj: object | string, msg?: string): void {
    this.#write('debug', obj, msg);
  }
  info(obj: object | string, msg?: string): void {
    this.#write('info', obj, msg);
  }
  warn(obj: object | string, msg?: string): void {
    this.#write('warn', obj, msg);
  }
  error(obj: object | string, msg?: string): void {
    this.#write('error', obj, msg);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new FieldsLogger(this.#logger, { ...this.#own(), ...bindings });
  }
  isLevelEnabled(level: LogMethod): boolean {
    return levelEnabled(this.#logger, level);
  }

  /** The fixed fields, made on the first line written when they were given as a function. */
  #own(): Fields {
    if (typeof this.#fields === 'function') this.#fields = this.#fields();
    return this.#fields;
  }

  #write(level: LogMethod, obj: object | string, msg: string | undefined): void {
    const call = readLogCall(obj, msg);
    const fields = { ...this.#own(), ...call.fields };
    if (call.msg === undefined) this.#logger[level](fields);
    else this.#logger[level](fields, call.msg);
  }
}

/**
 * A logger that writes through `logger` with `fields` added to every line (the line's own fields
 * win), merged only when a line is written: cheaper than a pino `child()` for a logger made per
 * message and seldom used. Given a function, the fields are made on the first line, if any. The stages hand one to the core with the message's fields, so a line
 * the core writes (a session or dedupe store failing) says whose message it was.
 *
 * @example
 * ```ts
 * withFields(logger, { openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' }).warn({ err }, 'zgrobot: …');
 * ```
 */
export function withFields(logger: Logger, fields: Fields | (() => Fields)): Logger {
  return new FieldsLogger(logger, fields);
}

/**
 * Logs a warning at most once per `interval` ms and counts the ones it held back (the field
 * `suppressed` of the next one that is logged), so a store that is down for an hour writes a
 * few lines, not one per request.
 *
 * @example
 * ```ts
 * const warn = rateLimitedWarning(10_000);
 * warn(logger, { err }, 'zgrobot: session storage unavailable'); // logged
 * warn(logger, { err }, 'zgrobot: session storage unavailable'); // counted, not logged
 * ```
 */
export function rateLimitedWarning(
  interval = 10_000,
): (logger: Logger, fields: object, msg: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  let held = 0;
  return (logger, fields, msg) => {
    const now = Date.now();
    if (now - last < interval) {
      held++;
      return;
    }
    logger.warn(held > 0 ? { ...fields, suppressed: held } : fields, msg);
    last = now;
    held = 0;
  };
}
