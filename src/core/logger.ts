/**
 * The logging surface zgrobot writes to. `console` fits it, and so does a pino logger
 * (`pino()` accepts the same call shapes), so users plug in what they already have.
 */
export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

/** A logger that drops everything; the default for library use inside tests. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Log levels, least to most severe; `silent` logs nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const TAGS = { debug: 'D', info: 'I', warn: 'W', error: 'E' } as const;
const COLOURS = {
  debug: '\u001b[34m',
  info: '\u001b[32m',
  warn: '\u001b[33m',
  error: '\u001b[31m',
} as const;

/**
 * The seed's `enable_pretty_logging(logger, level)`: a logger that writes through `logger`
 * (default `console`) only at `level` and above, each line prefixed with a level letter and the
 * time, coloured when the output is a terminal.
 *
 * @example
 * ```ts
 * const robot = new ZgRoBot({ token, logger: enablePrettyLogging(console, 'debug') });
 * ```
 */
export function enablePrettyLogging(logger: Logger = console, level: LogLevel = 'info'): Logger {
  const threshold = LEVELS[level];
  const colour = logger === console && process.stdout?.isTTY === true;
  const make = (name: keyof typeof TAGS) => {
    if (LEVELS[name] < threshold) return () => {};
    return (message: string, ...args: unknown[]) => {
      const stamp = new Date().toISOString().replace('T', ' ').slice(0, 19);
      const prefix = `[${TAGS[name]} ${stamp}]`;
      logger[name](`${colour ? `${COLOURS[name]}${prefix}\u001b[0m` : prefix} ${message}`, ...args);
    };
  };
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') };
}

/**
 * Logs a warning at most once per `interval` ms and counts the ones it held back, so a store
 * that is down for an hour writes a few lines, not one per request.
 *
 * @example
 * ```ts
 * const warn = rateLimitedWarning(10_000);
 * warn(logger, 'zgrobot: session storage unavailable'); // logged
 * warn(logger, 'zgrobot: session storage unavailable'); // counted, not logged
 * ```
 */
export function rateLimitedWarning(interval = 10_000): (logger: Logger, message: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  let held = 0;
  return (logger, message) => {
    const now = Date.now();
    if (now - last < interval) {
      held++;
      return;
    }
    const more = held > 0 ? ` (${held} more like it since the last one)` : '';
    logger.warn(`${message}${more}`);
    last = now;
    held = 0;
  };
}
