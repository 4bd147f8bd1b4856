import type { Middleware } from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorBoundary } from '../../middleware/error-boundary.js';
import { parse } from '../../middleware/parse.js';
import { Router } from '../../middleware/routes.js';
import type { WechatContext } from '../../middleware/state.js';
import { silentLogger } from '../../src/core/logger.js';
import { eventXml, signedQuery, textXml } from '../support/wechat.js';
import { appOf, botApp, expectNoStackTrace, readReply } from './helpers.js';

const show: Middleware = (ctx) => {
  const message = (ctx as unknown as WechatContext).wechat.message;
  ctx.body = JSON.stringify({ type: message.type, source: message.source, raw: message.raw });
};

describe('parse()', () => {
  it('alone: puts the typed message on ctx.wechat.message', async () => {
    const app = appOf(parse(), show);
    const xml = eventXml('subscribe');
    const res = await request(app.callback()).post('/').send(xml);
    expect(JSON.parse(res.text)).toEqual({
      type: 'subscribe_event',
      source: 'user_openid',
      raw: xml,
    });
  });

  it('alone: malformed XML → 400 with a short message, no stack', async () => {
    const app = appOf(parse(), show);
    app.silent = true;
    const res = await request(app.callback()).post('/').send('<xml><Content>');
    expect(res.status).toBe(400);
    expectNoStackTrace(res.text);
  });

  it('with errorBoundary: malformed XML and DOCTYPE → 400 plain text', async () => {
    const app = appOf(errorBoundary({ logger: silentLogger }), parse(), show);
    for (const body of ['<xml><a></b></xml>', '<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>']) {
      const res = await request(app.callback()).post('/').send(body);
      expect(res.status).toBe(400);
      expect(res.type).toBe('text/plain');
      expectNoStackTrace(res.text);
    }
  });

  it('in the pipeline, a marked section other than CDATA → 400 and the handlers never run', async () => {
    let ran = 0;
    const app = botApp({
      routes: new Router().text(() => {
        ran++;
        return 'ran';
      }),
    });
    const body = textXml('placeholder').replace(
      /<Content>.*<\/Content>/,
      '<Content><![XXXXXX[x]]></Content>',
    );
    expect(body).toContain('<![XXXXXX[x]]>');
    const res = await request(app.callback()).post(`/?${signedQuery()}`).type('xml').send(body);
    expect(res.status).toBe(400);
    expectNoStackTrace(res.text);
    expect(ran).toBe(0);
  });

  it("in the pipeline, the user's own middleware sees the parsed message before the router", async () => {
    const seen: string[] = [];
    const app = botApp({
      routes: new Router().text((ctx) => ctx.wechat.message.content),
      middleware: [
        async (ctx, next) => {
          seen.push((ctx as unknown as WechatContext).wechat.message.type);
          await next();
          seen.push(`after:${String(ctx.body).includes('mine') ? 'reply' : 'none'}`);
        },
      ],
    });
    const res = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('mine'));
    expect(readReply(res.text).Content).toBe('mine');
    expect(seen).toEqual(['text', 'after:reply']);
  });

  it('runs once: a second parse() keeps the first message', async () => {
    let calls = 0;
    const app = appOf(
      parse(),
      async (ctx, next) => {
        calls++;
        (ctx as unknown as WechatContext).wechat.message.source = 'changed';
        await next();
      },
      parse(),
      show,
    );
    const res = await request(app.callback()).post('/').send(textXml('x'));
    expect(JSON.parse(res.text).source).toBe('changed');
    expect(calls).toBe(1);
  });
});
