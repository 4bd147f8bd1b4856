import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventXml, messageXml, textXml } from '../support/wechat.js';
import { EXAMPLE_TOKEN, type RunningExample, reply, runExample } from './run-example.js';

describe('examples/hello-world.ts (seed 1.1, npm start)', () => {
  let bot: RunningExample;
  beforeAll(async () => {
    bot = await runExample('hello-world.ts');
  });
  afterAll(() => bot?.stop());

  it('answers every message with Hello World!', async () => {
    expect(reply((await bot.post(textXml('hi'))).text)).toMatchObject({
      MsgType: 'text',
      Content: 'Hello World!',
      ToUserName: 'user_openid',
      FromUserName: 'gh_account',
    });
    expect(reply((await bot.post(eventXml('subscribe'))).text).Content).toBe('Hello World!');
  });

  it('answers the URL check and refuses a bad signature', async () => {
    const { signedQuery } = await import('../support/wechat.js');
    const echo = await fetch(`${bot.url}/?${signedQuery(EXAMPLE_TOKEN, { echostr: 'e42' })}`);
    expect(await echo.text()).toBe('e42');
    expect((await fetch(`${bot.url}/?signature=x&timestamp=1&nonce=2`)).status).toBe(403);
  });

  it('logs a readable line', () => {
    expect(bot.output()).toMatch(/ZgRoBot running on http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe('examples/echo.ts (seed 1.2)', () => {
  let bot: RunningExample;
  beforeAll(async () => {
    bot = await runExample('echo.ts');
  });
  afterAll(() => bot?.stop());

  it('echoes text and answers an image with its URL; other kinds get success', async () => {
    expect(reply((await bot.post(textXml('回声 echo 😀'))).text).Content).toBe('回声 echo 😀');
    const image = messageXml('image', { PicUrl: 'http://mmbiz.qpic.cn/x.jpg', MediaId: 'm' });
    expect(reply((await bot.post(image)).text).Content).toBe('http://mmbiz.qpic.cn/x.jpg');
    expect((await bot.post(eventXml('subscribe'))).text).toBe('success');
  });
});

describe('examples/subscribe-reply.ts (seed 2.2)', () => {
  let bot: RunningExample;
  beforeAll(async () => {
    bot = await runExample('subscribe-reply.ts');
  });
  afterAll(() => bot?.stop());

  it('greets a new follower, and only that', async () => {
    expect(reply((await bot.post(eventXml('subscribe'))).text).Content).toBe(
      '感谢这位小可爱的关注~',
    );
    expect((await bot.post(textXml('hi'))).text).toBe('success');
  });
});

describe('examples/image-reply.ts (seed 2.3)', () => {
  let bot: RunningExample;
  beforeAll(async () => {
    bot = await runExample('image-reply.ts');
  });
  afterAll(() => bot?.stop());

  it('answers an image with the same media id', async () => {
    const image = messageXml('image', { PicUrl: 'http://x/y.jpg', MediaId: 'MEDIA_123' });
    expect(reply((await bot.post(image)).text)).toMatchObject({
      MsgType: 'image',
      Image: { MediaId: 'MEDIA_123' },
    });
  });
});

describe('examples/keyword-filters.ts (seed 2.1, 2.4, 5.3)', () => {
  let bot: RunningExample;
  beforeAll(async () => {
    bot = await runExample('keyword-filters.ts');
  });
  afterAll(() => bot?.stop());

  it.each([
    ['帮助', '帮助\nXXXXX'],
    ['你好呀', '你也好呀'],
    ['a', '正文为 a '],
    ['xbbx', '正文中含有 bb '],
    ['cat', '正文中含有 c 或正文为 d'],
    ['d', '正文中含有 c 或正文为 d'],
    ['hi', 'hello!'],
    ['say hello', 'hello!'],
    ['tree', '正文为 tree'],
    ['f', '正文为 f'],
    ['xyz', 'Hello World!'],
  ])('%j → %j', async (content, expected) => {
    expect(reply((await bot.post(textXml(content))).text).Content).toBe(expected);
  });
});
