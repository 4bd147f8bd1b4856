// The playground's JSON API over real HTTP, against the demo bot in a process of its own (plain and
// encrypted), a late reply coming back through the WeChat API the playground plays, and bots that
// answer what WeChat would not accept.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/core/client/client.js';
import { MessageCrypt } from '../../src/core/crypto/message-crypt.js';
import { parseXml } from '../../src/core/messages/xml.js';
import type { Exchange } from '../../src/playground/exchange.js';
import { type Playground, startPlayground } from '../../src/playground/server.js';
import {
  AES_KEY,
  APP_ID,
  freePort,
  post,
  type RunningBot,
  readEvents,
  startDemoBot,
  startRawBot,
} from './support.js';

const menu = JSON.parse(readFileSync(new URL('../../examples/menu.json', import.meta.url), 'utf8'));
const send = (pg: Playground, user: string, kind: string, fields: Record<string, unknown>) =>
  post<Exchange>(pg.url, '/api/send', { user, kind, fields });
const content = (exchange: Exchange) =>
  exchange.reply.parsed?.type === 'text' ? exchange.reply.parsed.content : undefined;

describe('plaintext, against the demo bot', () => {
  let pg: Playground;
  let bot: RunningBot;

  beforeAll(async () => {
    // Each needs the other's address: the bot's port is picked first.
    const port = await freePort();
    pg = await startPlayground({ url: `http://127.0.0.1:${port}/`, token: 'tokenhere', menu });
    bot = await startDemoBot({ WECHAT_API_BASE: pg.url, ZGROBOT_REPLY_TIMEOUT: '300' }, port);
  }, 60_000);

  afterAll(async () => {
    await pg?.close();
    await bot?.stop();
  });

  it('sends a text as WeChat does and shows every check passing', async () => {
    const exchange = await send(pg, 'o_alice', 'text', { content: '你好' });
    expect(content(exchange)).toBe('你说：你好（第 1 条）');
    expect(exchange.problems).toEqual([]);
    expect(exchange.checks.map((c) => c.ok)).not.toContain(false);
    expect(exchange.checks.map((c) => c.label)).toEqual(
      expect.arrayContaining(['HTTP 200', 'ToUserName = the user', 'FromUserName = the account']),
    );
    const { query, xml, body, encrypted, messageId } = exchange.request;
    expect(Object.keys(query).sort()).toEqual(['nonce', 'openid', 'signature', 'timestamp']);
    expect(query.openid).toBe('o_alice');
    expect(body).toBe(xml);
    expect(encrypted).toBe(false);
    expect(parseXml(xml)).toMatchObject({ MsgType: 'text', Content: '你好', MsgId: messageId });
    expect(exchange.ms).toBeGreaterThanOrEqual(0);
    expect(exchange.ms).toBeLessThan(5000);
  });

  it('keeps users apart: each has a session of their own', async () => {
    expect(content(await send(pg, 'o_bob', 'text', { content: 'a' }))).toBe('你说：a（第 1 条）');
    expect(content(await send(pg, 'o_bob', 'text', { content: 'b' }))).toBe('你说：b（第 2 条）');
    expect(content(await send(pg, 'o_carol', 'text', { content: 'c' }))).toBe('你说：c（第 1 条）');
  });

  it('replays a message with the same MsgId: the bot answers the retry without running again', async () => {
    const first = await send(pg, 'o_dave', 'text', { content: 'once' });
    const again = await post<Exchange>(pg.url, '/api/replay', { id: first.id });
    expect(again.replayOf).toBe(first.id);
    expect(again.request.messageId).toBe(first.request.messageId);
    expect(again.request.xml).toBe(first.request.xml);
    expect(again.request.query.nonce).not.toBe(first.request.query.nonce);
    expect(content(again)).toBe(content(first));
    expect(content(await send(pg, 'o_dave', 'text', { content: 'next' }))).toBe(
      '你说：next（第 2 条）',
    );
  });

  it('sends menu events with their nested fields', async () => {
    const click = await send(pg, 'o_erin', 'click_event', { key: 'V1001_TODAY_SINGER' });
    expect(click.reply.parsed).toMatchObject({ type: 'news', articles: [{ title: '歌手简介' }] });
    const located = await send(pg, 'o_erin', 'location_select_event', {
      key: 'where',
      locationX: 23.1,
      locationY: 113.3,
      scale: 15,
      label: '天河路',
      poiName: '天河城',
    });
    expect(parseXml(located.request.xml)).toMatchObject({
      Event: 'location_select',
      SendLocationInfo: { Location_X: '23.1', Poiname: '天河城' },
    });
    expect(content(located)).toBe('你选择了 天河城');
    const pics = await send(pg, 'o_erin', 'pic_sysphoto_event', {
      key: 'photo',
      count: 2,
      picList: [{ picMd5Sum: 'a' }, { picMd5Sum: 'b' }],
    });
    expect(content(pics)).toBe('收到 2 张照片');
  });

  it('shows success as no reply, and the hand-over to customer service', async () => {
    const view = await send(pg, 'o_frank', 'view_event', { key: 'http://v.qq.com/' });
    expect(view.reply.parsed).toEqual({ type: 'success', raw: 'success' });
    expect(view.problems).toEqual([]);
    const transfer = await send(pg, 'o_frank', 'text', { content: '客服' });
    expect(transfer.reply.parsed?.type).toBe('transfer_customer_service');
  });

  it('gets a late reply as a customer-service message through the API it plays', async () => {
    const events = await readEvents(pg.url);
    try {
      const exchange = await send(pg, 'o_grace', 'text', { content: '慢' });
      expect(exchange.reply.parsed?.type).toBe('success');
      expect(exchange.ms).toBeLessThan(3000);
      const pushed = await events.next(
        (e) =>
          e.type === 'api' && (e.data as { path: string }).path === '/cgi-bin/message/custom/send',
        15_000,
      );
      expect(pushed.data).toMatchObject({
        method: 'POST',
        body: {
          touser: 'o_grace',
          msgtype: 'text',
          text: { content: expect.stringContaining('久等') },
        },
        answer: { errcode: 0 },
      });
      const calls = pg.api.calls.map((c) => c.path);
      expect(calls).toContain('/cgi-bin/token');
      const token = pg.api.calls.find((c) => c.path === '/cgi-bin/message/custom/send')?.query
        .access_token;
      expect(token).toMatch(/^playground-token-\d+$/);
    } finally {
      events.close();
    }
  }, 20_000);

  it('rejects what it cannot send', async () => {
    const response = await fetch(new URL('/api/send', pg.url), {
      method: 'POST',
      body: JSON.stringify({ user: 'o', kind: 'nope' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'unknown kind "nope"' });
    const missing = await fetch(new URL('/api/replay', pg.url), {
      method: 'POST',
      body: JSON.stringify({ id: 'nope' }),
    });
    expect(missing.status).toBe(404);
  });
});

describe('encrypted (safe mode), against the demo bot', () => {
  let pg: Playground;
  let bot: RunningBot;

  beforeAll(async () => {
    bot = await startDemoBot({ ZGROBOT_ENCODING_AES_KEY: AES_KEY, ZGROBOT_APP_ID: APP_ID });
    pg = await startPlayground({
      url: bot.url,
      token: 'tokenhere',
      encodingAESKey: AES_KEY,
      appId: APP_ID,
    });
  }, 30_000);

  afterAll(async () => {
    await pg?.close();
    await bot?.stop();
  });

  it('encrypts the message, checks the reply’s signature and decrypts it', async () => {
    const exchange = await send(pg, 'o_alice', 'text', { content: '加密' });
    expect(exchange.problems).toEqual([]);
    expect(exchange.request.encrypted).toBe(true);
    expect(exchange.request.query.encrypt_type).toBe('aes');
    expect(exchange.request.query.msg_signature).toMatch(/^[0-9a-f]{40}$/);
    const envelope = parseXml(exchange.request.body);
    expect(Object.keys(envelope).sort()).toEqual(['Encrypt', 'ToUserName']);
    const crypt = new MessageCrypt({ token: 'tokenhere', encodingAESKey: AES_KEY, appId: APP_ID });
    expect(crypt.decrypt(String(envelope.Encrypt))).toBe(exchange.request.xml);

    expect(exchange.reply.encrypted).toBe(true);
    expect(exchange.reply.body).toContain('<Encrypt>');
    expect(exchange.reply.body).not.toContain('加密');
    expect(exchange.reply.xml).toContain('你说：加密（第 1 条）');
    expect(exchange.checks).toContainEqual(
      expect.objectContaining({ label: 'reply MsgSignature 回复签名', ok: true }),
    );
  });

  it('says the token is wrong when the bot refuses the signature', async () => {
    const wrong = await startPlayground({
      url: bot.url,
      token: 'not-the-token',
      encodingAESKey: AES_KEY,
      appId: APP_ID,
    });
    try {
      const exchange = await send(wrong, 'o_alice', 'text', { content: 'x' });
      expect(exchange.reply.status).toBe(403);
      expect(exchange.problems).toEqual([expect.stringContaining('HTTP 403')]);
    } finally {
      await wrong.close();
    }
  });
});

describe('replies WeChat would not accept', () => {
  const user = 'o_user';
  const replyXml = (to: string, from = 'gh_zgrobot_playground') =>
    `<xml><ToUserName><![CDATA[${to}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>`;

  async function problemsFor(
    answer: (res: import('node:http').ServerResponse) => unknown,
    options: { budget?: number; encrypted?: boolean } = {},
  ): Promise<Exchange> {
    const bot = await startRawBot(async (_req, _body, res) => {
      await answer(res);
    });
    const pg = await startPlayground({
      url: bot.url,
      token: 'tokenhere',
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.encrypted ? { encodingAESKey: AES_KEY, appId: APP_ID } : {}),
    });
    try {
      return await send(pg, user, 'text', { content: 'hi' });
    } finally {
      await pg.close();
      await bot.close();
    }
  }

  it('flags an answer that is not XML', async () => {
    const exchange = await problemsFor((res) => res.end('<html>oops'));
    expect(exchange.problems).toEqual([expect.stringMatching(/^invalid reply 无效的回复: /)]);
    expect(exchange.reply.parsed).toBeUndefined();
    expect(exchange.reply.body).toBe('<html>oops');
  });

  it('flags a wrong ToUserName and FromUserName', async () => {
    const exchange = await problemsFor((res) => res.end(replyXml('o_someone_else', 'gh_other')));
    expect(exchange.problems).toEqual([
      expect.stringContaining('"o_someone_else", expected "o_user"'),
      expect.stringContaining('"gh_other", expected "gh_zgrobot_playground"'),
    ]);
    expect(exchange.checks.filter((c) => !c.ok).map((c) => c.label)).toEqual([
      'ToUserName = the user',
      'FromUserName = the account',
    ]);
  });

  it('flags a reply later than the budget', async () => {
    const exchange = await problemsFor(
      (res) => void setTimeout(() => res.end(replyXml(user)), 300),
      { budget: 100 },
    );
    expect(exchange.ms).toBeGreaterThanOrEqual(300);
    expect(exchange.problems).toEqual([expect.stringMatching(/^later than 0.1 s/)]);
    expect(exchange.reply.parsed?.type).toBe('text');
  });

  it('flags a plaintext reply to an encrypted message, and a bad reply signature', async () => {
    const plain = await problemsFor((res) => res.end(replyXml(user)), { encrypted: true });
    expect(plain.problems).toEqual([expect.stringContaining('the reply came plain')]);
    const crypt = new MessageCrypt({
      token: 'other-token',
      encodingAESKey: AES_KEY,
      appId: APP_ID,
    });
    const forged = await problemsFor((res) => res.end(crypt.encryptReply(replyXml(user))), {
      encrypted: true,
    });
    expect(forged.checks).toContainEqual(
      expect.objectContaining({ label: 'reply MsgSignature 回复签名', ok: false }),
    );
    expect(forged.problems).toHaveLength(1);
  });

  it('says so when the bot cannot be reached', async () => {
    const bot = await startRawBot(() => {});
    await bot.close();
    const pg = await startPlayground({ url: bot.url, token: 'tokenhere' });
    try {
      const exchange = await send(pg, user, 'text', { content: 'hi' });
      expect(exchange.reply.status).toBe(0);
      expect(exchange.problems).toEqual([expect.stringContaining('could not be reached')]);
    } finally {
      await pg.close();
    }
  });
});

describe('the WeChat API it plays, and the page it serves', () => {
  let pg: Playground;

  beforeAll(async () => {
    pg = await startPlayground({ url: 'http://127.0.0.1:9/', token: 'tokenhere' });
  });
  afterAll(() => pg.close());

  it('takes a menu the bot creates, and pushes it to the page', async () => {
    const events = await readEvents(pg.url);
    const client = new Client({ appId: 'wx1', appSecret: 's', baseUrl: pg.url.replace(/\/$/, '') });
    try {
      expect((await (await fetch(new URL('/api/config', pg.url))).json()).menu).toBeNull();
      await client.createMenu(menu);
      expect((await client.getMenu()).menu.button).toEqual(menu.button);
      expect((await events.next((e) => e.type === 'menu')).data).toEqual(menu);
      expect((await (await fetch(new URL('/api/config', pg.url))).json()).menu).toEqual(menu);
      await client.sendTextMessage('o_x', '客服消息');
      expect(pg.api.calls.at(-1)).toMatchObject({
        path: '/cgi-bin/message/custom/send',
        body: { touser: 'o_x', msgtype: 'text', text: { content: '客服消息' } },
      });
      await client.deleteMenu();
      expect((await events.next((e) => e.type === 'menu' && e.data === null)).data).toBeNull();
    } finally {
      events.close();
      await client.close();
    }
  });

  it('serves the page, its bundle and the sample pictures', async () => {
    const page = await fetch(pg.url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<script src="/app.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(new URL('/app.js', pg.url));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain('/api/send');
    const css = await fetch(new URL('/app.css', pg.url));
    expect(await css.text()).toContain('.phone');
    const picture = await fetch(new URL('/samples/cat.svg', pg.url));
    expect(picture.headers.get('content-type')).toBe('image/svg+xml');
    expect((await fetch(new URL('/nope.js', pg.url))).status).toBe(404);
  });
});
