/**
 * Runs the tasks of one key one after another, in the order they were queued, and tasks of
 * different keys side by side. Keys with nothing queued take no memory.
 *
 * @example
 * ```ts
 * const queue = new KeyedQueue();
 * await queue.run('gh_account:openid', () => handleTurn());
 * ```
 */
export class KeyedQueue {
  /** The last task queued for each key that still has one pending. */
  readonly #tails = new Map<string, Promise<void>>();

  /** The number of keys with a task running or waiting. */
  get size(): number {
    return this.#tails.size;
  }

  /** Runs `task` once every task queued before it for `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    const result = previous ? previous.then(task) : task();
    // The next task waits for this one whether it succeeds or fails; the last one to settle
    // leaves no entry behind.
    const settled = () => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
    const tail: Promise<void> = result.then(settled, settled);
    this.#tails.set(key, tail);
    return result;
  }
}
