import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Router } from '../../middleware/routes.js';
import type { Account } from '../../src/core/accounts/account.js';
import { listenOn } from '../contrib/listen.js';
import { botApp, replyText } from '../middleware/helpers.js';
import { textXml } from '../support/wechat.js';
import { post, signed } from './helpers.js';

const accounts = {
  list: [
    { appId: 'wxaaa', token: 'token-a' },
    { appId: 'wxbbb', token: 'token-b' },
  ],
};

describe('pipeline({ accounts }) in a Koa app', () => {
  it("answers per account, and hands a late reply to sendLateReply with its message's account", async () => {
    const sent: string[] = [];
    const routes = new Router().text((ctx) => {
      if (ctx.wechat.message.content === 'later') ctx.wechat.defer();
      return `${ctx.wechat.account.appId}: ${ctx.wechat.message.content}`;
    });
    const app = botApp({
      token: undefined,
      accounts,
      routes,
      sendLateReply: async (reply, message, account: Account | undefined) => {
        sent.push(`${account?.appId} ${reply.type} to ${message.source}`);
      },
    });
    const { port, close } = await listenOn(createServer(app.callback()));
    try {
      const base = `http://127.0.0.1:${port}/wechat`;
      const a = await post(`${base}/wxaaa?${signed('token-a')}`, textXml('hi'));
      expect(replyText(a.text)).toBe('wxaaa: hi');
      const later = await post(`${base}/wxbbb?${signed('token-b')}`, textXml('later'));
      expect(later.text).toBe('success');
      await expect.poll(() => sent, { timeout: 20_000 }).toEqual(['wxbbb text to user_openid']);
    } finally {
      await close();
    }
  }, 30_000);

  it('needs a token or accounts', async () => {
    const { pipeline } = await import('../../middleware/pipeline.js');
    expect(() => pipeline({ routes: new Router() })).toThrow(/needs a token \(or accounts\)/);
  });
});
