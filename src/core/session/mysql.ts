import { WechatError } from '../errors.js';
import { checkIdentifier, decodeSession, encodeSession, onceSuccessful } from './codec.js';
import type { SessionData, SessionLease, SessionStorage } from './storage.js';

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

// The database's clock, in ms: the leases of several bot servers are compared on one clock.
const NOW_MS = 'CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)';

/**
 * Keeps sessions in a MySQL or MariaDB table (`id`, `value` as JSON text, and the turn lock
 * `lock_owner`, `lock_until`), created when missing; a table from an older version gets the two
 * lock columns.
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
    return row === undefined ? {} : decodeValue(row.value);
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

  async acquire(id: string, owner: string, leaseMs: number): Promise<SessionLease> {
    await this.#ensureTable();
    const t = `\`${this.#table}\``;
    // MySQL applies the assignments left to right: lock_until sees the new lock_owner, so it moves
    // only when the lock became (or stayed) ours. VALUES(lock_until) - lease is "now".
    await this.#db.query(
      `INSERT INTO ${t} (id, value, lock_owner, lock_until) VALUES (?, '{}', ?, ${NOW_MS} + ?)
       ON DUPLICATE KEY UPDATE
         lock_owner = IF(lock_owner IS NULL OR lock_owner = VALUES(lock_owner) OR lock_until <= VALUES(lock_until) - ?, VALUES(lock_owner), lock_owner),
         lock_until = IF(lock_owner = VALUES(lock_owner), VALUES(lock_until), lock_until)`,
      [id, owner, Math.ceil(leaseMs), Math.ceil(leaseMs)],
    );
    const [rows] = await this.#db.query(
      `SELECT value, lock_owner, lock_until - ${NOW_MS} AS wait FROM ${t} WHERE id = ?`,
      [id],
    );
    const row = firstRow(rows);
    if (row?.lock_owner === owner) return { acquired: true, data: decodeValue(row.value) };
    return { acquired: false, retryAfter: Math.max(0, Number(row?.wait ?? 0)) };
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    await this.#ensureTable();
    const [result] = await this.#db.query(
      `UPDATE \`${this.#table}\` SET lock_until = ${NOW_MS} + ? WHERE id = ? AND lock_owner = ?`,
      [Math.ceil(leaseMs), id, owner],
    );
    return affected(result) === 1;
  }

  async release(id: string, owner: string, value?: SessionData | null): Promise<boolean> {
    const t = `\`${this.#table}\``;
    const text = value ? encodeSession(value) : undefined;
    await this.#ensureTable();
    const [result] =
      value === null
        ? await this.#db.query(`DELETE FROM ${t} WHERE id = ? AND lock_owner = ?`, [id, owner])
        : text === undefined
          ? await this.#db.query(
              `UPDATE ${t} SET lock_owner = NULL, lock_until = NULL WHERE id = ? AND lock_owner = ?`,
              [id, owner],
            )
          : await this.#db.query(
              `UPDATE ${t} SET value = ?, lock_owner = NULL, lock_until = NULL WHERE id = ? AND lock_owner = ?`,
              [text, id, owner],
            );
    return affected(result) === 1;
  }

  /** Creates the table on first use; a failed attempt is retried by the next call. */
  readonly #ensureTable = onceSuccessful(async () => {
    const t = `\`${this.#table}\``;
    await this.#db.query(
      // 191 characters × 4 bytes fits the 767-byte index limit of older InnoDB row formats.
      `CREATE TABLE IF NOT EXISTS ${t} (
        id VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
        value LONGTEXT CHARACTER SET utf8mb4 NOT NULL,
        lock_owner VARCHAR(64) NULL,
        lock_until BIGINT NULL
      ) DEFAULT CHARACTER SET utf8mb4`,
    );
    // A table made before turn locks existed gets the columns (MySQL has no ADD COLUMN IF NOT EXISTS).
    const [rows] = await this.#db.query(
      `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME IN ('lock_owner', 'lock_until')`,
      [this.#table],
    );
    if (Array.isArray(rows) && rows.length < 2) {
      await this.#db.query(
        `ALTER TABLE ${t} ADD COLUMN lock_owner VARCHAR(64) NULL, ADD COLUMN lock_until BIGINT NULL`,
      );
    }
  });
}

function firstRow(rows: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(rows)) throw new WechatError('MySQLStorage: query did not return rows');
  const row: unknown = rows[0];
  return row !== null && typeof row === 'object' ? (row as Record<string, unknown>) : undefined;
}

function decodeValue(value: unknown): SessionData {
  // mysql2 hands back a string for LONGTEXT; a Buffer when the column was made binary.
  if (typeof value === 'string') return decodeSession(value, 'MySQLStorage');
  if (value instanceof Uint8Array) {
    return decodeSession(Buffer.from(value).toString('utf8'), 'MySQLStorage');
  }
  throw new WechatError('MySQLStorage: unexpected value column type');
}

function affected(result: unknown): number {
  return Number((result as { affectedRows?: unknown } | null)?.affectedRows ?? 0);
}
