import pg from 'pg';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type PostgreSQLQueryable, PostgreSQLStorage } from '../../src/core/session/postgresql.js';
import { describeStorageContract, SAMPLE } from './contract.js';
import { expectRefusedQuickly, recording, runTag, within } from './helpers.js';

// One table per run, so this file can run beside any other test touching the same database.
const table = `zgrobot_session_test_${runTag()}`;
const server = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ ...server, max: 10, connectionTimeoutMillis: 5_000 });
  await within(pool.query('SELECT 1'), 5_000, 'PostgreSQL at 127.0.0.1:5432');
});

afterAll(async () => {
  for (const name of [table, `${table}_other`, `${table}_client`]) {
    await pool.query(`DROP TABLE IF EXISTS "${name}"`);
  }
  await pool.end();
});

describeStorageContract(
  'PostgreSQLStorage (pg Pool)',
  () => new PostgreSQLStorage(pool, { table }),
);

describe('PostgreSQLStorage', () => {
  it('takes a pg Pool, PoolClient or Client (checked by tsc)', () => {
    expectTypeOf<pg.Pool>().toExtend<PostgreSQLQueryable>();
    expectTypeOf<pg.PoolClient>().toExtend<PostgreSQLQueryable>();
    expectTypeOf<pg.Client>().toExtend<PostgreSQLQueryable>();
  });

  it('works with a single Client, the seed’s usage', async () => {
    const client = new pg.Client(server);
    await client.connect();
    try {
      const storage = new PostgreSQLStorage(client, { table: `${table}_client` });
      await Promise.all([storage.set('o6_a', SAMPLE), storage.set('o6_b', { n: 2 })]);
      await expect(storage.get('o6_a')).resolves.toEqual(SAMPLE);
      await expect(storage.get('o6_b')).resolves.toEqual({ n: 2 });
    } finally {
      await client.end();
    }
  });

  it('keeps the value as the exact JSON text it was given', async () => {
    const storage = new PostgreSQLStorage(pool, { table });
    const value = { zebra: 1, apple: '\u0000', 名字: '小明' };
    await storage.set('o6_text', value);
    const { rows } = await pool.query(`SELECT value FROM "${table}" WHERE id = $1`, ['o6_text']);
    expect(rows[0].value).toBe(JSON.stringify(value)); // key order kept, NUL escape accepted
    expect(Object.keys(await storage.get('o6_text'))).toEqual(['zebra', 'apple', '名字']);
  });

  it('creates the table once, and retries when creating it failed', async () => {
    const { db, sql, failNext } = recording((text, values) => pool.query(text, values));
    failNext(1);
    const storage = new PostgreSQLStorage(db, { table: `${table}_other` });
    await expect(storage.set('u', { a: 1 })).rejects.toThrow('injected failure');
    await Promise.all([storage.get('u'), storage.set('u', { a: 1 }), storage.get('v')]);
    await storage.delete('u');
    expect(sql.filter((s) => s === 'CREATE')).toHaveLength(2); // failed one + one retry
    // + one look at the lock columns (present in a new table, so no ALTER) + the four calls
    expect(sql).toHaveLength(2 + 1 + 4);
  });

  it('defaults the table name to zgrobot_session', async () => {
    const calls: string[] = [];
    const storage = new PostgreSQLStorage({
      async query(text) {
        calls.push(text);
        return { rows: [] };
      },
    });
    await expect(storage.get('u')).resolves.toEqual({});
    expect(calls[0]).toContain('"zgrobot_session"');
  });

  it('passes a driver error through as a rejection', async () => {
    await pool.query(
      `CREATE TABLE IF NOT EXISTS "${table}_other" (id TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    );
    await pool.query(
      `INSERT INTO "${table}_other" VALUES ('bad', 'not json') ON CONFLICT DO NOTHING`,
    );
    const storage = new PostgreSQLStorage(pool, { table: `${table}_other` });
    await expect(storage.get('bad')).rejects.toThrow(/not valid JSON/);
    const wrong = new PostgreSQLStorage(pool, { table: 'pg_class' }); // exists, has no id column
    await expect(wrong.get('u')).rejects.toThrow(/column "\w+" does not exist|permission denied/);
  });

  it('rejects quickly when the server is unreachable (closed port)', async () => {
    const dead = new pg.Pool({ ...server, port: 1, connectionTimeoutMillis: 1_000 });
    try {
      await expectRefusedQuickly(new PostgreSQLStorage(dead, { table }));
    } finally {
      await dead.end();
    }
  });
});
