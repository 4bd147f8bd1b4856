import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { eventXml, textXml } from '../support/wechat.js';
import { type RunningExample, reply, runExample } from './run-example.js';

describe('examples/session-counter.ts (seed 1.3, 6.2): default SQLite sessions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zgrobot-session-example-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('counts per user in zgrobot_session.sqlite3, across a restart', async () => {
    const first = await runExample('session-counter.ts', { cwd: dir, sessions: true });
    try {
      expect(reply((await first.post(eventXml('subscribe'))).text).Content).toBe('Hello!');
      expect(reply((await first.post(textXml('a'))).text).Content).toBe(
        'Hello! You have sent 1 messages to me',
      );
      expect(reply((await first.post(textXml('b'))).text).Content).toBe(
        'Hello! You have sent 2 messages to me',
      );
      expect(reply((await first.post(textXml('c', { FromUserName: 'other' }))).text).Content).toBe(
        'Hello! You have sent 1 messages to me',
      );
      expect(reply((await first.post(textXml('first'))).text).Content).toBe('你之前没给我发过消息');
      expect(reply((await first.post(textXml('first'))).text).Content).toBe('你之前给我发过消息');
    } finally {
      await first.stop();
    }
    expect(existsSync(join(dir, 'zgrobot_session.sqlite3'))).toBe(true);
    const second = await runExample('session-counter.ts', { cwd: dir, sessions: true });
    try {
      expect(reply((await second.post(textXml('d'))).text).Content).toBe(
        'Hello! You have sent 3 messages to me',
      );
    } finally {
      await second.stop();
    }
  });
});

describe('examples/split-bot/bot.ts (seed 2.6)', () => {
  let api: FakeWeChatApi;
  let bot: RunningExample;
  beforeAll(async () => {
    api = await startFakeWeChatApi();
    api.on('POST', '/cgi-bin/menu/create', { json: { errcode: 0, errmsg: 'ok' } });
    bot = await runExample('split-bot/bot.ts', {
      env: {
        ZGROBOT_APP_ID: 'wx_split',
        ZGROBOT_APP_SECRET: 'secret',
        WECHAT_API_BASE: api.url,
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await api?.close();
  });

  it('creates the menu on start', () => {
    const created = api.requestsTo('/cgi-bin/menu/create');
    expect(created).toHaveLength(1);
    expect(created[0]?.json).toMatchObject({
      button: [{ name: '打卡' }, { name: '主页' }, { type: 'click', key: 'help' }],
    });
  });

  it('handlers from handlers/menu.ts (registered) and handlers/greetings.ts (a Router)', async () => {
    expect(reply((await bot.post(eventXml('CLICK', { EventKey: 'help' }))).text).Content).toBe(
      '现在还没有什么帮助哦~',
    );
    expect(reply((await bot.post(eventXml('subscribe'))).text).Content).toBe(
      '感谢这位小可爱的关注~',
    );
    expect(reply((await bot.post(textXml('你好呀'))).text).Content).toBe('你也好呀');
    expect(reply((await bot.post(textXml('?'))).text).Content).toMatch(/你好呀/);
  });
});

describe('examples/multiple-replies.ts (seed 2.5)', () => {
  let api: FakeWeChatApi;
  let bot: RunningExample;
  beforeAll(async () => {
    api = await startFakeWeChatApi();
    api.on('GET', '/cgi-bin/customservice/getkflist', {
      json: { kf_list: [{ kf_account: 'kf2001@gh_account', kf_nick: 'ntest1', kf_id: '1001' }] },
    });
    api.on('POST', '/cgi-bin/message/custom/send', { json: { errcode: 0, errmsg: 'ok' } });
    bot = await runExample('multiple-replies.ts', {
      env: { ZGROBOT_APP_ID: 'wx_multi', ZGROBOT_APP_SECRET: 'secret', WECHAT_API_BASE: api.url },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await api?.close();
  });

  it('sends a customer-service message, then the passive reply', async () => {
    expect(reply((await bot.post(textXml('多次回复'))).text).Content).toBe('这是第二次回复哦');
    const sent = api.requestsTo('/cgi-bin/message/custom/send');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.json).toEqual({
      touser: 'user_openid',
      msgtype: 'text',
      text: { content: '这是客服发的消息' },
      customservice: { kf_account: 'kf2001@gh_account' },
    });
  });

  it('other texts get success', async () => {
    expect((await bot.post(textXml('hi'))).text).toBe('success');
  });
});
