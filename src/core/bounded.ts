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
export function bounded<T>(work: Promise<T>, ms: number, timeout?: () => Error): Promise<T> {
  if (!(Number.isFinite(ms) && ms > 0)) return work;
  // One promise settled by whichever comes first (no race of wrappers, no finally): it runs on
  // every call to a shared store, several times a message.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(timeout ? timeout() : new Error(`no answer within ${ms} ms`));
    }, ms);
    timer.unref?.(); // absent on Workers, where timers are numbers
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
