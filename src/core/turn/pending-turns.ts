/**
 * The turns still going on — answering, or finishing after their answer went out (handlers past
 * the reply deadline or after `defer()`, the session's save, the late reply's delivery) — so a
 * server that shuts down can wait for them and lose no reply on a restart. Framework-free.
 */

/**
 * Tells a {@link PendingTurns} about a turn: `work` settles when the turn is over, its late reply
 * delivered, dropped or failed; `what` names it in a log line, should the shutdown give up on it.
 */
export type TrackTurn = (work: Promise<unknown>, what: string) => void;

/**
 * The turns still going on, for a graceful shutdown: give {@link PendingTurns.track} to the
 * pipeline (`trackTurn`), then, once the server takes no more requests, {@link PendingTurns.settle}.
 *
 * @example
 * ```ts
 * const turns = new PendingTurns();
 * app.use(pipeline({ token, routes, client, trackTurn: turns.track }));
 * // on SIGTERM, once the server stopped taking requests:
 * for (const what of await turns.settle(10_000)) console.warn(`gave up on ${what}`);
 * ```
 */
export class PendingTurns {
  readonly #running = new Map<Promise<unknown>, string>();

  /** Adds a turn to wait for; it is forgotten once `work` settles (resolved or rejected). */
  readonly track: TrackTurn = (work, what) => {
    this.#running.set(work, what);
    const forget = () => {
      this.#running.delete(work);
    };
    work.then(forget, forget);
  };

  /** How many turns are going on. */
  get size(): number {
    return this.#running.size;
  }

  /**
   * Waits until every turn tracked (including those tracked meanwhile) is over, or `timeout` ms
   * passed; resolves with what each turn still going on then was (`[]`: all done).
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
      await Promise.race([Promise.allSettled(this.#running.keys()), expired]);
      clearTimeout(timer);
    }
    return [...this.#running.values()];
  }
}
