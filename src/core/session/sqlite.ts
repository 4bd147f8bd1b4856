import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { WechatError } from '../errors.js';
import { checkIdentifier, decodeSession, encodeSession } from './codec.js';
import { WriteBatcher } from './sqlite-batch.js';
import { retryWhileBusy, whileBusy } from './sqlite-busy.js';
import type { SessionData, SessionLease, SessionStorage } from './storage.js';

/** Options of {@link SQLiteStorage}. */
export interface SQLiteStorageOptions {
  /** Database file; default `zgrobot_session.sqlite3` in the working directory. */
  filename?: string;
  /**
   * An open better-sqlite3 database to use instead of opening `filename`. The storage never
   * closes a database it did not open.
   */
  db?: Database.Database;
  /** Table name; default `session`. */
  table?: string;
  /**
   * How long a call keeps retrying, asynchronously, while another process holds the database's
   * write lock, before it rejects (ms; default 2000). The event loop never waits for the lock.
   */
  busyTimeout?: number;
}

/**
 * Keeps sessions in one SQLite file (better-sqlite3): the default storage, as in WeRoBot. Survives
 * restarts; one file per bot, shared safely by several processes on the same machine (WAL mode,
 * per-session turn locks in the table: see docs/sessions.md).
 *
 * The database is opened in the constructor, so a bad path fails when the bot is configured,
 * not on the first message. Statements are prepared once. better-sqlite3 is synchronous and each
 * statement takes microseconds, but SQLite's own busy wait would block the whole process while
 * another process writes: it is off (`busy_timeout = 0`), and a call that finds the database
 * locked retries on a timer instead, for up to `busyTimeout` ms.
 *
 * @example
 * ```ts
 * import { SQLiteStorage, ZgRoBot } from 'zgrobot';
 *
 * const robot = new ZgRoBot({
 *   token: 'token',
 *   sessionStorage: new SQLiteStorage('zgrobot_session.sqlite3'),
 * });
 * ```
 */
export class SQLiteStorage implements SessionStorage {
  /** Answers from this machine, bounding its own waits: no timer around its calls. */
  readonly local = true;
  /** The underlying better-sqlite3 database. */
  readonly db: Database.Database;
  readonly #owned: boolean;
  readonly #busyTimeout: number;
  readonly #get: Database.Statement<[string], { value: string }>;
  readonly #set: Database.Statement<[string, string]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #acquire: Database.Statement<[string, string, number, number], { value: string }>;
  readonly #lockedUntil: Database.Statement<[string], { lock_until: number | null }>;
  readonly #renew: Database.Statement<[number, string, string]>;
  readonly #releaseWith: Database.Statement<[string, string, string]>;
  readonly #releaseOnly: Database.Statement<[string, string]>;
  readonly #releaseDelete: Database.Statement<[string, string]>;
  readonly #writes: WriteBatcher;

