import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import wechat from 'co-wechat';
import { XMLParser } from 'fast-xml-parser';
import { Redis } from 'ioredis';
import Koa from 'koa';
import getRawBody from 'raw-body';
import type { SessionStorage } from '../src/core/session/storage.js';
import type { ZgRoBotOptions } from '../src/robot.js';

/**
 * zgrobot as its users run it: the build in dist/ (`npm run bench` builds it first), plain
 * JavaScript like the co-wechat and Koa rows. `BENCH_FROM=src` loads the TypeScript sources
 * through tsx instead, which names every closure it makes (esbuild's keepNames) and so costs
 * more per request than the build does.
 */
type Library = typeof import('../src/index.js');
let lib: Library;
async function loadLibrary(): Promise<void> {
  const entry = process.env.BENCH_FROM === 'src' ? '../src/index.ts' : '../dist/src/index.js';
  lib = (await import(pathToFileURL(join(import.meta.dirname, entry)).href)) as Library;
}

export const TOKEN = 'bench_token';
export const APP_ID = 'wxbench0000000000';
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

const FIXED_REPLY =
  '<xml><ToUserName><![CDATA[user]]></ToUserName><FromUserName><![CDATA[gh_bench]]></FromUserName>' +
  '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content></xml>';

function echoBot(options: ZgRoBotOptions) {
  const robot = new lib.ZgRoBot({ token: TOKEN, logger: lib.silentLogger, ...options });
  robot.text((ctx) => ctx.wechat.message.content);
  return robot;
}

/** A bot that counts each user's messages in its session: a read and a write per message. */
function counterBot(sessionStorage: SessionStorage) {
  const robot = new lib.ZgRoBot({ token: TOKEN, logger: lib.silentLogger, sessionStorage });
  robot.text((ctx) => {
    const count = (Number(ctx.wechat.session.count) || 0) + 1;
    ctx.wechat.session.count = count;
    return `${ctx.wechat.message.content} #${count}`;
  });
  return robot;
}

/** co-wechat (the Node peer, on Koa) answering each text with its content: the reference rows. */
function coWechatEcho(config: { token: string; appid?: string; encodingAESKey?: string }) {
  const app = new Koa();
  app.use(wechat(config).middleware((message) => message.Content ?? ''));
  return app.callback();
}

function floorEcho(): RequestListener {
  const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false });
  let ready: (() => void)[] = [];
  const flush = () => {
    const batch = ready;
    ready = [];
    for (const write of batch) write();
  };
  const answer = (res: ServerResponse, status: number, body: string) => {
    ready.push(() => {
      res.writeHead(status, {
        'Content-Type': 'application/xml',
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
    });
    if (ready.length === 1) setImmediate(flush);
  };
  return (req, res) => {
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const timestamp = query.get('timestamp') ?? '';
    const nonce = query.get('nonce') ?? '';
    const signed = createHash('sha1')
      .update([TOKEN, timestamp, nonce].sort().join(''))
      .digest('hex');
    const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
    if (signed !== query.get('signature') || !fresh) return answer(res, 403, 'forbidden');
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const { xml } = parser.parse(body) as { xml: Record<string, string> };
      answer(
        res,
        200,
        `<xml><ToUserName><![CDATA[${xml.FromUserName}]]></ToUserName><FromUserName><![CDATA[${xml.ToUserName}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${xml.Content}]]></Content></xml>`,
      );
    });
  };
}

/**
 * A client of the local Redis (127.0.0.1:6379) and a key prefix of this run: every key it writes
 * expires by itself (sessions after 10 min, dedup entries after their 30 s window). Made as
 * docs/sessions.md and docs/scale-out.md tell users to make it, with `enableAutoPipelining`.
 */
function benchRedis(): { redis: Redis; prefix: string } {
  const redis = new Redis({
    host: '127.0.0.1',
    port: 6379,
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
  });
  return { redis, prefix: `zgrobot_bench_${process.pid}_${Date.now()}:` };
}

/** A server under test: its request listener, and whether its requests must be encrypted. */
export interface Scenario {
  label: string;
  encrypted: boolean;
  listener: () => RequestListener;
}

