import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventXml, textXml } from '../support/wechat.js';
import { type RunningExample, reply, runExample } from './run-example.js';

describe('examples/articles.ts (seed 10.5)', () => {
  let bot: RunningExample;
  beforeAll(async () => {
    bot = await runExample('articles.ts');
  });
  afterAll(() => bot?.stop());

  it('a list of 4-item lists → a news reply', async () => {
    const news = reply((await bot.post(textXml('any'))).text);
    expect(news).toMatchObject({ MsgType: 'news', ArticleCount: '2' });
    const items = (news.Articles as { item: Record<string, string>[] }).item;
    expect(items[1]).toEqual({
      Title: 'whtsky',
      Description: 'I wrote ZgRoBot',
      PicUrl: 'https://secure.gravatar.com/avatar/0024710771815ef9b74881ab21ba4173?s=420',
      Url: 'http://whouz.com/',
    });
  });

  it('an ArticlesReply built with addArticle', async () => {
    const news = reply((await bot.post(textXml('单图文'))).text);
    expect(news).toMatchObject({
      MsgType: 'news',
      ArticleCount: '1',
      Articles: { item: { Title: 'ZgRoBot', Url: 'https://github.com/whtsky/ZgRoBot' } },
    });
  });
});

describe('examples/music.ts (seed 10.6)', () => {
  let bot: RunningExample;
  beforeAll(async () => {
    bot = await runExample('music.ts');
  });
  afterAll(() => bot?.stop());

  it('a 3-item list → music, HQ URL defaulting to the URL', async () => {
    expect(reply((await bot.post(textXml('x'))).text)).toMatchObject({
      MsgType: 'music',
      Music: {
        Title: '微信你不懂爱',
        Description: '龚琳娜最新力作',
        MusicUrl: 'http://weixin.com/budongai.mp3',
        HQMusicUrl: 'http://weixin.com/budongai.mp3',
      },
    });
  });

  it('a 4-item list → music with its HQ URL; a MusicReply object', async () => {
    expect(reply((await bot.post(textXml('hq'))).text)).toMatchObject({
      Music: { MusicUrl: 'music_url', HQMusicUrl: 'hq_music_url' },
    });
    expect(reply((await bot.post(textXml('对象'))).text)).toMatchObject({
      MsgType: 'music',
      Music: { Title: '微信你不懂爱' },
    });
  });
});

describe('examples/menu-click.ts (seed 1.4, 5.2)', () => {
  let bot: RunningExample;
  beforeAll(async () => {
    bot = await runExample('menu-click.ts');
  });
  afterAll(() => bot?.stop());

  it.each([
    ['music', '你点击了“今日歌曲”按钮'],
    ['abort', "I'm a robot"],
    ['help', '现在还没有什么帮助哦~'],
  ])('click %j → %j', async (key, expected) => {
    expect(reply((await bot.post(eventXml('CLICK', { EventKey: key }))).text).Content).toBe(
      expected,
    );
  });

  it('an unknown key and a text get success', async () => {
    expect((await bot.post(eventXml('CLICK', { EventKey: 'nope' }))).text).toBe('success');
    expect((await bot.post(textXml('music'))).text).toBe('success');
  });
});
