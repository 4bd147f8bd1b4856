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
