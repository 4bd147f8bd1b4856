import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { ZgRoBot } from '../../src/robot.js';
import { createTestClient } from '../../src/testing/index.js';
import { KEY_B } from './helpers.js';

describe('createTestClient against a multi-account robot', () => {
  const robot = new ZgRoBot({
    accounts: {
      list: [
        { appId: 'wxshop', originalId: 'gh_shop', token: 'shop-token' },
        { appId: 'wxnews', originalId: 'gh_news', token: 'news-token', encodingAESKey: KEY_B },
      ],
    },
    sessionStorage: false,
    logger: silentLogger,
  });
  robot.text((ctx) => `${ctx.wechat.account.appId}: ${ctx.wechat.message.content}`);

  it('reaches each account by its path, with its own token and key', async () => {
    const shop = createTestClient(robot, { token: 'shop-token', path: '/wechat/wxshop' });
    const news = createTestClient(robot, {
      token: 'news-token',
      encodingAESKey: KEY_B,
      appId: 'wxnews',
      path: '/wechat/wxnews',
    });
    expect(await shop.text('hi')).toMatchObject({ type: 'text', content: 'wxshop: hi' });
    expect(await news.text('hi')).toMatchObject({ type: 'text', content: 'wxnews: hi' });
  });

  it("reaches each account by ToUserName (the client's `account`)", async () => {
    const byName = new ZgRoBot({
      accounts: {
        by: 'toUserName',
        list: [
          { appId: 'wxshop', originalId: 'gh_shop', token: 'shop-token' },
          { appId: 'wxnews', originalId: 'gh_news', token: 'news-token', encodingAESKey: KEY_B },
        ],
      },
      sessionStorage: false,
      logger: silentLogger,
    });
    byName.text((ctx) => ctx.wechat.account.appId);
    const news = createTestClient(byName, {
      token: 'news-token',
      encodingAESKey: KEY_B,
      appId: 'wxnews',
      account: 'gh_news',
    });
    expect(await news.text('x')).toMatchObject({ type: 'text', content: 'wxnews' });
  });
});
