// The end-to-end cases every adapter must pass, written once. Each adapter test starts its
// framework for real (listening on 127.0.0.1, or a bare fetch handler) and calls adapterCases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { robot } from '../../examples/integrations/robot.js';
import { silentLogger } from '../../src/index.js';
import {
  type BotTarget,
  createTestClient,
  UnexpectedStatusError,
} from '../../src/testing/index.js';
import { nextMessageId } from '../../src/testing/message-xml.js';
import { AES_KEY, APP_ID, messageXml, sha1Sorted, signedQuery, TOKEN } from '../support/wechat.js';

/** A running adapter: what the test client talks to, and a raw `fetch` to the bot's path. */
export interface AdapterUnderTest {
  target: BotTarget;
  /** A raw request to the bot's path with `query`; for checks apart from the test client. */
  fetch(query: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** The example robot, set up for the tests: test token, plaintext and encrypted (兼容模式), no logs. */
export function configureExampleRobot(): typeof robot {
  robot.config.update({
    token: TOKEN,
    appId: APP_ID,
    encodingAESKey: AES_KEY,
    encryptMode: 'compatible',
  });
  robot.logger = silentLogger;
  return robot;
}

/** An adapter listening at `url` (a real server on 127.0.0.1). */
export function listening(url: string, close: () => Promise<void>): AdapterUnderTest {
  return { target: url, fetch: (query, init) => fetch(`${url}?${query}`, init), close };
}

export function adapterCases(name: string, start: () => Promise<AdapterUnderTest>): void {
  describe(`${name}: the common end-to-end cases`, () => {
    let bot: AdapterUnderTest;
    beforeAll(async () => {
      configureExampleRobot();
      bot = await start();
    });
    afterAll(async () => {
      await bot?.close();
    });

    it('answers a plaintext text message with a text reply', async () => {
      const t = createTestClient(bot.target, { token: TOKEN, path: '/wechat' });
      const reply = await t.text('你好');
      expect(reply).toMatchObject({
        type: 'text',
        content: '你说：你好',
        target: 'o_zgrobot_test_user',
        source: 'gh_zgrobot_test',
      });
    });

    it('answers a hand-built WeChat request (helpers apart from the test client)', async () => {
      const response = await bot.fetch(signedQuery(), {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        // A fresh MsgId: the same robot serves several apps in one file, and a repeated MsgId is a retry.
        body: messageXml('text', { Content: 'abc def', MsgId: nextMessageId() }),
      });
      expect(response.status).toBe(200);
      const body = await response.text();
      expect(body).toContain('<MsgType><![CDATA[text]]></MsgType>');
      expect(body).toContain('<Content><![CDATA[你说：abc def]]></Content>');
    });

    it('answers an encrypted (safe mode) message with an encrypted reply that decrypts', async () => {
      const t = createTestClient(bot.target, {
        token: TOKEN,
        appId: APP_ID,
        encodingAESKey: AES_KEY,
        path: '/wechat',
      });
      const xmlRequest = t.build(
        `<xml><ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName><CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>加密</Content><MsgId>${nextMessageId()}</MsgId></xml>`,
      );
      expect(xmlRequest.body).not.toContain('加密');
      const raw = await t.request(xmlRequest);
      expect(raw.status).toBe(200);
      expect(raw.body).toMatch(/^<xml><Encrypt><!\[CDATA\[/);
      const envelope =
        /<Encrypt><!\[CDATA\[(.*?)\]\]>.*<MsgSignature><!\[CDATA\[(.*?)\]\]>.*<TimeStamp>(\d+)<\/TimeStamp><Nonce><!\[CDATA\[(.*?)\]\]>/.exec(
          raw.body,
        );
      expect(envelope).not.toBeNull();
      const [, encrypt = '', signature, timestamp = '', nonce = ''] = envelope ?? [];
      expect(signature).toBe(sha1Sorted(TOKEN, timestamp, nonce, encrypt));

      expect(await t.text('秘密')).toMatchObject({ type: 'text', content: '你说：秘密' });
      expect(await t.subscribe()).toMatchObject({
        type: 'text',
        content: expect.stringContaining('感谢关注'),
      });
    });

    it('answers a click event with a news reply', async () => {
      const t = createTestClient(bot.target, { token: TOKEN, path: '/wechat' });
      const reply = await t.click('music');
      expect(reply.type).toBe('news');
      if (reply.type === 'news') expect(reply.articles[0]?.title).toBe('今日歌曲');
    });

    it('echoes echostr on the signed GET (the URL check)', async () => {
      const t = createTestClient(bot.target, { token: TOKEN, path: '/wechat' });
      expect(await t.verify('echo-12345')).toBe('echo-12345');
      const response = await bot.fetch(signedQuery(TOKEN, { echostr: 'plain-check' }));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('plain-check');
    });

    it('refuses a bad signature with 403, and runs no handler', async () => {
      const wrong = createTestClient(bot.target, { token: 'not-the-token', path: '/wechat' });
      const error = await wrong.text('hi').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnexpectedStatusError);
      expect((error as UnexpectedStatusError).status).toBe(403);
      const unsigned = await bot.fetch('echostr=x');
      expect(unsigned.status).toBe(403);
      const get = await bot.fetch(signedQuery('wrong', { echostr: 'x' }));
      expect(get.status).toBe(403);
      expect(await get.text()).not.toBe('x');
    });
  });
}