  constructor(options: string | SQLiteStorageOptions = {}) {
    const opts = typeof options === 'string' ? { filename: options } : options;
    const table = checkIdentifier(opts.table ?? 'session', 'SQLiteStorage');
    this.#busyTimeout = opts.busyTimeout ?? 2000;
    if (opts.db) {
      this.db = opts.db;
      this.#owned = false;
    } else {
      const filename = opts.filename ?? 'zgrobot_session.sqlite3';
      this.db = open(filename);
      this.#owned = true;
    }
    try {
      // Setting up may meet another process setting up the same file at the same moment: wait
      // for it here (once, at start-up, where blocking harms no request).
      const patience = Math.max(this.#busyTimeout, 1000);
      this.db.pragma(`busy_timeout = ${patience}`);
      // SQLite's own wait does not cover every step: switching the journal takes its locks in an
      // order where SQLite answers SQLITE_BUSY at once rather than risk a deadlock. So the whole
      // set-up is tried again for as long.
      whileBusy(patience, () => {
        // WAL lets readers run while a write is in progress (other processes, the CLI); NORMAL
        // sync is durable across a crash of the process, which is what sessions need.
        if (!this.db.memory) {
          this.db.pragma('journal_mode = WAL');
          this.db.pragma('synchronous = NORMAL');
        }
        this.db.exec(
          `CREATE TABLE IF NOT EXISTS "${table}" (id TEXT PRIMARY KEY, value TEXT NOT NULL, lock_owner TEXT, lock_until INTEGER)`,
        );
        addLockColumns(this.db, table);
      });
      this.#get = this.db.prepare(`SELECT value FROM "${table}" WHERE id = ?`);
      this.#set = this.db.prepare(
        `INSERT INTO "${table}" (id, value) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET value = excluded.value`,
      );
      this.#delete = this.db.prepare(`DELETE FROM "${table}" WHERE id = ?`);
      // Take the lock when it is free, expired or already ours, and read the session in the same
      // statement; a new user gets a row holding `{}`.
      this.#acquire = this.db.prepare(
        `INSERT INTO "${table}" (id, value, lock_owner, lock_until) VALUES (?, '{}', ?, ?)
         ON CONFLICT(id) DO UPDATE SET lock_owner = excluded.lock_owner, lock_until = excluded.lock_until
         WHERE "${table}".lock_owner IS NULL OR "${table}".lock_until <= ? OR "${table}".lock_owner = excluded.lock_owner
         RETURNING value`,
      );
      this.#lockedUntil = this.db.prepare(`SELECT lock_until FROM "${table}" WHERE id = ?`);
      this.#renew = this.db.prepare(
        `UPDATE "${table}" SET lock_until = ? WHERE id = ? AND lock_owner = ?`,
      );
      this.#releaseWith = this.db.prepare(
        `UPDATE "${table}" SET value = ?, lock_owner = NULL, lock_until = NULL WHERE id = ? AND lock_owner = ?`,
      );
      this.#releaseOnly = this.db.prepare(
        `UPDATE "${table}" SET lock_owner = NULL, lock_until = NULL WHERE id = ? AND lock_owner = ?`,
      );
      this.#releaseDelete = this.db.prepare(
        `DELETE FROM "${table}" WHERE id = ? AND lock_owner = ?`,
      );
      this.#writes = new WriteBatcher(this.db, this.#busyTimeout);
      // From now on never wait for a lock inside SQLite: that wait is synchronous and would
      // stop every request of the process. See retryWhileBusy and WriteBatcher.
      this.db.pragma('busy_timeout = 0');
    } catch (cause) {
      if (this.#owned) this.db.close();
      throw new WechatError(
        `SQLiteStorage: cannot use ${JSON.stringify(this.db.name)}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  async get(id: string): Promise<SessionData> {
    const row = await retryWhileBusy(this.#busyTimeout, () => this.#get.get(id));
    return row === undefined ? {} : decodeSession(row.value, 'SQLiteStorage');
  }

  async set(id: string, value: SessionData): Promise<void> {
    const text = encodeSession(value);
    await this.#writes.write(() => this.#set.run(id, text));
  }

  async delete(id: string): Promise<void> {
    await this.#writes.write(() => this.#delete.run(id));
  }

  async acquire(id: string, owner: string, leaseMs: number): Promise<SessionLease> {
    return this.#writes.write(() => {
      const now = Date.now();
      const row = this.#acquire.get(id, owner, now + leaseMs, now);
      if (row) return { acquired: true, data: decodeSession(row.value, 'SQLiteStorage') };
      const until = this.#lockedUntil.get(id)?.lock_until ?? now;
      return { acquired: false, retryAfter: Math.max(0, until - now) };
    });
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.#writes.write(() => this.#renew.run(Date.now() + leaseMs, id, owner));
    return result.changes === 1;
  }

  async release(id: string, owner: string, value?: SessionData | null): Promise<boolean> {
    const text = value ? encodeSession(value) : undefined;
    const result = await this.#writes.write(() => {
      if (value === null) return this.#releaseDelete.run(id, owner);
      if (text === undefined) return this.#releaseOnly.run(id, owner);
      return this.#releaseWith.run(text, id, owner);
    });
    return result.changes === 1;
  }

  /** Close the database if this storage opened it; a database passed in stays open. */
  async close(): Promise<void> {
    if (this.db.open) this.#writes.flushNow(); // writes asked for before close still happen
    if (this.#owned && this.db.open) this.db.close();
  }
}

/** Tables made before turn locks existed get the two lock columns. */
function addLockColumns(db: Database.Database, table: string): void {
  const columns = new Set(
    (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name),
  );
  if (!columns.has('lock_owner')) db.exec(`ALTER TABLE "${table}" ADD COLUMN lock_owner TEXT`);
  if (!columns.has('lock_until')) db.exec(`ALTER TABLE "${table}" ADD COLUMN lock_until INTEGER`);
}

function open(filename: string): Database.Database {
  try {
    // fileMustExist stays false: WeRoBot creates the file on first run too.
    return new (loadDriver())(filename);
  } catch (cause) {
    throw new WechatError(
      // The driver's message does not name the file; a config mistake is found faster if it does.
      `SQLiteStorage: cannot open database file ${JSON.stringify(resolve(filename))}: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * better-sqlite3, loaded when a storage is first made rather than when this module is: it is a
 * native addon, and a bundle for a runtime without it (Workers, Bun) must be able to import
 * zgrobot as long as it never makes a `SQLiteStorage`.
 */
function loadDriver(): typeof Database {
  return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
}
