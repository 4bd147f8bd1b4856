/**
 * What turns still do after their answer went out: handlers past the reply deadline (or after
 * `defer()`), the session's save, then the late reply's delivery. A server that shuts down waits
 * for it here, so no reply is lost on a restart. Framework-free.
 */

/**
 * Tells a {@link LateWork} about a turn that goes on after its answer: `work` settles when the
 * turn is over (its late reply delivered, dropped or failed); `what` names it in a log line.
 */
export type TrackLateWork = (work: Promise<unknown>, what: string) => void;

/**
 * The turns still running after their answer went out, for a graceful shutdown: give
 * {@link LateWork.track} to the pipeline (`trackLate`), then {@link LateWork.settle} when closing.
 *
 * @example
 * ```ts
 * const late = new LateWork();
 * app.use(pipeline({ token, routes, client, trackLate: late.track }));
 * // on SIGTERM, once the server stopped taking requests:
 * for (const what of await late.settle(10_000)) console.warn(`gave up on ${what}`);
 * ```
 */
export class LateWork {
  readonly #running = new Map<Promise<void>, string>();

  /** Adds a turn to wait for; it is forgotten once `work` settles (resolved or rejected). */
  readonly track: TrackLateWork = (work, what) => {
    const settled = work.then(
      () => {},
      () => {},
    );
    this.#running.set(settled, what);
    void settled.then(() => this.#running.delete(settled));
  };

  /** How many turns are still running. */
  get size(): number {
    return this.#running.size;
  }

  /**
   * Waits until every turn tracked (including those tracked meanwhile) is over, or `timeout` ms
   * passed; resolves with what each turn still running then was (`[]`: all done).
   */
  async settle(timeout: number): Promise<string[]> {
    const until = Date.now() + timeout;
    while (this.#running.size > 0) {
      const left = until - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      });
      await Promise.race([Promise.all(this.#running.keys()), expired]);
      clearTimeout(timer);
    }
    return [...this.#running.values()];
  }
}
