// `npx tsx bench/ab.ts <checkout A> <checkout B> [plain|sqlite|encrypted|redis]`: two checkouts of
// zgrobot (say, main and a branch, each with its dependencies installed) loaded in ONE process,
// fed the same kind of signed messages in memory (light-my-request), in interleaved batches, and
// compared by CPU time per request (median of the batches; AB_ROUNDS, default 12, two of them
// warm-up). A machine whose speed drifts between runs drifts for both sides alike here, which is
// what `npm run bench` (one server process per scenario, minutes apart) cannot promise on a busy
// 2-core machine. Each batch's requests are signed (and encrypted) before its clock starts; the
// in-memory transport's cost is in both figures. A checkout is loaded from its `src/index.ts`
// (through tsx) unless written `<checkout>#<entry>`, e.g. `.#dist/src/index.js` for its build.
// `redis` keeps the sessions in the local Redis (127.0.0.1:6379), keys expiring after 10 minutes.
// AB_OPTIONS_A / AB_OPTIONS_B (JSON) add options to one side: two configurations of one checkout.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { inject } from 'light-my-request';
import { buildMessageXml } from '../src/testing/message-xml.js';
import { buildMessageRequest, cryptFor } from '../src/wechat-request.js';
import { AES_KEY, APP_ID } from './scenarios.js';

type Handler = Parameters<typeof inject>[0];
interface RobotModule {
  ZgRoBot: new (
    options: object,
  ) => {
    text(handler: (ctx: { wechat: WechatLike }) => string): unknown;
    callback(): Handler;
  };
  SQLiteStorage: new (filename: string) => object;
  RedisStorage: new (redis: Redis, options: { prefix: string; ttl: number }) => object;
  silentLogger: object;
}
interface WechatLike {
  message: { content: string };
  session: Record<string, unknown>;
}

const [dirA, dirB, scenario = 'plain'] = process.argv.slice(2);

/**
 * AB_OPTIONS_A / AB_OPTIONS_B: JSON options added to side A's or B's robot, to compare two
 * configurations of one checkout (`. .` with `AB_OPTIONS_B='{"dedupe":false}'`).
 */
function extraOptions(tag: string): object {
  const json = process.env[`AB_OPTIONS_${tag.toUpperCase()}`];
  return json ? (JSON.parse(json) as object) : {};
}
if (!dirA || !dirB || !['plain', 'sqlite', 'encrypted', 'redis'].includes(scenario)) {
  console.error('usage: tsx bench/ab.ts <checkout A> <checkout B> [plain|sqlite|encrypted|redis]');
  process.exit(2);
}
const TOKEN = 'bench_token';

async function handlerOf(checkout: string, tag: string): Promise<Handler> {
  const [dir = '.', entry = 'src/index.ts'] = checkout.split('#');
  const module = (await import(pathToFileURL(join(resolve(dir), entry)).href)) as RobotModule;
  let sessionStorage: object | false = false;
  if (scenario === 'sqlite') {
    const file = join(tmpdir(), `zgrobot-ab-${process.pid}-${tag}.sqlite3`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    sessionStorage = new module.SQLiteStorage(file);
  }
  if (scenario === 'redis') {
    const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 2 });
    const prefix = `zgrobot_ab_${process.pid}_${tag}:`;
    sessionStorage = new module.RedisStorage(redis, { prefix, ttl: 600 });
  }
  const keys = scenario === 'encrypted' ? { appId: APP_ID, encodingAESKey: AES_KEY } : {};
  const robot = new module.ZgRoBot({
    token: TOKEN,
    logger: module.silentLogger,
    sessionStorage,
    ...keys,
    ...extraOptions(tag),
  });
  robot.text((ctx) => {
    if (scenario === 'sqlite' || scenario === 'redis')
      ctx.wechat.session.count = (Number(ctx.wechat.session.count) || 0) + 1;
    return ctx.wechat.message.content;
  });
  return robot.callback();
}

const handlers = { A: await handlerOf(dirA, 'a'), B: await handlerOf(dirB, 'b') };
const credentials =
  scenario === 'encrypted'
    ? { token: TOKEN, appId: APP_ID, encodingAESKey: AES_KEY }
    : { token: TOKEN };
const crypt = cryptFor(credentials);
const base = BigInt(Date.now()) * 1_000_000n;
let sequence = 0;
/** The next distinct message, signed (and encrypted) as WeChat sends it. */
const nextRequest = () => {
  const i = sequence++;
  const xml = buildMessageXml('text', {
    target: 'gh_bench',
    source: `user_${i % 1000}`,
    content: `你好 ${i}`,
    messageId: String(base + BigInt(i)),
  });
  const request = buildMessageRequest(credentials, xml, {
    nonce: `${base}${i}`,
    ...(crypt ? { crypt } : {}),
  });
  return { url: `/?${request.query}`, headers: request.headers, payload: request.body ?? '' };
};

const BATCH = 1500;
const IN_FLIGHT = 20;
const ROUNDS = Number(process.env.AB_ROUNDS ?? 12);
const cpu: Record<'A' | 'B', number[]> = { A: [], B: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const side of round % 2 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
    const requests = Array.from({ length: BATCH }, nextRequest);
    const started = process.cpuUsage();
    for (let done = 0; done < BATCH; done += IN_FLIGHT) {
      const answers = await Promise.all(
        requests
          .slice(done, done + IN_FLIGHT)
          .map((request) => inject(handlers[side], { method: 'POST', ...request })),
      );
      const bad = answers.find((answer) => answer.statusCode !== 200);
      if (bad) throw new Error(`${side} answered ${bad.statusCode}: ${bad.payload}`);
    }
    const used = process.cpuUsage(started);
    if (round >= 2) cpu[side].push((used.user + used.system) / BATCH); // 2 rounds of warm-up
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const [a, b] = [median(cpu.A), median(cpu.B)];
console.log(
  `${scenario}: A ${a.toFixed(1)} µs/request, B ${b.toFixed(1)} µs/request, B/A ${(b / a).toFixed(2)} (CPU per request, median of ${cpu.A.length} interleaved batches)`,
);
process.exit(0);
