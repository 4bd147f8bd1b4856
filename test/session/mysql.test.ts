import mysqlCallback from 'mysql2';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type MySQLCallbackQueryable,
  type MySQLPromiseQueryable,
  MySQLStorage,
} from '../../src/core/session/mysql.js';
import { describeStorageContract, SAMPLE } from './contract.js';
import { expectRefusedQuickly, recording, runTag, within } from './helpers.js';

// One table per run, so this file can run beside any other test touching the same database.
const table = `zgrobot_session_test_${runTag()}`;
const server = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' };
let pool: mysql.Pool;

beforeAll(async () => {
  pool = mysql.createPool({ ...server, connectionLimit: 10, connectTimeout: 5_000 });
  await within(pool.query('SELECT 1'), 5_000, 'MariaDB at 127.0.0.1:3306');
});

afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
  await pool.query(`DROP TABLE IF EXISTS \`${table}_other\``);
  await pool.end();
});

describeStorageContract(
  'MySQLStorage (mysql2/promise pool)',
  () => new MySQLStorage(pool, { table }),
);

describe('MySQLStorage', () => {
  it('takes mysql2 pools and connections of either API (checked by tsc)', () => {
    expectTypeOf<mysql.Pool>().toExtend<MySQLPromiseQueryable>();
    expectTypeOf<mysql.PoolConnection>().toExtend<MySQLPromiseQueryable>();
    expectTypeOf<mysql.Connection>().toExtend<MySQLPromiseQueryable>();
    expectTypeOf<mysqlCallback.Pool>().toExtend<MySQLCallbackQueryable>();
    expectTypeOf<mysqlCallback.Connection>().toExtend<MySQLCallbackQueryable>();
  });

  it('works with a callback-API pool', async () => {
    const callbackPool = mysqlCallback.createPool({ ...server, connectionLimit: 2 });
    try {
      const storage = new MySQLStorage(callbackPool, { table });
      await storage.set('o6_callback', SAMPLE);
      await expect(storage.get('o6_callback')).resolves.toEqual(SAMPLE);
      await storage.delete('o6_callback');
    } finally {
      await new Promise<void>((ok, fail) => callbackPool.end((e) => (e ? fail(e) : ok())));
    }
  });

  it('works with one promise connection, the seed’s usage', async () => {
    const connection = await mysql.createConnection(server);
    try {
      const storage = new MySQLStorage(connection, { table });
      await Promise.all([storage.set('o6_c1', { a: 1 }), storage.set('o6_c2', { b: '二' })]);
      await expect(storage.get('o6_c2')).resolves.toEqual({ b: '二' });
    } finally {
      await connection.end();
    }
  });

  it('creates a utf8mb4 table with a case-sensitive id', async () => {
    const [rows] = await pool.query(
      `SELECT COLUMN_NAME AS name, DATA_TYPE AS type, COLLATION_NAME AS collation
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'test' AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [table],
    );
    expect(rows).toEqual([
      { name: 'id', type: 'varchar', collation: 'utf8mb4_bin' },
      { name: 'value', type: 'longtext', collation: expect.stringMatching(/^utf8mb4_/) },
      { name: 'lock_owner', type: 'varchar', collation: expect.stringMatching(/^utf8mb4_/) },
      { name: 'lock_until', type: 'bigint', collation: null },
    ]);
  });

  it('creates the table once, and retries when creating it failed', async () => {
    const { db, sql, failNext } = recording((text, values) => pool.query(text, values));
    const storage = new MySQLStorage(db, { table: `${table}_other` });
    failNext(1);
    await expect(storage.get('u')).rejects.toThrow('injected failure');
    await Promise.all([storage.get('u'), storage.set('u', { a: 1 }), storage.get('v')]);
    await storage.delete('u');
    expect(sql.filter((s) => s === 'CREATE')).toHaveLength(2); // failed one + one retry
    // + one look at the lock columns (present in a new table, so no ALTER) + the four calls
    expect(sql).toHaveLength(2 + 1 + 4);
  });

  it('defaults the table name to zgrobot_session', async () => {
    const calls: string[] = [];
    const storage = new MySQLStorage({
      async query(text) {
        calls.push(text);
        return [[], []];
      },
    });
    await storage.get('u');
    expect(calls[0]).toContain('`zgrobot_session`');
    expect(calls.at(-1)).toContain('FROM `zgrobot_session`');
  });

  it('passes a driver error through as a rejection', async () => {
    await pool.query(`CREATE TABLE IF NOT EXISTS \`${table}_bad\` (id INT PRIMARY KEY)`);
    try {
      const storage = new MySQLStorage(pool, { table: `${table}_bad` });
      await expect(storage.get('u')).rejects.toThrow(/Unknown column/);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS \`${table}_bad\``);
    }
  });

  it('rejects quickly when the server is unreachable (closed port)', async () => {
    const dead = mysql.createPool({
      ...server,
      port: 1,
      connectTimeout: 1_000,
      connectionLimit: 1,
    });
    try {
      await expectRefusedQuickly(new MySQLStorage(dead, { table }));
    } finally {
      await dead.end();
    }
  });
});
