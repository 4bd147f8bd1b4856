// robot.callback() runs the stages on Node's req/res without Koa (src/node-context.ts). Every case
// here runs the same stage behind a real Koa app and behind handleNode, each on its own listening
// server, and expects the same answer on the wire: status, the headers that matter, the body; and
// the same request members (path, query, href, ip, get()) with and without trusted proxies.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpContext, Stage } from '../../middleware/context.js';
import { WechatError } from '../../src/core/errors.js';
import { type LogCall, readLogCall, silentLogger } from '../../src/core/logger.js';
import { handleNode } from '../../src/node-context.js';

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

const SHOWN = ['content-type', 'content-length', 'allow', 'x-extra'];

function send(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const out = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: Record<string, string | undefined> = {};
          for (const name of SHOWN) {
            const value = res.headers[name];
            if (value !== undefined) headers[name] = String(value);
          }
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    out.on('error', reject);
    out.end();
  });
}

// The stage under test is swapped per case; both servers run whatever it is now.
let stage: Stage = async () => {};
let proxy = 0;
const logged: LogCall[] = [];
const servers: Server[] = [];
let koaPort = 0;
let nodePort = 0;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const app = new Koa();
  Object.defineProperties(app, {
    proxy: { get: () => proxy > 0 },
    maxIpsCount: { get: () => proxy },
  });
  app.silent = true;
  app.use((ctx, next) => stage(ctx, next));
  koaPort = await listen(app.callback());
  const logger = {
    ...silentLogger,
    error: (obj: object | string, msg?: string) => logged.push(readLogCall(obj, msg)),
  };
  nodePort = await listen((req, res) =>
    handleNode((ctx, next) => stage(ctx, next), req, res, {
      proxy: () => proxy,
      logger: () => logger,
    }),
  );
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function both(
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const [koa, node] = await Promise.all([
    send(koaPort, path, options),
    send(nodePort, path, options),
  ]);
  expect(node).toEqual(koa);
  return node;
}

const answers: [string, (ctx: HttpContext) => void][] = [
  ['nothing set: 404', () => {}],
  [
    'a text body',
    (ctx) => {
      ctx.body = 'hello';
    },
  ],
  [
    'a body starting with < (html)',
    (ctx) => {
      ctx.body = '  <p>hi</p>';
    },
  ],
  [
    'reply XML with its type',
    (ctx) => {
      ctx.status = 200;
      ctx.type = 'application/xml';
      ctx.body = '<xml><Content><![CDATA[你好]]></Content></xml>';
    },
  ],
  [
    'plain text with non-ASCII (length in bytes)',
    (ctx) => {
      ctx.type = 'text/plain';
      ctx.body = '你好 success';
    },
  ],
  [
    'the short type names',
    (ctx) => {
      ctx.type = 'html';
      ctx.type = 'text';
      ctx.body = 'x';
    },
  ],
  [
    '403 with an html page',
    (ctx) => {
      ctx.status = 403;
      ctx.type = 'html';
      ctx.body = '<h1>no</h1>';
    },
  ],
  [
    '405 with Allow',
    (ctx) => {
      ctx.status = 405;
      ctx.set('Allow', 'GET, POST');
      ctx.body = 'method not allowed';
    },
  ],
  [
    'a null body: 204',
    (ctx) => {
      ctx.body = null;
    },
  ],
  [
    'a body then null',
    (ctx) => {
      ctx.body = 'x';
      ctx.body = null;
    },
  ],
  [
    'a status alone',
    (ctx) => {
      ctx.status = 400;
    },
  ],
  [
    'an object: JSON',
    (ctx) => {
      ctx.body = { a: 1, b: ['你'] };
    },
  ],
  [
    'bytes',
    (ctx) => {
      ctx.body = Buffer.from('abc');
    },
  ],
  [
    '304 drops the body',
    (ctx) => {
      ctx.body = 'x';
      ctx.status = 304;
    },
  ],
  [
    'a header of our own',
    (ctx) => {
      ctx.set('X-Extra', 'yes');
      ctx.body = 'x';
    },
  ],
  [
    'an error escaping: 500, no message',
    () => {
      throw new Error('secret detail');
    },
  ],
  [
    'an error with a status and expose: its message',
    () => {
      throw new WechatError('short reason', { status: 400 });
    },
  ],
  [
    'an error with a status not to be shown',
    () => {
      throw new WechatError('secret detail', { status: 503, expose: false });
    },
  ],
];

