import type { Middleware } from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { parse } from '../../middleware/parse.js';
import { render } from '../../middleware/render.js';
import type { WechatContext } from '../../middleware/state.js';
import type { ReplyValue } from '../../src/core/replies/coerce.js';
import { ImageReply, SuccessReply } from '../../src/core/replies/replies.js';
import { textXml } from '../support/wechat.js';
import { appOf, readReply, recordingLogger } from './helpers.js';

function renderApp(reply: ReplyValue | unknown, extra: Middleware[] = []) {
  const logger = recordingLogger();
  const app = appOf(parse({ logger }), render(), ...extra, (ctx) => {
    (ctx as unknown as WechatContext).wechat.reply = reply as ReplyValue;
  });
  return { app, logger };
}

describe('render()', () => {
  it('a string → text reply XML, application/xml', async () => {
    const { app } = renderApp('hello');
    const res = await request(app.callback()).post('/').send(textXml('x'));
    expect(res.type).toBe('application/xml');
    expect(readReply(res.text)).toMatchObject({
      MsgType: 'text',
      Content: 'hello',
      ToUserName: 'user_openid',
      FromUserName: 'gh_account',
    });
  });

  it('a Reply object', async () => {
    const { app } = renderApp(new ImageReply({ mediaId: 'M' }));
    const res = await request(app.callback()).post('/').send(textXml('x'));
    expect(readReply(res.text)).toMatchObject({ MsgType: 'image', Image: { MediaId: 'M' } });
  });

  it('article lists and music lists', async () => {
    const news = await request(renderApp([['t', 'd', 'i', 'u']]).app.callback())
      .post('/')
      .send(textXml('x'));
    expect(readReply(news.text)).toMatchObject({ MsgType: 'news', ArticleCount: '1' });
    const music = await request(renderApp(['t', 'd', 'u']).app.callback())
      .post('/')
      .send(textXml('x'));
    expect(readReply(music.text)).toMatchObject({ MsgType: 'music', Music: { HQMusicUrl: 'u' } });
  });

  it.each([[undefined], [''], [[]], [new SuccessReply()]])(
    '%j → success, text/plain',
    async (value) => {
      const res = await request(renderApp(value).app.callback()).post('/').send(textXml('x'));
      expect(res.status).toBe(200);
      expect(res.type).toBe('text/plain');
      expect(res.text).toBe('success');
    },
  );

  it('a value that is not a reply → success and an error logged', async () => {
    const { app, logger } = renderApp({ not: 'a reply' });
    const res = await request(app.callback()).post('/').send(textXml('x'));
    expect(res.text).toBe('success');
    expect(logger.text('error')).toMatch(/cannot render/);
  });

  // Found by test/fuzz/http.test.ts: an article list holding a number or null (an untyped,
  // JSON-fed handler) passed coerceReply and made renderReply throw a TypeError past render().
  it.each([[[['t', 42, 'i', 'u']]], [[[null, 'd', 'i', 'u']]]])(
    'an article list with a non-string %j → success and "cannot render" logged, no throw',
    async (value) => {
      const { app, logger } = renderApp(value);
      const res = await request(app.callback()).post('/').send(textXml('x'));
      expect(res.status).toBe(200);
      expect(res.text).toBe('success');
      expect(logger.text('error')).toMatch(/cannot render/);
    },
  );

  it('a body set by a later stage is left alone', async () => {
    const { app } = renderApp('ignored', [
      async (ctx, next) => {
        await next();
        ctx.body = 'custom';
      },
    ]);
    const res = await request(app.callback()).post('/').send(textXml('x'));
    expect(res.text).toBe('custom');
  });
});
