import { WechatError } from '../errors.js';
import { checkIdentifier, decodeSession, encodeSession, onceSuccessful } from './codec.js';
import type { SessionData, SessionLease, SessionStorage } from './storage.js';

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

// The database's clock, in ms: the leases of several bot servers are compared on one clock.
const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/**
 * Keeps sessions in a PostgreSQL table (`id TEXT PRIMARY KEY`, `value TEXT` holding JSON, and
 * the turn lock `lock_owner`, `lock_until`), created when missing; a table from an older version
 * gets the two lock columns.
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
    return decodeValue((row as { value?: unknown }).value);
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

  async acquire(id: string, owner: string, leaseMs: number): Promise<SessionLease> {
    await this.#ensureTable();
    const t = `"${this.#table}"`;
    // EXCLUDED.lock_until - lease is "now" on the database's clock.
    const { rows } = await this.#db.query(
      `INSERT INTO ${t} (id, value, lock_owner, lock_until) VALUES ($1, '{}', $2, ${NOW_MS} + $3::bigint)
       ON CONFLICT (id) DO UPDATE SET lock_owner = EXCLUDED.lock_owner, lock_until = EXCLUDED.lock_until
       WHERE ${t}.lock_owner IS NULL OR ${t}.lock_owner = EXCLUDED.lock_owner
         OR ${t}.lock_until <= EXCLUDED.lock_until - $3::bigint
       RETURNING value`,
      [id, owner, Math.ceil(leaseMs)],
    );
    const row = rows[0] as { value?: unknown } | undefined;
    if (row) return { acquired: true, data: decodeValue(row.value) };
    const held = await this.#db.query(
      `SELECT lock_until - ${NOW_MS} AS wait FROM ${t} WHERE id = $1`,
      [id],
    );
    const wait = Number((held.rows[0] as { wait?: unknown } | undefined)?.wait ?? 0);
    return { acquired: false, retryAfter: Math.max(0, wait) };
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    await this.#ensureTable();
    const { rows } = await this.#db.query(
      `UPDATE "${this.#table}" SET lock_until = ${NOW_MS} + $3::bigint WHERE id = $1 AND lock_owner = $2 RETURNING id`,
      [id, owner, Math.ceil(leaseMs)],
    );
    return rows.length === 1;
  }

  async release(id: string, owner: string, value?: SessionData | null): Promise<boolean> {
    const t = `"${this.#table}"`;
    const text = value ? encodeSession(value) : undefined;
    await this.#ensureTable();
    const { rows } =
      value === null
        ? await this.#db.query(`DELETE FROM ${t} WHERE id = $1 AND lock_owner = $2 RETURNING id`, [
            id,
            owner,
          ])
        : text === undefined
          ? await this.#db.query(
              `UPDATE ${t} SET lock_owner = NULL, lock_until = NULL WHERE id = $1 AND lock_owner = $2 RETURNING id`,
              [id, owner],
            )
          : await this.#db.query(
              `UPDATE ${t} SET value = $3, lock_owner = NULL, lock_until = NULL WHERE id = $1 AND lock_owner = $2 RETURNING id`,
              [id, owner, text],
            );
    return rows.length === 1;
  }

  /** Creates the table on first use; a failed attempt is retried by the next call. */
  readonly #ensureTable = onceSuccessful(async () => {
    const t = `"${this.#table}"`;
    await this.#db
      .query(
        `CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, value TEXT NOT NULL, lock_owner TEXT, lock_until BIGINT)`,
      )
      .catch(ignoreCreateRace);
    // A table made before turn locks existed: add the columns (ALTER only when they are missing,
    // so a running bot never takes the table's exclusive lock for nothing).
    const { rows } = await this.#db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name IN ('lock_owner', 'lock_until')`,
      [this.#table],
    );
    if (rows.length < 2) {
      await this.#db.query(
        `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS lock_owner TEXT, ADD COLUMN IF NOT EXISTS lock_until BIGINT`,
      );
    }
  });
}

function decodeValue(value: unknown): SessionData {
  if (typeof value !== 'string')
    throw new WechatError('PostgreSQLStorage: unexpected value column type');
  return decodeSession(value, 'PostgreSQLStorage');
}

/**
 * Two processes creating the table at the same moment: PostgreSQL's IF NOT EXISTS is not atomic,
 * and the loser fails on the catalog's unique index although the table is there now.
 */
function ignoreCreateRace(error: unknown): void {
  const code = (error as { code?: unknown }).code;
  if (code !== '23505' && code !== '42P07') throw error;
}
