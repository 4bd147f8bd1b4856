import { WechatError } from '../errors.js';
import { checkIdentifier, decodeSession, encodeSession, onceSuccessful } from './codec.js';
import type { SessionData, SessionStorage } from './storage.js';

/**
 * The one method {@link MySQLStorage} calls: `query(sql, values)` resolving to `[rows, fields]`,
 * as a mysql2/promise `Pool`, `PoolConnection` or `Connection` does.
 */
export interface MySQLPromiseQueryable {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
}

/** A mysql2 callback-API `Pool` or `Connection`, used through its `.promise()` wrapper. */
export interface MySQLCallbackQueryable {
  promise(): MySQLPromiseQueryable;
}

/** Options of {@link MySQLStorage}. */
export interface MySQLStorageOptions {
  /** Table name; default `zgrobot_session`. */
  table?: string;
}

/**
 * Keeps sessions in a MySQL or MariaDB table (`id`, `value` as JSON text), created when missing.
 *
 * Takes your mysql2 pool or connection, promise API (`mysql2/promise`) or callback API (`mysql2`),
 * and never closes it. A pool is the better choice: one connection serialises every request's
 * queries. mysql2 is not a dependency of zgrobot: install it yourself. Driver errors reject the
 * returned promise. The table is created on first use; if that fails (server down), the next
 * call tries again.
 *
 * Ids compare byte for byte (`utf8mb4_bin`): WeChat OpenIDs are case-sensitive.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import { MySQLStorage, ZgRoBot } from 'zgrobot';
 *
 * const pool = mysql.createPool({ host: '127.0.0.1', user: '喵喵', password: '喵喵', database: 'zgrobot' });
 * const robot = new ZgRoBot({ token: 'token', sessionStorage: new MySQLStorage(pool) });
 * ```
 */
export class MySQLStorage implements SessionStorage {
  readonly #db: MySQLPromiseQueryable;
  readonly #table: string;

  constructor(
    db: MySQLPromiseQueryable | MySQLCallbackQueryable,
    options: MySQLStorageOptions = {},
  ) {
    // A callback-API object's query() returns a Query emitter, not a promise: use its wrapper.
    this.#db =
      'promise' in db && typeof db.promise === 'function'
        ? db.promise()
        : (db as MySQLPromiseQueryable);
    this.#table = checkIdentifier(options.table ?? 'zgrobot_session', 'MySQLStorage');
  }

  async get(id: string): Promise<SessionData> {
    await this.#ensureTable();
    const [rows] = await this.#db.query(`SELECT value FROM \`${this.#table}\` WHERE id = ?`, [id]);
    const row = firstRow(rows);
    if (row === undefined) return {};
    const value = row.value;
    // mysql2 hands back a string for LONGTEXT; a Buffer when the column was made binary.
    if (typeof value === 'string') return decodeSession(value, 'MySQLStorage');
    if (value instanceof Uint8Array) {
      return decodeSession(Buffer.from(value).toString('utf8'), 'MySQLStorage');
    }
    throw new WechatError('MySQLStorage: unexpected value column type');
  }

  async set(id: string, value: SessionData): Promise<void> {
    const text = encodeSession(value);
    await this.#ensureTable();
    // VALUES() rather than MySQL 8's row alias: MariaDB knows only the former.
    await this.#db.query(
      `INSERT INTO \`${this.#table}\` (id, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)`,
      [id, text],
    );
  }

  async delete(id: string): Promise<void> {
    await this.#ensureTable();
    await this.#db.query(`DELETE FROM \`${this.#table}\` WHERE id = ?`, [id]);
  }

  /** Creates the table on first use; a failed attempt is retried by the next call. */
  readonly #ensureTable = onceSuccessful(() =>
    this.#db.query(
      // 191 characters × 4 bytes fits the 767-byte index limit of older InnoDB row formats.
      `CREATE TABLE IF NOT EXISTS \`${this.#table}\` (
        id VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
        value LONGTEXT CHARACTER SET utf8mb4 NOT NULL
      ) DEFAULT CHARACTER SET utf8mb4`,
    ),
  );
}

function firstRow(rows: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(rows)) throw new WechatError('MySQLStorage: query did not return rows');
  const row: unknown = rows[0];
  return row !== null && typeof row === 'object' ? (row as Record<string, unknown>) : undefined;
}