describe('handleNode answers as a Koa app does', () => {
  it.each(answers)('%s', async (_name, write) => {
    stage = async (ctx) => write(ctx);
    const answer = await both('/wechat?x=1');
    expect(answer.body).not.toContain('secret');
    expect(answer.body).not.toMatch(/at .*:\d+:\d+/);
  });

  it.each(answers)('HEAD: %s', async (_name, write) => {
    stage = async (ctx) => write(ctx);
    expect((await both('/wechat', { method: 'HEAD' })).body).toBe('');
  });

  it('logs an error that escapes the stages, with the error', async () => {
    const error = new Error('boom');
    stage = async () => {
      throw error;
    };
    logged.length = 0;
    await send(nodePort, '/');
    expect(logged).toEqual([{ fields: { err: error }, msg: 'zgrobot: server error' }]);
  });
});

describe('handleNode reads the request as a Koa context does', () => {
  const echo: Stage = async (ctx) => {
    ctx.body = {
      method: ctx.method,
      path: ctx.path,
      href: ctx.href,
      ip: ctx.ip,
      query: ctx.query,
      host: ctx.get('Host'),
      referer: ctx.get('referrer'),
      missing: ctx.get('x-missing'),
    };
  };
  // One Host for both servers (each has its own port).
  const host = { host: 'bot.local:8080' };
  const forwarded = {
    ...host,
    'x-forwarded-for': '198.51.100.66, 203.0.113.7 ,10.0.0.1',
    'x-forwarded-proto': 'HTTPS, http',
    'x-forwarded-host': 'bot.example.com, proxy.local',
    referer: 'http://from.example/',
  };

  it.each([0, 1, 2, 5])('proxy %i: ip, href from X-Forwarded-*', async (hops) => {
    stage = echo;
    proxy = hops;
    try {
      const answer = await both('/w/x?a=1&a=2&b=%E4%BD%A0+x&c=&__proto__=p&d', {
        method: 'POST',
        headers: forwarded,
      });
      const seen = JSON.parse(answer.body) as { ip: string; query: Record<string, unknown> };
      expect(seen.ip).toBe(
        [undefined, '10.0.0.1', '203.0.113.7', '198.51.100.66', '198.51.100.66', '198.51.100.66'][
          hops
        ] ?? '127.0.0.1',
      );
      expect(seen.query).toEqual(
        JSON.parse('{"a":["1","2"],"b":"你 x","c":"","__proto__":"p","d":""}'),
      );
    } finally {
      proxy = 0;
    }
  });

  it('an absolute-form request target, an empty query, no query', async () => {
    stage = echo;
    await both('http://elsewhere.example/p/q?z=1', { headers: host });
    await both('/p?', { headers: host });
    // Nothing to decode (WeChat's queries): split without URLSearchParams, to the same result.
    await both(
      '/p?signature=ab&timestamp=1&a=1&a=2&a=3&constructor=c&__proto__=p&toString=t&&d=&=e&f==g&h',
      { headers: host },
    );
    await both('/p??x=1&y', { headers: host });
    await both('/', { headers: host });
  });
});

describe('handleNode writes the answers ready in one turn of the event loop together', () => {
  /** A server running `run` through handleNode, logging each `res.end` into `order`. */
  async function tracing(run: Stage, order: string[]): Promise<number> {
    return listen((req, res) => {
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      res.end = ((...args: unknown[]) => {
        order.push(`end ${req.url}`);
        return end(...args);
      }) as typeof res.end;
      handleNode(run, req, res, { proxy: () => 0, logger: () => silentLogger });
    });
  }

  it('in the check phase of that turn, not in the microtask after the stages', async () => {
    const order: string[] = [];
    const port = await tracing(async (ctx) => {
      ctx.body = 'answer';
      // Runs in the check phase of this turn: before the answer is written, which waits for it.
      setImmediate(() => order.push('check phase'));
    }, order);
    expect((await send(port, '/a')).body).toBe('answer');
    expect(order).toEqual(['check phase', 'end /a']);
  });

  it('after every request that became ready in that turn', async () => {
    const order: string[] = [];
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let arrived = 0;
    const port = await tracing(async (ctx) => {
      if (++arrived === 3) open();
      await gate; // the three go on in one turn, once the third has arrived
      // /3 gets ready some microtasks after the others: an answer written as soon as its stages
      // end would go out before it.
      if (ctx.path === '/3') for (let i = 0; i < 20; i++) await null;
      order.push(`ready ${ctx.path}`);
      ctx.body = ctx.path;
    }, order);
    const answers = await Promise.all(['/1', '/2', '/3'].map((path) => send(port, path)));
    expect(answers.map((answer) => answer.body)).toEqual(['/1', '/2', '/3']);
    expect(order).toEqual(['ready /1', 'ready /2', 'ready /3', 'end /1', 'end /2', 'end /3']);
  });
});
