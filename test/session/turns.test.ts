import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStorage } from '../../src/core/session/file.js';
import { MySQLStorage } from '../../src/core/session/mysql.js';
import { PostgreSQLStorage } from '../../src/core/session/postgresql.js';
import { RedisStorage } from '../../src/core/session/redis.js';
import { SQLiteStorage } from '../../src/core/session/sqlite.js';
import type { SessionStorage } from '../../src/core/session/storage.js';
import { type BotProcess, startBotProcess } from '../support/bot-process.js';
import { messageXml, signedQuery, TOKEN } from '../support/wechat.js';
import { runTag } from './helpers.js';

// Two bot processes share one session backend; one user's messages go to both, several at once.
// Every turn reads the count, pauses, writes count + 1: without one turn after another across
// the processes, increments are lost (4–7 of 100 were, before turn locks).
const script = fileURLToPath(new URL('./fixtures/counter-bot.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'zgrobot-turns-'));
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

type Backend = 'redis' | 'postgresql' | 'mariadb' | 'sqlite' | 'file';

/** The test's own view of the backend the bots use, to read the stored session. */
function readerOf(backend: Backend, tag: string, path: string): SessionStorage {
  switch (backend) {
    case 'redis': {
      const redis = new Redis({ host: '127.0.0.1', port: 6379 });
      cleanups.push(async () => {
        const keys = await redis.keys(`${tag}:*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      });
      return new RedisStorage(redis, { prefix: `${tag}:` });
    }
    case 'postgresql': {
      const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test' });
      cleanups.push(async () => {
        await pool.query(`DROP TABLE IF EXISTS "${tag}"`);
        await pool.end();
      });
      return new PostgreSQLStorage(pool, { table: tag });
    }
    case 'mariadb': {
      const pool = mysql.createPool({ host: '127.0.0.1', user: 'root', database: 'test' });
      cleanups.push(async () => {
        await pool.query(`DROP TABLE IF EXISTS \`${tag}\``);
        await pool.end();
      });
      return new MySQLStorage(pool, { table: tag });
    }
    case 'file':
      return new FileStorage(path);
    case 'sqlite': {
      const storage = new SQLiteStorage(path);
      cleanups.push(() => storage.close());
      return storage;
    }
  }
}

let msgId = BigInt(Date.now()) * 1000n;
const text = (content: string, user: string) =>
  messageXml('text', { Content: content, MsgId: String(++msgId) }, { FromUserName: user });

async function post(bot: BotProcess, xml: string): Promise<string> {
  const res = await fetch(`${bot.url}/?${signedQuery(TOKEN)}`, {
    method: 'POST',
    body: xml,
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  return res.text();
}

/** Sends `contents` as messages of `user`, alternating between the bots, `inFlight` at a time. */
async function sendAll(bots: BotProcess[], user: string, contents: string[], inFlight: number) {
  let next = 0;
  const worker = async () => {
    while (next < contents.length) {
      const i = next++;
      await post(bots[i % bots.length] as BotProcess, text(contents[i] as string, user));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

const backends: Backend[] = ['redis', 'postgresql', 'mariadb', 'sqlite', 'file'];

describe.each(backends)('sessions shared by two processes on %s', (backend) => {
  it('keeps every one of 100 increments of one user, and none of a failed turn', async () => {
    const tag = `zgrobot_turns_${backend}_${runTag()}`;
    const path = join(dir, `${tag}${backend === 'sqlite' ? '.sqlite3' : ''}`);
    const bots = await Promise.all([
      startBotProcess(script, [backend, tag, path]),
      startBotProcess(script, [backend, tag, path]),
    ]);
    cleanups.push(() => Promise.all(bots.map((bot) => bot.stop())));
    const reader = readerOf(backend, tag, path);
    const user = `turns_${backend}`;
    // One message each first, from another user: a cold start (connecting, creating the table)
    // on a loaded CI machine can pass the 3 s bound on a storage call, and a turn that finds the
    // storage that slow goes on without its session by design; that is not what is tested here.
    await Promise.all(bots.map((bot) => post(bot, text('warm up', `warm_${backend}`))));

    await sendAll(
      bots,
      user,
      Array.from({ length: 100 }, (_, i) => `m${i}`),
      6,
    );
    expect(await reader.get(`gh_account:${user}`)).toEqual({ count: 100 });

    // Failing turns overlap good ones on both processes: their change never reaches the store.
    const mixed = Array.from({ length: 20 }, (_, i) => (i % 4 === 1 ? 'boom' : `n${i}`));
    await sendAll(bots, user, mixed, 6);
    expect(await reader.get(`gh_account:${user}`)).toEqual({ count: 115 });
    await Promise.all(bots.map((bot) => bot.stop()));
  }, 90_000);
});
