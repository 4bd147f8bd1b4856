/** The default timestamp window, in seconds: WeChat's requests are signed a moment before they are sent. */
export const DEFAULT_TIMESTAMP_WINDOW = 300;

const DIGITS = /^[0-9]{1,15}$/;

/**
 * Whether a request's `timestamp` (UNIX seconds, digits only) is within `window` seconds of
 * `now` (ms) either way. Anything that is not a plain number is not fresh.
 *
 * @example
 * ```ts
 * isFreshTimestamp(String(Math.floor(Date.now() / 1000)), 300); // true
 * ```
 */
export function isFreshTimestamp(timestamp: unknown, window: number, now = Date.now()): boolean {
  if (typeof timestamp !== 'string' || !DIGITS.test(timestamp)) return false;
  return Math.abs(now / 1000 - Number(timestamp)) <= window;
}
