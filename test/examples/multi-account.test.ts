import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signed } from '../accounts/helpers.js';
import { aesDecrypt, encryptedRequest } from '../support/safe-mode.js';
import { eventXml, textXml } from '../support/wechat.js';
import { type RunningExample, reply, runExample } from './run-example.js';

const KEY_NEW = 'NEWkeyNEWkeyNEWkeyNEWkeyNEWkeyNEWkey0123456';
const KEY_OLD = 'OLDkeyOLDkeyOLDkeyOLDkeyOLDkeyOLDkey0123456';

describe('examples/multi-account.ts: two accounts on one port, sessions in SQLite', () => {
  let bot: RunningExample;
  beforeAll(async () => {
    bot = await runExample('multi-account.ts', {
      sessions: true,
      env: { NEWS_AES_KEYS: `${KEY_NEW},${KEY_OLD}` },
    });
  });
  afterAll(() => bot.stop());

  const post = async (appId: string, token: string, xml: string) => {
    const res = await fetch(`${bot.url}/wechat/${appId}?${signed(token)}`, {
      method: 'POST',
      body: xml,
    });
    return reply(await res.text());
  };

  it('says where each account is served', async () => {
    await expect.poll(() => bot.output()).toContain('zgrobot: serving several accounts');
    expect(bot.output()).toMatch(/serving several accounts.*url=…\/<AppID>/);
    expect(bot.output()).toContain('wxnews000000000002');
  });

  it("answers each account with its own token and keeps each account's sessions apart", async () => {
    const shop = (xml: string) => post('wxshop000000000001', 'shop-token', xml);
    const news = (xml: string) => post('wxnews000000000002', 'news-token', xml);
    expect((await shop(eventXml('subscribe'))).Content).toBe('欢迎关注小店！');
    expect((await shop(textXml('a'))).Content).toBe('小店：这是你发给我的第 1 条消息');
    expect((await news(textXml('a'))).Content).toBe('新闻：这是你发给我的第 1 条消息');
    expect((await shop(textXml('b'))).Content).toBe('小店：这是你发给我的第 2 条消息');
    // The shop's token does not sign for the news account.
    const crossed = await fetch(`${bot.url}/wechat/wxnews000000000002?${signed('shop-token')}`, {
      method: 'POST',
      body: textXml('c'),
    });
    expect(crossed.status).toBe(403);
  });

  it('answers an encrypted message under the old key with the old key', async () => {
    const request = encryptedRequest(textXml('secret'), {
      token: 'news-token',
      encodingAESKey: KEY_OLD,
      appId: 'wxnews000000000002',
    });
    const res = await fetch(`${bot.url}/wechat/wxnews000000000002?${request.query}`, {
      method: 'POST',
      body: request.body,
    });
    const envelope = reply(await res.text());
    const inner = reply(aesDecrypt(String(envelope.Encrypt), KEY_OLD).text);
    expect(inner.Content).toBe('新闻：这是你发给我的第 2 条消息');
  });
});
