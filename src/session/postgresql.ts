import { WechatError } from '../errors.js';
import { checkIdentifier, decodeSession, encodeSession, onceSuccessful } from './codec.js';
import type { SessionData, SessionStorage } from './storage.js';

/**
 * The one method {@link PostgreSQLStorage} calls: `query(text, values)` resolving to
 * `{ rows }`, as a pg `Pool`, `PoolClient` or `Client` does.
 */
export interface PostgreSQLQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Options of {@link PostgreSQLStorage}. */
export interface PostgreSQLStorageOptions {
  /** Table name; default `zgrobot_session`. */
  table?: string;
}

/**
 * Keeps sessions in a PostgreSQL table (`id TEXT PRIMARY KEY`, `value TEXT` holding JSON),
 * created when missing.
 *
 * Takes your pg `Pool` (best) or `Client`, and never closes it. pg is not a dependency of
 * zgrobot: install it yourself. Driver errors reject the returned promise. The table is created
 * on first use; if that fails (server down), the next call tries again.
 *
 * The value is TEXT rather than JSONB on purpose: JSONB reorders keys and refuses the string
 * `"\u0000"`, and a session should come back exactly as it was stored. Cast to `jsonb` to
 * query it: `SELECT value::jsonb ->> 'count' FROM zgrobot_session`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PostgreSQLStorage, ZgRoBot } from 'zgrobot';
 *
 * const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, database: 'zgrobot', user: 'nya', password: 'nyanya' });
 * const robot = new ZgRoBot({ token: 'token', sessionStorage: new PostgreSQLStorage(pool) });
 * ```
 */
export class PostgreSQLStorage implements SessionStorage {
  readonly #db: PostgreSQLQueryable;
  readonly #table: string;

  constructor(db: PostgreSQLQueryable, options: PostgreSQLStorageOptions = {}) {
    this.#db = db;
    this.#table = checkIdentifier(options.table ?? 'zgrobot_session', 'PostgreSQLStorage');
  }

  async get(id: string): Promise<SessionData> {
    await this.#ensureTable();
    const { rows } = await this.#db.query(`SELECT value FROM "${this.#table}" WHERE id = $1`, [id]);
    const row: unknown = rows[0];
    if (row === undefined) return {};
    const value = (row as { value?: unknown }).value;
    if (typeof value !== 'string')
      throw new WechatError('PostgreSQLStorage: unexpected value column type');
    return decodeSession(value, 'PostgreSQLStorage');
  }

  async set(id: string, value: SessionData): Promise<void> {
    const text = encodeSession(value);
    await this.#ensureTable();
    await this.#db.query(
      `INSERT INTO "${this.#table}" (id, value) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value`,
      [id, text],
    );
  }

  async delete(id: string): Promise<void> {
    await this.#ensureTable();
    await this.#db.query(`DELETE FROM "${this.#table}" WHERE id = $1`, [id]);
  }

  /** Creates the table on first use; a failed attempt is retried by the next call. */
  readonly #ensureTable = onceSuccessful(() =>
    this.#db.query(
      `CREATE TABLE IF NOT EXISTS "${this.#table}" (id TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    ),
  );
}
