import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../dedupe/bot.js';
import { replyText } from '../middleware/helpers.js';
import { runTag, within } from '../session/helpers.js';
import { startBotProcess } from '../support/bot-process.js';
import { messageXml, signedQuery, TOKEN } from '../support/wechat.js';

// Two bot processes on two ports share one Redis (sessions and dedup), as two instances behind
// nginx would. WeChat's tries of one message are sent to both.
const prefix = `zgrobot_test_multi_${runTag()}:`;
const REPLY_TIMEOUT = 1_000;
let redis: Redis;
const bots: { name: string; child: ChildProcess; url: string }[] = [];

async function startBot(name: string) {
  const script = fileURLToPath(new URL('./fixtures/bot.ts', import.meta.url));
  const bot = await startBotProcess(script, [name, prefix, String(REPLY_TIMEOUT)]);
  bots.push({ name, child: bot.child, url: bot.url });
}

/** The two bots as [A, B], whichever started listening first. */
function botsByName() {
  return ['A', 'B'].map((name) => bots.find((bot) => bot.name === name));
}

async function post(url: string, xml: string): Promise<string> {
  const res = await fetch(`${url}/?${signedQuery(TOKEN)}`, {
    method: 'POST',
    body: xml,
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  return res.text();
}

let msgId = BigInt(Date.now()) * 1000n;
const text = (content: string, user = 'multi_user') =>
  messageXml('text', { Content: content, MsgId: String(++msgId) }, { FromUserName: user });
const runsOf = async (xml: string) =>
  Number(await redis.get(`${prefix}runs:${/<MsgId><!\[CDATA\[(\d+)/.exec(xml)?.[1]}`));

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 2 });
  await within(redis.connect(), 5_000, 'connect to Redis');
  await Promise.all([startBot('A'), startBot('B')]);
}, 30_000);

afterAll(async () => {
  for (const bot of bots) bot.child.kill('SIGTERM');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('two instances sharing one Redis', () => {
  it("runs WeChat's three tries of one message once, spread over both instances", async () => {
    const [a, b] = botsByName();
    // The handler takes 1.5 s; replyTimeout is 1 s. Try 1 (A) is answered success at ~1 s;
    // try 2 (B) comes right after and waits on the run in A; try 3 (A again) finds it cached.
    const xml = text('retried sleep:1500');
    const first = await post(a!.url, xml);
    const second = await post(b!.url, xml);
    const third = await post(a!.url, xml);
    expect(first).toBe('success');
    expect(replyText(second)).toBe('A ran it (run 1); session count 1');
    expect(third).toBe(second);
    expect(await runsOf(xml)).toBe(1);
  });

  it('makes overlapping tries on both instances wait for the one run', async () => {
    const [a, b] = botsByName();
    const xml = text('overlap sleep:600', 'overlap_user');
    const tries = [post(a!.url, xml), sleep(100).then(() => post(b!.url, xml))];
    tries.push(sleep(200).then(() => post(b!.url, xml)));
    const answers = await Promise.all(tries);
    expect(new Set(answers).size).toBe(1);
    expect(replyText(answers[0]!)).toMatch(/^A ran it \(run 1\)/);
    expect(await runsOf(xml)).toBe(1);
  });

  it('reads on one instance the session written on the other', async () => {
    const [a, b] = botsByName();
    const user = `session_user_${Date.now()}`;
    expect(replyText(await post(a!.url, text('hello', user)))).toBe(
      'A ran it (run 1); session count 1',
    );
    expect(replyText(await post(b!.url, text('again', user)))).toBe(
      'B ran it (run 1); session count 2',
    );
    const stored = JSON.parse((await redis.get(`${prefix}session:gh_account:${user}`)) ?? '{}');
    expect(stored).toEqual({ count: 2, seen_by_A: true, seen_by_B: true });
  });
});
