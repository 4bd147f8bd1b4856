import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pipeline } from '../../middleware/pipeline.js';
import { Router } from '../../middleware/routes.js';
import { RedisDedupeStore } from '../../src/dedupe/redis.js';
import { RedisStorage } from '../../src/session/redis.js';
import { type RunningBot, startBot } from '../dedupe/bot.js';
import { recordingLogger, replyText } from '../middleware/helpers.js';
import { eventually, within } from '../session/helpers.js';
import { messageXml, TOKEN } from '../support/wechat.js';

// A Redis server of our own (never the shared 6379 one) that the test kills, freezes and restarts,
// behind a bot that keeps both its sessions and its dedup entries there.
let port: number;
let server: ChildProcess | undefined;
let redis: Redis;
let bot: RunningBot;
const logger = recordingLogger();
let runs = 0;

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startRedis(): Promise<void> {
  server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  await eventually(
    async () => {
      await probe.connect().catch(() => {});
      return probe.ping();
    },
    5_000,
    `redis-server on port ${port}`,
  );
  probe.disconnect();
}

async function stopRedis(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await within(exited, 5_000, 'redis-server exit');
}

let msgId = BigInt(Date.now()) * 1000n;
const text = (content: string) =>
  messageXml('text', { Content: content, MsgId: String(++msgId) }, { FromUserName: 'fault_user' });

beforeAll(async () => {
  port = await freePort();
  await startRedis();
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
  if (server?.exitCode === null) server.kill('SIGCONT');
  await stopRedis();
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

  it('still answers while Redis is down: empty session, no dedup, warnings, no crash', async () => {
    await stopRedis();
    const before = runs;
    const xml = text('down');
    expect(await ask(xml)).toBe('down: count 1'); // an empty session
    expect(await ask(xml)).toBe('down: count 1'); // a retry runs again: no dedup without Redis
    expect(runs).toBe(before + 2);
    const warnings = logger.text('warn');
    expect(warnings).toMatch(/dedupe store failed/);
    expect(warnings).toMatch(/session storage unavailable/);
  });

  it('works again once Redis is back, with no restart of the bot', async () => {
    await startRedis(); // empty: --save "" keeps nothing
    await eventually(() => redis.ping(), 10_000, 'client reconnected');
    const before = runs;
    const xml = text('back');
    expect(await ask(xml)).toBe('back: count 1');
    expect(await ask(xml)).toBe('back: count 1');
    expect(runs).toBe(before + 1); // dedup is back
    expect(await ask(text('back again'))).toBe('back again: count 2'); // sessions are back
  });

  it('still answers while Redis hangs (process frozen), then recovers when it resumes', async () => {
    server?.kill('SIGSTOP');
    try {
      const started = Date.now();
      expect(await ask(text('frozen'))).toBe('frozen: count 1');
      // Bounded by the store and session timeouts, well inside WeChat's 5 s.
      expect(Date.now() - started).toBeLessThan(4_500);
      expect(logger.text('warn')).toMatch(/no answer within/);
    } finally {
      server?.kill('SIGCONT');
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
  it('answers every message, warning, without dedup or sessions', async () => {
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
      expect(deadRuns).toBe(2);
      expect(deadLogger.text('warn')).toMatch(/dedupe store failed/);
      expect(deadLogger.text('warn')).toMatch(/session storage unavailable/);
    } finally {
      await deadBot.close();
      dead.disconnect();
    }
  });
});
