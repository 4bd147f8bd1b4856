import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { WechatError } from '../errors.js';
import { checkIdentifier, decodeSession, encodeSession } from './codec.js';
import type { SessionData, SessionStorage } from './storage.js';

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
}

/**
 * Keeps sessions in one SQLite file (better-sqlite3): the seed's default storage. Survives
 * restarts; one file per bot, shared safely by several processes on the same machine (WAL mode).
 *
 * The database is opened in the constructor, so a bad path fails when the bot is configured,
 * not on the first message. Statements are prepared once. better-sqlite3 is synchronous; each
 * call takes microseconds, so the methods run inline and simply return settled promises.
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
  /** The underlying better-sqlite3 database. */
  readonly db: Database.Database;
  readonly #owned: boolean;
  readonly #get: Database.Statement<[string], { value: string }>;
  readonly #set: Database.Statement<[string, string]>;
  readonly #delete: Database.Statement<[string]>;

  constructor(options: string | SQLiteStorageOptions = {}) {
    const opts = typeof options === 'string' ? { filename: options } : options;
    const table = checkIdentifier(opts.table ?? 'session', 'SQLiteStorage');
    if (opts.db) {
      this.db = opts.db;
      this.#owned = false;
    } else {
      const filename = opts.filename ?? 'zgrobot_session.sqlite3';
      this.db = open(filename);
      this.#owned = true;
    }
    try {
      // WAL lets readers run while a write is in progress (other processes, the CLI).
      if (!this.db.memory) this.db.pragma('journal_mode = WAL');
      // Wait for a lock held by another process instead of failing at once with SQLITE_BUSY.
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS "${table}" (id TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      );
      this.#get = this.db.prepare(`SELECT value FROM "${table}" WHERE id = ?`);
      this.#set = this.db.prepare(
        `INSERT INTO "${table}" (id, value) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET value = excluded.value`,
      );
      this.#delete = this.db.prepare(`DELETE FROM "${table}" WHERE id = ?`);
    } catch (cause) {
      if (this.#owned) this.db.close();
      throw new WechatError(
        `SQLiteStorage: cannot use ${JSON.stringify(this.db.name)}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  async get(id: string): Promise<SessionData> {
    const row = this.#get.get(id);
    return row === undefined ? {} : decodeSession(row.value, 'SQLiteStorage');
  }

  async set(id: string, value: SessionData): Promise<void> {
    this.#set.run(id, encodeSession(value));
  }

  async delete(id: string): Promise<void> {
    this.#delete.run(id);
  }

  /** Close the database if this storage opened it; a database passed in stays open. */
  async close(): Promise<void> {
    if (this.#owned && this.db.open) this.db.close();
  }
}

function open(filename: string): Database.Database {
  try {
    // fileMustExist stays false: the seed creates the file on first run.
    return new Database(filename);
  } catch (cause) {
    throw new WechatError(
      // The driver's message does not name the file; a config mistake is found faster if it does.
      `SQLiteStorage: cannot open database file ${JSON.stringify(resolve(filename))}: ${(cause as Error).message}`,
      { cause },
    );
  }
}