/** The scenarios of `npm run bench`, by name; `koa` is the reference the others are divided by. */
export const SCENARIOS: Record<string, Scenario> = {
  node: {
    label: 'bare node:http, fixed reply',
    encrypted: false,
    listener: () => (_req, res) => {
      res.setHeader('content-type', 'application/xml');
      res.end(FIXED_REPLY);
    },
  },
  koa: {
    label: 'bare Koa, fixed reply',
    encrypted: false,
    listener: () => {
      const app = new Koa();
      app.use((ctx) => {
        ctx.type = 'application/xml';
        ctx.body = FIXED_REPLY;
      });
      return app.callback();
    },
  },
  koaBody: {
    label: 'Koa reading the body, fixed reply',
    encrypted: false,
    // Not a target: shows what reading the body alone costs, which bare Koa never does.
    listener: () => {
      const app = new Koa();
      app.use(async (ctx) => {
        await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' });
        ctx.type = 'application/xml';
        ctx.body = FIXED_REPLY;
      });
      return app.callback();
    },
  },
  floor: {
    label: 'floor: hand-written echo (no dedup)',
    encrypted: false,
    // Not a target: the least work a plain echo needs with fast-xml-parser as the parser (the
    // URL signature and timestamp, the body, the parse, a template reply, answers written in
    // one burst as zgrobot writes them), without dedup, the replay check or the turn's deadline.
    // What zgrobot costs above it is the framework's own.
    listener: floorEcho,
  },
  coWechat: {
    label: 'co-wechat 2.4 echo, plaintext',
    encrypted: false,
    listener: () => coWechatEcho({ token: TOKEN }),
  },
  coWechatEncrypted: {
    label: 'co-wechat 2.4 echo, encrypted',
    encrypted: true,
    listener: () => coWechatEcho({ token: TOKEN, appid: APP_ID, encodingAESKey: AES_KEY }),
  },
  plain: {
    label: 'echo bot, plaintext, no sessions',
    encrypted: false,
    listener: () => echoBot({ sessionStorage: false }).callback(),
  },
  noDedup: {
    label: 'echo bot, plaintext, dedup off',
    encrypted: false,
    // Not a target (dedup is on by default): what dedup costs, the row above minus this one.
    listener: () => echoBot({ sessionStorage: false, dedupe: false }).callback(),
  },
  accounts: {
    label: 'echo bot, 3 accounts by ToUserName',
    encrypted: false,
    // The load's messages go to gh_bench, the last of three listed accounts.
    listener: () => {
      const robot = new lib.ZgRoBot({
        logger: lib.silentLogger,
        sessionStorage: false,
        accounts: {
          by: 'toUserName',
          list: [
            { appId: 'wxbenchother00001', originalId: 'gh_other1', token: 'other1' },
            { appId: 'wxbenchother00002', originalId: 'gh_other2', token: 'other2' },
            { appId: APP_ID, originalId: 'gh_bench', token: TOKEN },
          ],
        },
      });
      robot.text((ctx) => ctx.wechat.message.content);
      return robot.callback();
    },
  },
  sqlite: {
    label: 'echo bot, SQLite sessions',
    encrypted: false,
    listener: () => {
      const dir = mkdtempSync(join(tmpdir(), 'zgrobot-bench-'));
      return counterBot(new lib.SQLiteStorage(join(dir, 's.sqlite3'))).callback();
    },
  },
  encrypted: {
    label: 'echo bot, encrypted (safe mode)',
    encrypted: true,
    listener: () =>
      echoBot({ sessionStorage: false, appId: APP_ID, encodingAESKey: AES_KEY }).callback(),
  },
  redisSession: {
    label: 'echo bot, Redis sessions (autopipe)',
    encrypted: false,
    listener: () => {
      const { redis, prefix } = benchRedis();
      const storage = new lib.RedisStorage(redis, { prefix: `${prefix}session:`, ttl: 600 });
      return counterBot(storage).callback();
    },
  },
  redisDedupe: {
    label: 'echo bot, Redis dedup (autopipe)',
    encrypted: false,
    listener: () => {
      const { redis, prefix } = benchRedis();
      const store = new lib.RedisDedupeStore(redis, { prefix: `${prefix}dedupe:` });
      return echoBot({ sessionStorage: false, dedupe: { store } }).callback();
    },
  },
};

/**
 * The server of scenario `name` (not listening yet), with zgrobot loaded; an unknown name ends
 * the process (exit code 2) with the list of names.
 */
export async function scenarioServer(
  name: string,
): Promise<{ scenario: Scenario; server: Server }> {
  const scenario = SCENARIOS[name];
  if (!scenario) {
    console.error(`unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(', ')}`);
    process.exit(2);
  }
  await loadLibrary();
  const server = createServer(scenario.listener());
  server.keepAliveTimeout = 60_000;
  return { scenario, server };
}

// Run as a child process: `tsx bench/scenarios.ts <name>` listens on a free port and prints it;
// SIGTERM ends it with process.exit, so that `node --cpu-prof` writes its profile.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const { server } = await scenarioServer(process.argv[2] ?? '');
  // The parent asks for CPU time used so far, to compute CPU per request apart from wall time.
  process.on('SIGUSR2', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`CPU ${user + system}\n`);
    // bench/soak.ts (node --expose-gc): what stays allocated, after a full collection.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) return;
    gc();
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    process.stdout.write(`MEM ${rss} ${heapUsed} ${heapTotal} ${external}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (typeof address === 'object' && address) process.stdout.write(`PORT ${address.port}\n`);
  });
}
