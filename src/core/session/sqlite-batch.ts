import type Database from 'better-sqlite3';
import { Backoff, busyError, isBusy } from './sqlite-busy.js';

interface Write {
  step: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  giveUp: number;
}

/**
 * Group commit for one better-sqlite3 database: the writes asked for during one turn of the event
 * loop run together in one `BEGIN IMMEDIATE … COMMIT`, at the loop's check phase, and each caller
 * learns its own statement's result only once that transaction is committed. A commit (its WAL
 * frames and checksums) costs far more than the few conditional statements it holds, and under
 * load the lock of one turn, the save-and-release of another and the lease renewals all share it.
 * Each statement keeps its own condition, so what one write decides (a lock taken or not, a
 * release fenced by its owner) is exactly what it decided alone; a statement that fails fails
 * alone, unless SQLite rolled back the whole transaction, which then fails every write in it.
 *
 * While another process holds the database's write lock (`SQLITE_BUSY`), the batch is tried again
 * on a timer, never in SQLite's own synchronous busy wait; a write still waiting `busyTimeout` ms
 * after it was asked for rejects with the busy error.
 */
export class WriteBatcher {
  readonly #db: Database.Database;
  readonly #busyTimeout: number;
  readonly #begin: Database.Statement;
  readonly #commit: Database.Statement;
  readonly #rollback: Database.Statement;
  #queue: Write[] = [];
  #scheduled = false;
  readonly #backoff = new Backoff();

  constructor(db: Database.Database, busyTimeout: number) {
    this.#db = db;
    this.#busyTimeout = busyTimeout;
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
  }

  /** Runs `step` (synchronous statements) in the next group commit; resolves once committed. */
  write<T>(step: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({
        step,
        resolve: resolve as (value: unknown) => void,
        reject,
        giveUp: Date.now() + this.#busyTimeout,
      });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(this.#flush);
    });
  }

  /** Runs the writes queued for the next group commit now (before the database closes). */
  flushNow(): void {
    if (this.#scheduled) this.#flush();
  }

  readonly #flush = (): void => {
    if (!this.#scheduled) return; // already run by flushNow
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    // One write, or a transaction the application left open on a database it passed in: each
    // statement commits by itself, as without batching.
    if (batch.length === 1 || this.#db.inTransaction) {
      this.#retry(batch.filter((write) => !this.#runAlone(write)));
      return;
    }
    try {
      this.#begin.run();
    } catch (error) {
      if (isBusy(error)) this.#retry(batch, error);
      else for (const write of batch) write.reject(error);
      return;
    }
    const results = batch.map((write) => {
      try {
        return { write, ok: true, value: write.step() };
      } catch (error) {
        return { write, ok: false, value: error };
      }
    });
    let failed: unknown;
    try {
      if (!this.#db.inTransaction) throw firstError(results) ?? new Error('transaction ended');
      this.#commit.run();
    } catch (error) {
      failed = error;
      if (this.#db.inTransaction) this.#rollback.run();
    }
    this.#backoff.reset();
    for (const { write, ok, value } of results) {
      if (failed !== undefined) write.reject(failed);
      else if (ok) write.resolve(value);
      else write.reject(value);
    }
  };

  /** Runs one write on its own; `false` when it met the busy lock and must be tried again. */
  #runAlone(write: Write): boolean {
    try {
      write.resolve(write.step());
    } catch (error) {
      if (isBusy(error) && Date.now() < write.giveUp) return false;
      write.reject(error);
    }
    return true;
  }

  /** Queues `writes` again after the next back-off pause; the overdue ones reject. */
  #retry(writes: Write[], error?: unknown): void {
    const now = Date.now();
    const again = writes.filter((write) => {
      if (now < write.giveUp) return true;
      write.reject(error ?? busyError());
      return false;
    });
    if (again.length === 0) {
      this.#backoff.reset();
      return;
    }
    setTimeout(() => {
      this.#queue.unshift(...again);
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(this.#flush);
    }, this.#backoff.next());
  }
}

function firstError(results: { ok: boolean; value: unknown }[]): unknown {
  return results.find((result) => !result.ok)?.value;
}
