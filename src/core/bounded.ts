/**
 * `work`, or a rejection once `ms` have passed: `timeout()` makes the error (default: "no
 * answer within `ms` ms"). The work itself goes on; its result is simply not waited for. No
 * bound for `ms` of 0 or Infinity. The timer never keeps the process alive.
 *
 * @example
 * ```ts
 * const data = await bounded(storage.get(key), 3000);
 * ```
 */
export function bounded<T>(
  work: Promise<T>,
  ms: number,
  timeout: () => Error = () => new Error(`no answer within ${ms} ms`),
): Promise<T> {
  if (!(Number.isFinite(ms) && ms > 0)) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeout()), ms);
    timer.unref?.(); // absent on Workers, where timers are numbers
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
