import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLiteStorage } from '../../src/session/sqlite.js';
import type { SessionStorage } from '../../src/session/storage.js';
import { describeStorageContract, SAMPLE } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'zgrobot-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStorageContract(
  'SQLiteStorage',
  () => new SQLiteStorage(join(dir, 'contract.sqlite3')),
  (storage) => storage.close?.(),
);

describe('SQLiteStorage', () => {
  it('survives reopening the file', async () => {
    const file = join(dir, 'reopen.sqlite3');
    const first = new SQLiteStorage({ filename: file });
    await first.set('o6_user', SAMPLE);
    await first.close();
    const second = new SQLiteStorage(file);
    await expect(second.get('o6_user')).resolves.toEqual(SAMPLE);
    await second.close();
  });

  it('turns WAL on and creates the table', async () => {
    const file = join(dir, 'wal.sqlite3');
    const storage = new SQLiteStorage(file);
    expect(storage.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const table = storage.db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'session'")
      .pluck()
      .get();
    expect(table).toMatch(/id TEXT PRIMARY KEY/);
    await storage.close();
  });

  it('fails at construction with the path in the message when the directory is missing', () => {
    const bad = join(dir, 'no', 'such', 'dir', 'x.sqlite3');
    expect(() => new SQLiteStorage(bad)).toThrow(
      /SQLiteStorage: cannot open database file .*no\/such\/dir/,
    );
  });

  it('uses a database passed in, with a custom table, and leaves it open', async () => {
    const db = new Database(join(dir, 'shared.sqlite3'));
    const storage = new SQLiteStorage({ db, table: 'sessions_custom' });
    await storage.set('u', { a: 1 });
    await storage.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT value FROM sessions_custom WHERE id = ?').pluck().get('u')).toBe(
      '{"a":1}',
    );
    db.close();
  });

  it('refuses a table name that is not an identifier', () => {
    expect(() => new SQLiteStorage({ filename: ':memory:', table: 'x; DROP TABLE y' })).toThrow(
      TypeError,
    );
  });

  it('rejects on a corrupt stored value instead of returning garbage', async () => {
    const storage = new SQLiteStorage(':memory:');
    storage.db.prepare('INSERT INTO session (id, value) VALUES (?, ?)').run('u', 'not json');
    await expect(storage.get('u')).rejects.toThrow(/not valid JSON/);
    await storage.close();
  });

  it('rejects after close rather than hanging', async () => {
    const storage: SessionStorage = new SQLiteStorage(join(dir, 'closed.sqlite3'));
    await storage.close?.();
    await expect(storage.get('u')).rejects.toThrow();
    await storage.close?.(); // idempotent
  });
});
