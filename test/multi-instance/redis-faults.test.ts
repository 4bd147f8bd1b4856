import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pipeline } from '../../middleware/pipeline.js';
import { Router } from '../../middleware/routes.js';
import { RedisDedupeStore } from '../../src/core/dedupe/redis.js';
import { RedisStorage } from '../../src/core/session/redis.js';
import { type RunningBot, startBot } from '../dedupe/bot.js';
import { recordingLogger, replyText } from '../middleware/helpers.js';
import { eventually } from '../session/helpers.js';
import { freePort, PrivateRedisServer } from '../support/redis-server.js';
import { messageXml, TOKEN } from '../support/wechat.js';

// A Redis server of our own (never the shared 6379 one) that the test kills, freezes and restarts,
// behind a bot that keeps both its sessions and its dedup entries there.
let port: number;
let server: PrivateRedisServer;
let redis: Redis;
let bot: RunningBot;
const logger = recordingLogger();
let runs = 0;

let msgId = BigInt(Date.now()) * 1000n;
const text = (content: string) =>
  messageXml('text', { Content: content, MsgId: String(++msgId) }, { FromUserName: 'fault_user' });

beforeAll(async () => {
  port = await freePort();
  server = new PrivateRedisServer(port);
  await server.start();
  // A user's usual client: it reconnects by itself; commands fail fast while it is disconnected.
  redis = new Redis({
    host: '127.0.0.1',
    port,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 1_000,
    retryStrategy: () => 100,
  });
  redis.on('error', () => {});
  await eventually(() => redis.ping(), 5_000, 'bot client connected');
  const routes = new Router().text((ctx) => {
    runs++;
    const count = Number(ctx.wechat.session.count ?? 0) + 1;
    ctx.wechat.session.count = count;
    return `${ctx.wechat.message.content}: count ${count}`;
  });
  bot = await startBot(
    pipeline({
      token: TOKEN,
      routes,
      sessionStorage: new RedisStorage(redis, { prefix: 'fault_session:' }),
      dedupe: {
        store: new RedisDedupeStore(redis, { prefix: 'fault_dedupe:' }),
        storeTimeout: 500,
      },
      logger,
    }),
  );
}, 20_000);

afterEach(() => {
  logger.entries.length = 0;
});

afterAll(async () => {
  await bot?.close();
  redis?.disconnect();
  if (server.process?.exitCode === null) server.process.kill('SIGCONT');
  await server.stop();
});

const ask = async (xml: string) => {
  const res = await bot.post(xml);
  expect(res.status).toBe(200);
  return replyText(res.text);
};

describe('Redis (sessions and dedup) going down and coming back', () => {
  it('works while Redis is up: dedup and sessions', async () => {
    const xml = text('up');
    expect(await ask(xml)).toBe('up: count 1');
    expect(await ask(xml)).toBe('up: count 1');
    expect(runs).toBe(1);
    expect(await ask(text('up again'))).toBe('up again: count 2');
  });

  it('still answers while Redis is down: empty session, dedup in memory, warnings, no crash', async () => {
    await server.stop();
    const before = runs;
    const xml = text('down');
    expect(await ask(xml)).toBe('down: count 1'); // an empty session
    expect(await ask(xml)).toBe('down: count 1'); // a retry: caught by this process's memory
    expect(runs).toBe(before + 1);
    const warnings = logger.text('warn');
    expect(warnings).toMatch(/dedupe store failed/);
    expect(warnings).toMatch(/session storage unavailable/);
  });

  it('works again once Redis is back, with no restart of the bot', async () => {
    await server.start(); // empty: --save "" keeps nothing
    await eventually(() => redis.ping(), 10_000, 'client reconnected');
    const before = runs;
    const xml = text('back');
    expect(await ask(xml)).toBe('back: count 1');
    expect(await ask(xml)).toBe('back: count 1');
    expect(runs).toBe(before + 1); // dedup is back
    expect(await ask(text('back again'))).toBe('back again: count 2'); // sessions are back
  });

  it('still answers while Redis hangs (process frozen), then recovers when it resumes', async () => {
    server.process?.kill('SIGSTOP');
    try {
      const started = Date.now();
      expect(await ask(text('frozen'))).toBe('frozen: count 1');
      // Bounded by the turn's reply deadline (4.5 s), inside WeChat's 5 s. (The warnings of the
      // stores are rate-limited: the previous test logged them moments ago.)
      expect(Date.now() - started).toBeLessThan(4_900);
    } finally {
      server.process?.kill('SIGCONT');
    }
    await eventually(() => redis.ping(), 10_000, 'Redis resumed');
    const xml = text('thawed');
    const before = runs;
    await eventually(
      async () => expect(await ask(xml)).toMatch(/^thawed: count \d$/),
      5_000,
      'answer',
    );
    expect(await ask(xml)).toMatch(/^thawed/);
    expect(runs).toBe(before + 1);
  });
});

describe('Redis never reachable (a closed port)', () => {
  it('answers every message, warning, without sessions, deduped in memory', async () => {
    const closed = await freePort();
    const dead = new Redis({
      host: '127.0.0.1',
      port: closed,
      maxRetriesPerRequest: 1,
      connectTimeout: 500,
      retryStrategy: () => 200,
    });
    dead.on('error', () => {});
    const deadLogger = recordingLogger();
    let deadRuns = 0;
    const routes = new Router().text((ctx) => {
      deadRuns++;
      return `still here ${Object.keys(ctx.wechat.session).length}`;
    });
    const deadBot = await startBot(
      pipeline({
        token: TOKEN,
        routes,
        sessionStorage: new RedisStorage(dead),
        dedupe: { store: new RedisDedupeStore(dead), storeTimeout: 500 },
        logger: deadLogger,
      }),
    );
    try {
      const xml = text('closed');
      for (let i = 0; i < 2; i++) {
        const res = await deadBot.post(xml);
        expect(replyText(res.text)).toBe('still here 0');
      }
      expect(deadRuns).toBe(1); // the retry was caught by this process's memory
      expect(deadLogger.text('warn')).toMatch(/dedupe store failed/);
      expect(deadLogger.text('warn')).toMatch(/session storage unavailable/);
    } finally {
      await deadBot.close();
      dead.disconnect();
    }
  });
});
