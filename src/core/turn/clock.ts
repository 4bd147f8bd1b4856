/**
 * The clock of one turn — one WeChat message from its arrival to its last delivery — and every
 * default of its timing, in one place. Framework-free: the Koa stages and the robot read it.
 *
 * WeChat waits 5 s for an answer and tries a message three times, about 5 s apart.
 */

/** From arrival until the bot answers `success` on the handlers' behalf: inside WeChat's 5 s. */
export const DEFAULT_REPLY_TIMEOUT = 4500;
/**
 * From arrival until WeChat has given up on every try (tries at about 0, 5 and 10 s, the last
 * answered within the reply timeout): past it only a customer-service message reaches the user.
 */
export const DEFAULT_FINAL_DEADLINE = 14_500;
/**
 * A reply that was late for its request is pushed no earlier than this after arrival: had WeChat
 * missed the first answer, its retry would have come by then and carried the reply instead.
 */
export const DEFAULT_RETRY_WINDOW = 5_500;

/**
 * When a turn started, when its answer is due, and whether its handlers asked to answer later.
 * One per request, made on arrival.
 *
 * @example
 * ```ts
 * const clock = new TurnClock();
 * clock.start({ replyTimeout: 4500 });
 * const inTime = await clock.settledInTime(work); // false: answer `success` now, work goes on
 * ```
 */
export class TurnClock {
  /** When the request arrived (ms since the epoch). */
  readonly arrivedAt = Date.now();
  /** Milliseconds after arrival at which {@link TurnClock.signal} aborts. */
  finalDeadline = DEFAULT_FINAL_DEADLINE;
  /**
   * When the answer is due (ms since the epoch), once a stage answering on this clock started
   * it; `undefined` before. A retry waiting for the first try's reply waits until then.
   */
  replyBy: number | undefined;
  /** Whether the turn waits for its handlers however long they take (`replyTimeout` 0 or ∞). */
  untimed = false;
  /** Set by {@link TurnClock.defer}. */
  deferred = false;
  /** Whether the answer went out (`success`) before the reply was ready. */
  late = false;
  #onDefer: (() => void) | undefined;
  #signal: AbortSignal | undefined;

  /** Starts answering on this clock: the answer is due `replyTimeout` ms after arrival. */
  start(options: { replyTimeout?: number; finalDeadline?: number }): void {
    const replyTimeout = options.replyTimeout ?? DEFAULT_REPLY_TIMEOUT;
    if (options.finalDeadline !== undefined) this.finalDeadline = options.finalDeadline;
    this.untimed = !(Number.isFinite(replyTimeout) && replyTimeout > 0);
    // Without a deadline of its own, a retry still has to answer before WeChat gives up on it.
    this.replyBy = this.arrivedAt + (this.untimed ? DEFAULT_REPLY_TIMEOUT : replyTimeout);
  }

  /** Milliseconds left until the answer is due (0 once past it). */
  remaining(now = Date.now()): number {
    return Math.max(0, (this.replyBy ?? now) - now);
  }

  /** Aborts at the final deadline, counted from arrival. Made on first use. */
  get signal(): AbortSignal {
    this.#signal ??= AbortSignal.timeout(
      Math.max(0, this.arrivedAt + this.finalDeadline - Date.now()),
    );
    return this.#signal;
  }

  /** "I will answer later": stops the wait for the handlers at once. */
  readonly defer = (): void => {
    if (this.deferred) return;
    this.deferred = true;
    this.#onDefer?.();
  };

  /**
   * Whether `work` settled (resolved or rejected) before the answer was due and before
   * {@link TurnClock.defer} was called. `work` goes on either way.
   */
  settledInTime(work: Promise<unknown>): Promise<boolean> {
    // One promise settled by whichever comes first; on every request, so no race of wrappers.
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (inTime: boolean) => {
        clearTimeout(timer);
        this.#onDefer = undefined;
        resolve(inTime);
      };
      const finished = () => settle(true);
      work.then(finished, finished);
      // `defer()` stops the wait at once, even when called before the handlers ran.
      if (this.deferred) return settle(false);
      this.#onDefer = () => settle(false);
      if (!this.untimed && this.replyBy !== undefined) {
        timer = setTimeout(settle, Math.max(1, this.replyBy - Date.now()), false);
      }
    });
  }

  /**
   * Resolves when a late reply may be pushed: at once after `defer()`, else once no WeChat retry
   * can come for it any more (`retryWindow` after arrival, and not before `grace` ms from now).
   */
  async retriesOver(retryWindow = DEFAULT_RETRY_WINDOW, grace = 250): Promise<void> {
    if (this.deferred) return;
    const at = Math.max(Date.now() + grace, this.arrivedAt + retryWindow);
    await new Promise((resolve) => setTimeout(resolve, at - Date.now()).unref?.());
  }
}
