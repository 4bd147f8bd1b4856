import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { Router } from '../../middleware/routes.js';
import { SQLiteStorage } from '../../src/core/session/sqlite.js';
import type { SessionStorage } from '../../src/core/session/storage.js';
import { botApp, readReply } from '../middleware/helpers.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';
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

describe('SQLiteStorage while another process holds the database', () => {
  it('waits for it at construction (two bot processes starting on one file at once)', async () => {
    const file = join(dir, 'starting.sqlite3');
    const holder = spawn(
      process.execPath,
      [
        '-e',
        // The other process is mid-way through its own set-up: WAL on, a write open.
        `const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
         db.pragma('journal_mode = WAL'); db.exec('BEGIN IMMEDIATE'); console.log('locked');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(holder.stdout, 'data');
    const storage = new SQLiteStorage(file); // set-up waits (once, at start-up) instead of failing
    await storage.set('u', { a: 1 });
    await expect(storage.get('u')).resolves.toEqual({ a: 1 });
    expect(storage.db.pragma('busy_timeout', { simple: true })).toBe(0); // no waiting after set-up
    await storage.close();
    await once(holder, 'exit');
  });

  it('never blocks the event loop: other requests are answered at once', async () => {
    const file = join(dir, 'held.sqlite3');
    const storage = new SQLiteStorage({ filename: file, busyTimeout: 1_000 });
    const routes = new Router().text((ctx) => {
      const count = (Number(ctx.wechat.session.count) || 0) + 1;
      ctx.wechat.session.count = count;
      return `count ${count}`;
    });
    const app = botApp({ routes, sessionStorage: storage });
    const server = app.listen(0, '127.0.0.1');
    const agent = request(server);
    // Another process takes the write lock for 2.5 s.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
         db.exec('BEGIN EXCLUSIVE'); console.log('locked');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, 2500);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await once(holder.stdout, 'data');
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const message = agent.post(`/?${signedQuery()}`).send(textXml('while held'));
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      const check = await agent.get(`/?${signedQuery(TOKEN, { echostr: 'still here' })}`);
      expect(check.text).toBe('still here');
      expect(Date.now() - started).toBeLessThan(500);
      expect((await message).status).toBe(200);
      delay.disable();
      expect(delay.max / 1e6).toBeLessThan(300); // ms; the old synchronous busy wait blocked 2.5 s
      await once(holder, 'exit');
      expect(
        readReply((await agent.post(`/?${signedQuery()}`).send(textXml('after'))).text).Content,
      ).toMatch(/count/);
    } finally {
      holder.kill();
      server.close();
      await storage.close();
    }
  });
});

describe('SQLiteStorage group commit', () => {
  /** Frames in the file's write-ahead log since it was last emptied: one or more per commit. */
  const walFrames = (storage: SQLiteStorage) =>
    (storage.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? -1;

  it('commits the writes asked for in one event-loop turn in one transaction', async () => {
    const storage = new SQLiteStorage(join(dir, 'group.sqlite3'));
    try {
      storage.db.pragma('wal_autocheckpoint = 0'); // keep every frame in the log to count them
      storage.db.pragma('wal_checkpoint(TRUNCATE)');
      const ids = Array.from({ length: 40 }, (_, i) => `o6_group_${i}`);
      const leases = await Promise.all(ids.map((id) => storage.acquire(id, `t_${id}`, 5_000)));
      expect(leases.every((lease) => lease.acquired)).toBe(true);
      const released = await Promise.all(ids.map((id, n) => storage.release(id, `t_${id}`, { n })));
      expect(released.every(Boolean)).toBe(true);
      // 80 writes; one commit each would log at least 80 frames (pages) to the WAL. The file is
      // in WAL mode and the writes did reach the log (-1 or 0 would count nothing).
      expect(storage.db.pragma('journal_mode', { simple: true })).toBe('wal');
      const frames = walFrames(storage);
      expect(frames).toBeGreaterThan(0);
      expect(frames).toBeLessThan(20);
      expect(await storage.get('o6_group_7')).toEqual({ n: 7 });
      // The locks are really free: another owner takes one at once.
      expect((await storage.acquire('o6_group_7', 'other', 5_000)).acquired).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it('a write that fails fails alone; its neighbours in the batch still commit', async () => {
    const storage = new SQLiteStorage(join(dir, 'group-fail.sqlite3'));
    try {
      storage.db.prepare(`INSERT INTO session (id, value) VALUES ('o6_bad', 'not json')`).run();
      const [good, bad, other] = await Promise.allSettled([
        storage.acquire('o6_good', 'a', 5_000),
        storage.acquire('o6_bad', 'b', 5_000),
        storage.release('o6_free', 'c', { x: 1 }),
      ]);
      expect(good).toEqual({ status: 'fulfilled', value: { acquired: true, data: {} } });
      expect(bad?.status).toBe('rejected');
      expect(other).toEqual({ status: 'fulfilled', value: false }); // never held: nothing written
      expect(await storage.release('o6_good', 'a', { ok: 1 })).toBe(true);
      expect(await storage.get('o6_good')).toEqual({ ok: 1 });
    } finally {
      await storage.close();
    }
  });

  it('waits while another connection holds the write lock, and rejects past busyTimeout', async () => {
    const file = join(dir, 'group-busy.sqlite3');
    const storage = new SQLiteStorage({ filename: file, busyTimeout: 300 });
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const waiting = Promise.all([
        storage.acquire('o6_busy_1', 'a', 5_000),
        storage.acquire('o6_busy_2', 'b', 5_000),
      ]);
      setTimeout(() => other.exec('COMMIT'), 100);
      const leases = await waiting;
      expect(leases.map((lease) => lease.acquired)).toEqual([true, true]);

      other.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      await expect(storage.release('o6_busy_1', 'a', { n: 1 })).rejects.toMatchObject({
        code: expect.stringMatching(/^SQLITE_BUSY/),
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      other.exec('COMMIT');
      expect(await storage.release('o6_busy_1', 'a', { n: 1 })).toBe(true);
    } finally {
      other.close();
      await storage.close();
    }
  });
});
