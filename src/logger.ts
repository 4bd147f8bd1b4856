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
