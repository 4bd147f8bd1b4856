import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Router } from '../../middleware/routes.js';
import { verify } from '../../middleware/verify.js';
import { AES_KEY, APP_ID, sha1Sorted, signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { appOf, botApp, expectNoStackTrace, recordingLogger } from './helpers.js';

function verifyApp(options: Partial<Parameters<typeof verify>[0]> = {}) {
  const logger = recordingLogger();
  let ran = 0;
  const app = appOf(verify({ token: TOKEN, logger, timestampWindow: false, ...options }), (ctx) => {
    ran++;
    ctx.body = 'next ran';
  });
  return { app, logger, ran: () => ran };
}

function query(params: Record<string, string | string[]>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const value of Array.isArray(v) ? v : [v]) search.append(k, value);
  }
  return search.toString();
}

// A fixed, old timestamp: the tests that pass it on set timestampWindow off.
const ts = '1700000000';

/** A GET sent raw, unencoded, the way a hostile client could, to a listening server. */
async function rawGet(app: Koa, path: string): Promise<{ status: number; text: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'GET', path }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    await new Promise((r) => server.close(r));
  }
}
const nonce = '424242';
const good = sha1Sorted(TOKEN, ts, nonce);

describe('verify()', () => {
  it('a good signature passes on to the next stage', async () => {
    const { app, ran } = verifyApp();
    const res = await request(app.callback()).post(`/?${signedQuery()}`).send('x');
    expect(res.status).toBe(200);
    expect(res.text).toBe('next ran');
    expect(ran()).toBe(1);
  });

  it.each([
    ['a wrong signature', { signature: 'f'.repeat(40), timestamp: ts, nonce }],
    [
      'a signature for another token',
      { signature: sha1Sorted('other', ts, nonce), timestamp: ts, nonce },
    ],
    ['no signature', { timestamp: ts, nonce }],
    ['no timestamp', { signature: good, nonce }],
    ['no nonce', { signature: good, timestamp: ts }],
    ['no query at all', {}],
    ['a signature given twice (array)', { signature: [good, good], timestamp: ts, nonce }],
    ['a timestamp given twice (array)', { signature: good, timestamp: [ts, ts], nonce }],
    ['a short signature', { signature: good.slice(0, 20), timestamp: ts, nonce }],
    [
      'a signature with one digit changed',
      { signature: `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`, timestamp: ts, nonce },
    ],
  ])('%s → 403 with the error page, next stage not run', async (_name, params) => {
    const { app, ran, logger } = verifyApp();
    const res = await request(app.callback())
      .post(`/?${query(params)}`)
      .send('x');
    expect(res.status).toBe(403);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('403');
    expectNoStackTrace(res.text);
    expect(ran()).toBe(0);
    expect(logger.text('warn')).toMatch(/bad signature/);
  });

  it('never logs the expected signature, nor the received one: its length at most', async () => {
    const { app, logger } = verifyApp();
    const wrong = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`;
    await request(app.callback()).post(`/?${query({ signature: wrong, timestamp: ts, nonce })}`);
    expect(logger.text()).not.toContain(good);
    expect(logger.text()).not.toContain(wrong);
    expect(logger.text('warn')).toContain('received 40 characters');
  });

  it('GET with echostr → echostr, as plain text', async () => {
    const { app, ran } = verifyApp();
    const res = await request(app.callback()).get(
      `/?${query({ signature: good, timestamp: ts, nonce, echostr: '5837397520665436492' })}`,
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe('5837397520665436492');
    expect(res.type).toBe('text/plain');
    expect(ran()).toBe(0);
  });

  it('GET with echostr but a bad signature → 403, echostr not echoed', async () => {
    const { app } = verifyApp();
    const res = await request(app.callback()).get(
      `/?${query({ signature: 'bad', timestamp: ts, nonce, echostr: 'ECHO_ME' })}`,
    );
    expect(res.status).toBe(403);
    expect(res.text).not.toBe('ECHO_ME');
  });

  it('GET without echostr → 200 and an empty body', async () => {
    const { app, ran } = verifyApp();
    const res = await request(app.callback()).get(
      `/?${query({ signature: good, timestamp: ts, nonce })}`,
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(ran()).toBe(0);
  });

  it('GET echostr in safe mode (a key configured) is answered in plain', async () => {
    const app = botApp({
      routes: new Router(),
      appId: APP_ID,
      encodingAESKey: AES_KEY,
      timestampWindow: false,
    });
    for (const extra of [{}, { encrypt_type: 'aes' }] as Record<string, string>[]) {
      const res = await request(app.callback()).get(
        `/?${query({ signature: good, timestamp: ts, nonce, echostr: 'ECHO', ...extra })}`,
      );
      expect(res.status).toBe(200);
      expect(res.text).toBe('ECHO');
    }
  });

  it.each(['PUT', 'DELETE', 'PATCH'] as const)('%s → 405 with Allow: GET, POST', async (method) => {
    const { app, ran, logger } = verifyApp();
    const agent = request(app.callback());
    const call =
      method === 'PUT'
        ? agent.put('/')
        : method === 'DELETE'
          ? agent.delete('/')
          : agent.patch('/');
    const res = await call.query({ signature: good, timestamp: ts, nonce });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
    expect(ran()).toBe(0);
    expect(logger.text('warn')).toContain(method);
  });

  it('the error page escapes the URL (no markup injection)', async () => {
    const { app } = verifyApp();
    const body = await rawGet(app, '/?x="><script>alert(1)</script>&y=\'');
    expect(body.status).toBe(403);
    expect(body.text).not.toContain('<script>');
    expect(body.text).not.toContain('"><script');
    expect(body.text).toContain('&lt;script&gt;');
    expect(body.text).toContain('&quot;&gt;');
  });

  it('a custom error page gets the URL', async () => {
    const { app } = verifyApp({ errorPage: (url) => `<h1>喵喵喵 ${url.length} 快走开</h1>` });
    const res = await request(app.callback()).get('/wechat?x=1');
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/^<h1>喵喵喵 \d+ 快走开<\/h1>$/);
  });

  it("a custom error page gets the URL HTML-escaped (the seed's page is no XSS)", async () => {
    const seedPage = (url: string) => `<h1>喵喵喵 ${url} 不是给麻瓜访问的快走开</h1>`;
    const { app } = verifyApp({ errorPage: seedPage });
    const res = await rawGet(app, '/?q=<script>alert(1)</script>');
    expect(res.status).toBe(403);
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>');
  });

  it('the built-in page does not escape twice', async () => {
    const { app } = verifyApp();
    const res = await request(app.callback()).get('/wechat?a=1&b=2');
    expect(res.text).toContain('/wechat?a=1&amp;b=2');
    expect(res.text).not.toContain('&amp;amp;');
  });

  it('composed: a bad signature never reaches parse, session or the handlers', async () => {
    let handled = 0;
    const app = botApp({
      routes: new Router().handler(() => {
        handled++;
        return 'x';
      }),
    });
    const res = await request(app.callback())
      .post(`/?${query({ signature: 'bad', timestamp: ts, nonce })}`)
      .send('not even xml');
    expect(res.status).toBe(403);
    expect(handled).toBe(0);
    const ok = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('hi'));
    expect(ok.status).toBe(200);
    expect(handled).toBe(1);
  });
});
