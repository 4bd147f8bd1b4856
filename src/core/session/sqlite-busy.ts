/**
 * What SQLiteStorage does when another connection holds the database's lock: which errors mean
 * "busy", how long to pause between tries, and the two ways of trying again (on a timer for
 * requests, blocking for set-up). Kept in one place so the reads, the group commit and the
 * set-up follow the same policy.
 */

/** The error of a statement that found the database locked by another connection. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED');
}

/** The error a write rejects with when it gave up waiting without a busy error of its own. */
export function busyError(): Error {
  return Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
}

/**
 * Pauses between tries on a timer: 2 ms, doubling up to 50 ms, each jittered (×0.5–1.5) so that
 * processes waiting for the same lock do not all try again at the same moment.
 */
export class Backoff {
  #pause = 2;

  /** The pause before the next try (ms); the one after it is twice as long, up to 50 ms. */
  next(): number {
    const pause = this.#pause * (0.5 + Math.random());
    this.#pause = Math.min(this.#pause * 2, 50);
    return pause;
  }

  /** Back to the shortest pause, once the lock was had. */
  reset(): void {
    this.#pause = 2;
  }
}

/** Runs `step`; while the database is busy, tries again on a timer for up to `patience` ms. */
export async function retryWhileBusy<T>(patience: number, step: () => T): Promise<T> {
  const giveUp = Date.now() + patience;
  const backoff = new Backoff();
  for (;;) {
    try {
      return step();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= giveUp) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, backoff.next()));
  }
}

// Atomics.wait needs a shared Int32Array; nothing writes to it, so one serves every wait. Made on
// first use, not at import: a bundle for a runtime without SharedArrayBuffer still imports this.
let sleeper: Int32Array | undefined;

/**
 * Runs `setUp` again while the database is busy, for up to `patience` ms, blocking between tries
 * (10 ms): for a storage's construction only, where a pause harms no request.
 *
 * @example
 * ```ts
 * whileBusy(2000, () => db.pragma('journal_mode = WAL'));
 * ```
 */
export function whileBusy(patience: number, setUp: () => void): void {
  const giveUp = Date.now() + patience;
  for (;;) {
    try {
      setUp();
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= giveUp) throw error;
      sleeper ??= new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(sleeper, 0, 0, 10);
    }
  }
}
