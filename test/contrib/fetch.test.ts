import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { GET, POST } from '../../examples/integrations/fetch.js';
import { app } from '../../examples/integrations/hono.js';
import { robot } from '../../examples/integrations/robot.js';
import { fetchHandler } from '../../src/contrib/fetch.js';
import { silentLogger, ZgRoBot } from '../../src/index.js';
import { createTestClient } from '../../src/testing/index.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { type AdapterUnderTest, adapterCases, configureExampleRobot, listening } from './cases.js';

adapterCases('Hono on @hono/node-server, with fetchHandler', async () => {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return listening(`http://127.0.0.1:${port}/wechat`, async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

/** The Next.js-style GET/POST exports, called with bare Requests: no server at all. */
function bareRequests(): AdapterUnderTest {
  const handle = (request: Request) => (request.method === 'GET' ? GET(request) : POST(request));
  return {
    target: { fetch: handle },
    fetch: (query, init) => handle(new Request(`http://bot.example/wechat?${query}`, init)),
    close: async () => {},
  };
}

adapterCases('fetchHandler with bare Request objects (route-handler exports)', async () =>
  bareRequests(),
);

describe('fetchHandler details', () => {
  it('runs the pipeline in memory with Hono app.request()', async () => {
    configureExampleRobot();
    const response = await app.request(`/wechat?${signedQuery()}`, {
      method: 'POST',
      body: textXml('hono'),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/xml/);
    expect(await response.text()).toContain('你说：hono');
  });

  it('answers 413 through the pipeline for a body past the limit (streamed, not buffered first)', async () => {
    configureExampleRobot();
    robot.config.bodyLimit = 1000;
    try {
      const response = await fetchHandler(robot)(
        new Request(`http://x/wechat?${signedQuery()}`, { method: 'POST', body: 'x'.repeat(5000) }),
      );
      expect(response.status).toBe(413);
    } finally {
      robot.config.bodyLimit = 1024 * 1024;
    }
  });

  it('answers a HEAD or PUT as the pipeline does (405), with no body on HEAD', async () => {
    configureExampleRobot();
    const handle = fetchHandler(robot);
    const put = await handle(
      new Request(`http://x/?${signedQuery()}`, { method: 'PUT', body: 'x' }),
    );
    expect(put.status).toBe(405);
    const head = await handle(new Request(`http://x/?${signedQuery()}`, { method: 'HEAD' }));
    expect(head.status).toBe(405);
    expect(await head.text()).toBe('');
  });

  it.each(['PROPFIND', 'MKCOL', 'PROPPATCH', 'LOCK', 'SEARCH', 'BREW'])(
    'answers %s with 405 and Allow: GET, POST (not a 500)',
    async (method) => {
      configureExampleRobot();
      const handle = fetchHandler(robot);
      const response = await handle(new Request(`http://x/wechat?${signedQuery()}`, { method }));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, POST');
    },
  );

  it('answers PROPFIND with 405 through a real Hono server too', async () => {
    configureExampleRobot();
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const response = await fetch(`http://127.0.0.1:${port}/wechat?${signedQuery()}`, {
        method: 'PROPFIND',
      });
      expect(response.status).toBe(405);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('passes the client address to the pipeline', async () => {
    configureExampleRobot();
    let seen: string | undefined;
    const handle = fetchHandler(robot);
    const t = createTestClient(
      { fetch: (request: Request) => handle(request, { remoteAddress: '10.1.2.3' }) },
      { token: TOKEN },
    );
    robot.image((ctx) => {
      seen = ctx.ip;
      return 'ip';
    });
    expect(await t.image('http://img')).toMatchObject({ content: 'ip' });
    expect(seen).toBe('10.1.2.3');
  });
});

describe('robot.fetch and work after the Response (Workers: ctx.waitUntil)', () => {
  it('hands a deferred turn to waitUntil, which settles once the handler is done', async () => {
    const bot = new ZgRoBot({ token: TOKEN, logger: silentLogger, sessionStorage: false });
    let finished = false;
    bot.text(async (ctx) => {
      ctx.wechat.defer();
      await new Promise((resolve) => setTimeout(resolve, 150));
      finished = true;
      return 'later';
    });
    const kept: Promise<unknown>[] = [];
    const response = await bot.fetch(
      new Request(`http://x/wechat?${signedQuery()}`, { method: 'POST', body: textXml('hi') }),
      { waitUntil: (work) => kept.push(work) },
    );
    expect(await response.text()).toBe('success');
    expect(finished).toBe(false);
    expect(kept).toHaveLength(1);
    await kept[0];
    expect(finished).toBe(true);
  });

  it('gives waitUntil nothing when the turn ended with its answer', async () => {
    const bot = new ZgRoBot({ token: TOKEN, logger: silentLogger, sessionStorage: false });
    bot.text(() => 'now');
    const kept: Promise<unknown>[] = [];
    const response = await bot.fetch(
      new Request(`http://x/wechat?${signedQuery()}`, { method: 'POST', body: textXml('hi') }),
      { waitUntil: (work) => kept.push(work) },
    );
    expect(await response.text()).toContain('now');
    expect(kept).toHaveLength(0);
  });
});
