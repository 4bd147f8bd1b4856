import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { router } from '../../middleware/router.js';
import { type Handler, Router } from '../../middleware/routes.js';
import { verify } from '../../middleware/verify.js';
import { silentLogger } from '../../src/core/logger.js';
import { MESSAGE_KINDS, MESSAGE_TYPES, type MessageType } from '../../src/core/messages/kinds.js';
import { Article, MAX_ARTICLES, TextReply } from '../../src/core/replies/replies.js';
import { eventXml, messageXml, signedQuery, TOKEN, textXml } from '../support/wechat.js';
import {
  appOf,
  botApp,
  expectNoStackTrace,
  gate,
  readReply,
  recordingLogger,
  replyText,
} from './helpers.js';

type App = ReturnType<typeof botApp>;
const post = (app: App, xml: string) =>
  request(app.callback()).post(`/?${signedQuery()}`).type('xml').send(xml);
const say = async (app: App, content: string) =>
  replyText((await post(app, textXml(content))).text);

/** A sample XML of each kind, as WeChat sends it. */
function sampleXml(type: MessageType): string {
  if (type === 'unknown') return messageXml('brand_new_type');
  if (type === 'unknown_event') return eventXml('brand_new_event');
  const row = MESSAGE_KINDS[type] as { msgType?: string; event?: string };
  if (row.msgType) return messageXml(row.msgType);
  return eventXml(row.event ?? '', { EventKey: 'k' });
}

describe('Router: one method per row of the table', () => {
  for (const type of MESSAGE_TYPES) {
    const method = MESSAGE_KINDS[type].method;
    it(`${method}() handles ${type} and nothing else`, async () => {
      const routes = new Router();
      const methods = routes as unknown as Record<string, (h: Handler) => Router>;
      expect(typeof methods[method]).toBe('function');
      methods[method]?.call(routes, (ctx) => `handled ${ctx.wechat.message.type}`);
      routes.handler(() => 'catch-all');
      const app = botApp({ routes });
      expect(replyText((await post(app, sampleXml(type))).text)).toBe(`handled ${type}`);
      const other: MessageType = type === 'text' ? 'image' : 'text';
      expect(replyText((await post(app, sampleXml(other))).text)).toBe('catch-all');
    });
  }
});

describe('Router: order and semantics', () => {
  it('typed handlers in registration order, then the catch-all ones', async () => {
    const calls: string[] = [];
    const routes = new Router()
      .handler(() => {
        calls.push('all-1');
      })
      .text(() => {
        calls.push('text-1');
      })
      .addHandler(() => {
        calls.push('all-2');
      })
      .text(() => {
        calls.push('text-2');
      })
      .on('text', () => {
        calls.push('text-3');
      });
    await post(botApp({ routes }), textXml('x'));
    expect(calls).toEqual(['text-1', 'text-2', 'text-3', 'all-1', 'all-2']);
  });

  it('the first non-empty return value wins; the rest do not run', async () => {
    const calls: string[] = [];
    const routes = new Router()
      .text(() => {
        calls.push('1');
        return '';
      })
      .text(() => {
        calls.push('2');
        return [];
      })
      .text(() => {
        calls.push('3');
        return undefined;
      })
      .text(() => {
        calls.push('4');
        return null;
      })
      .text(() => {
        calls.push('5');
        return 'five';
      })
      .text(() => {
        calls.push('6');
        return 'six';
      })
      .handler(() => {
        calls.push('all');
        return 'all';
      });
    expect(await say(botApp({ routes }), 'x')).toBe('five');
    expect(calls).toEqual(['1', '2', '3', '4', '5']);
  });

  it('no handler replies → success', async () => {
    const routes = new Router().text(() => undefined);
    expect((await post(botApp({ routes }), textXml('x'))).text).toBe('success');
    expect((await post(botApp({ routes: new Router() }), textXml('x'))).text).toBe('success');
  });

  it('async handlers are awaited', async () => {
    const routes = new Router()
      .text(async () => {
        await new Promise((r) => setTimeout(r, 20));
        return '';
      })
      .text(async (ctx) => {
        await new Promise((r) => setTimeout(r, 20));
        return `async ${ctx.wechat.message.content}`;
      });
    expect(await say(botApp({ routes }), 'hi')).toBe('async hi');
  });

  it('a throwing handler → logged, success, and the next request is fine', async () => {
    const logger = recordingLogger();
    let calls = 0;
    const routes = new Router().text((ctx) => {
      calls++;
      if (ctx.wechat.message.content === 'boom') throw new Error('boom at /work/secret.ts:1:1');
      return 'fine';
    });
    const app = botApp({ routes, logger });
    const res = await post(app, textXml('boom'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('success');
    expectNoStackTrace(res.text);
    const logged = logger.entries.find((e) => e.level === 'error');
    expect(logged?.msg).toBe('zgrobot: a handler threw');
    expect(logged?.err).toBeInstanceOf(Error);
    // Whose message, which one, and how long the turn had run: fields a log search finds.
    expect(logged?.fields).toMatchObject({
      account: 'gh_account',
      openid: 'user_openid',
      msgType: 'text',
      msgId: expect.stringMatching(/^\d+$/),
    });
    expect(logged?.fields.duration).toBeGreaterThanOrEqual(0);
    expect(await say(app, 'again')).toBe('fine');
    expect(calls).toBe(2);
  });

  it('a rejected async handler and a thrown non-Error are handled the same way', async () => {
    const routes = new Router()
      .filter('reject', async () => {
        await Promise.resolve();
        throw new TypeError('async boom');
      })
      .filter('string', () => {
        throw 'a string';
      })
      .text(() => 'ok');
    const app = botApp({ routes });
    expect((await post(app, textXml('reject'))).text).toBe('success');
    expect((await post(app, textXml('string'))).text).toBe('success');
    expect(await say(app, 'x')).toBe('ok');
  });

  it('ctx.wechat.reply set directly is the reply, and stops the handlers', async () => {
    let later = 0;
    const routes = new Router()
      .text((ctx) => {
        ctx.wechat.reply = new TextReply({ message: ctx.wechat.message, content: 'set directly' });
      })
      .text(() => {
        later++;
        return 'not me';
      });
    expect(await say(botApp({ routes }), 'x')).toBe('set directly');
    expect(later).toBe(0);
  });

  it('a list of Articles → a news reply; more than the limit → logged, success', async () => {
    const logger = recordingLogger();
    const routes = new Router()
      .filter('many', () =>
        Array.from({ length: MAX_ARTICLES + 1 }, (_, i) => new Article({ title: `a${i}` })),
      )
      .text(() => [
        new Article({ title: 'ZgRoBot', description: '微信机器人框架', img: 'i', url: 'u' }),
        new Article({ title: 'whtsky', url: 'http://whouz.com/' }),
      ]);
    const app = botApp({ routes, logger });
    const news = readReply((await post(app, textXml('news'))).text);
    expect(news).toMatchObject({
      MsgType: 'news',
      ToUserName: 'user_openid',
      FromUserName: 'gh_account',
      ArticleCount: '2',
    });
    expect(JSON.stringify(news.Articles)).toMatch(/ZgRoBot.*微信机器人框架.*whtsky/);
    const many = await post(app, textXml('many'));
    expect(many.status).toBe(200);
    expect(many.text).toBe('success');
    expect(logger.text('error')).toMatch(/cannot render the reply/);
    expect(logger.entries.find((e) => e.level === 'error')?.err).toBeInstanceOf(RangeError);
  });

  it('a handler value that is not a reply → success (never a 500)', async () => {
    const routes = new Router().text(() => ({ weird: true }) as never);
    const res = await post(botApp({ routes }), textXml('x'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('success');
  });
});

describe('Router: filter, keyClick, on, addFilter', () => {
  // The seed's §5.3 example (its `(.*?)e(.*?)?` written `(.*?)e(.*)`: in JS an optional lazy
  // group may not match empty, so the seed's pattern would capture one character after `e`).
  const seed = () =>
    new Router()
      .filter('a', () => '正文为 a ')
      .filter(/.*?bb.*?/, () => '正文中含有 bb ')
      .filter(/.*?c.*?/, 'd', () => '正文中含有 c 或正文为 d')
      .filter(/(.*?)e(.*)/, 'f', (ctx) =>
        ctx.wechat.match ? `正文为 ${ctx.wechat.match[1]}e${ctx.wechat.match[2]}` : '正文为 f',
      )
      .text(() => 'no filter matched');

  it.each([
    ['a', '正文为 a '],
    ['aa', 'no filter matched'],
    ['xbbx', '正文中含有 bb '],
    ['abc', '正文中含有 c 或正文为 d'],
    ['d', '正文中含有 c 或正文为 d'],
    ['hello', '正文为 hello'],
    ['f', '正文为 f'],
    ['zzz', 'no filter matched'],
  ])('seed 5.3: %j → %j', async (content, expected) => {
    expect(await say(botApp({ routes: seed() }), content)).toBe(expected);
  });

  it('the RegExp match is in ctx.wechat.match, with groups', async () => {
    const routes = new Router().filter(/^天气 (?<city>\S+)$/, (ctx) => {
      const match = ctx.wechat.match;
      return match ? `${match[0]}|${match.groups?.city}|${match.index}` : 'none';
    });
    expect(await say(botApp({ routes }), '天气 北京')).toBe('天气 北京|北京|0');
  });

  it('a string rule compares equal, not as a substring or a pattern', async () => {
    const routes = new Router().filter('a.c', () => 'exact').text(() => 'other');
    const app = botApp({ routes });
    expect(await say(app, 'a.c')).toBe('exact');
    expect(await say(app, 'abc')).toBe('other');
    expect(await say(app, 'xa.cx')).toBe('other');
  });

  it('a /g RegExp keeps no state between requests', async () => {
    const routes = new Router().filter(/hello/g, () => 'hi').text(() => 'miss');
    const app = botApp({ routes });
    for (let i = 0; i < 3; i++) expect(await say(app, 'hello hello')).toBe('hi');
  });

  it('a RegExp matches anywhere, unlike re.match; /^…/ anchors at the start', async () => {
    const routes = new Router()
      .filter(/^bb/, () => 'anchored')
      .filter(/bb/, () => 'anywhere')
      .text(() => 'miss');
    const app = botApp({ routes });
    expect(await say(app, 'bbx')).toBe('anchored');
    expect(await say(app, 'abb')).toBe('anywhere');
  });

  it("a sticky /…/y rule matches only at the start, as the seed's re.match", async () => {
    const routes = new Router()
      .filter(/天气|weather/y, (ctx) => `start ${ctx.wechat.match?.[0]}`)
      .filter(/(.*?)e(.*)/y, (ctx) => `e at ${ctx.wechat.match?.index}`)
      .text(() => 'miss');
    const app = botApp({ routes });
    expect(await say(app, 'weather today')).toBe('start weather');
    expect(await say(app, '天气 北京')).toBe('start 天气');
    // /天气|weather/ would match both of these anywhere; /^天气|weather/ the second one.
    expect(await say(app, '北京天气')).toBe('miss');
    expect(await say(app, 'the weather')).toBe('e at 0');
    expect(await say(app, 'xyz')).toBe('miss');
    // A match moves a sticky RegExp's lastIndex; the next message still starts from 0.
    for (let i = 0; i < 3; i++) expect(await say(app, 'weather')).toBe('start weather');
  });

  it('a sticky rule given with /g too, and shared between filters, keeps no state', async () => {
    const rule = /hi/gy;
    const routes = new Router()
      .filter(rule, () => 'hi')
      .addFilter(() => 'never', [rule])
      .text(() => 'miss');
    const app = botApp({ routes });
    for (let i = 0; i < 3; i++) expect(await say(app, 'hi hi')).toBe('hi');
    expect(await say(app, 'oh hi')).toBe('miss');
    expect(rule.lastIndex).toBe(0);
  });

  it('filter handlers run among text handlers, in registration order', async () => {
    const routes = new Router().text(() => 'text first').filter('x', () => 'filter');
    expect(await say(botApp({ routes }), 'x')).toBe('text first');
  });

  it('addFilter(fn, rules): several rules, any matches', async () => {
    const routes = new Router()
      .addFilter(() => 'hello!', ['hello', 'hi', /.*?hello.*?/])
      .text(() => 'nope');
    const app = botApp({ routes });
    expect(await say(app, 'hi')).toBe('hello!');
    expect(await say(app, 'say hello there')).toBe('hello!');
    expect(await say(app, 'hey')).toBe('nope');
  });

  it('filter and addFilter refuse bad arguments at registration', () => {
    const routes = new Router();
    expect(() => routes.addFilter(() => 'x', [])).toThrow(/at least one rule/);
    expect(() => routes.addFilter(() => 'x', [42 as never])).toThrow(TypeError);
    expect(() => (routes.filter as (...a: unknown[]) => Router)('a', 'b')).toThrow(/handler/);
  });

  it('keyClick(key) answers only that key; other clicks fall through', async () => {
    const routes = new Router()
      .keyClick('music', () => '你点击了“今日歌曲”按钮')
      .keyClick('help', () => 'help')
      .click((ctx) => `other click ${ctx.wechat.message.key}`);
    const app = botApp({ routes });
    const click = (key: string) => post(app, eventXml('CLICK', { EventKey: key }));
    expect(replyText((await click('music')).text)).toBe('你点击了“今日歌曲”按钮');
    expect(replyText((await click('help')).text)).toBe('help');
    expect(replyText((await click('abort')).text)).toBe('other click abort');
  });

  it('on([...]) registers one handler for several types; on(type) for one', async () => {
    const routes = new Router()
      .on(['text', 'location'], (ctx) => `both ${ctx.wechat.message.type}`)
      .on('subscribe_event', () => 'welcome');
    const app = botApp({ routes });
    expect(await say(app, 'x')).toBe('both text');
    const loc = await post(
      app,
      messageXml('location', { Location_X: '1', Location_Y: '2', Scale: '3', Label: 'l' }),
    );
    expect(replyText(loc.text)).toBe('both location');
    expect(replyText((await post(app, eventXml('subscribe'))).text)).toBe('welcome');
    expect((await post(app, messageXml('image', { PicUrl: 'p', MediaId: 'm' }))).text).toBe(
      'success',
    );
  });

  it('an unknown type throws at registration, listing the allowed values', () => {
    const routes = new Router();
    const attempt = () => routes.addHandler(() => 'x', 'txt' as never);
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(/"txt"/);
    expect(attempt).toThrow(/'all'.*text.*subscribe_event.*unknown_event/);
    expect(() => routes.on(['text', 'subscribe' as never], () => 'x')).toThrow(/"subscribe"/);
    expect(() => routes.addHandler('not a function' as never)).toThrow(/function/);
  });

  it('use(otherRouter) adds its handlers after ours, keeping typed before catch-all', async () => {
    const calls: string[] = [];
    const note = (name: string) => () => {
      calls.push(name);
    };
    const menu = new Router()
      .keyClick('help', () => '现在还没有什么帮助哦~')
      .handler(note('menu-all'));
    const texts = new Router().text(note('texts-text')).filter('你好呀', () => '你也好呀');
    const main = new Router().handler(note('main-all')).text(note('main-text')).use(menu, texts);
    const app = botApp({ routes: main });
    expect(await say(app, '你好呀')).toBe('你也好呀');
    expect(calls).toEqual(['main-text', 'texts-text']);
    calls.length = 0;
    expect(await say(app, 'other')).toBe('success');
    expect(calls).toEqual(['main-text', 'texts-text', 'main-all', 'menu-all']);
    expect(replyText((await post(app, eventXml('CLICK', { EventKey: 'help' }))).text)).toBe(
      '现在还没有什么帮助哦~',
    );
  });

  it('a handler added after the first request is picked up', async () => {
    const routes = new Router().text(() => undefined);
    const app = botApp({ routes });
    expect((await post(app, textXml('x'))).text).toBe('success');
    routes.text(() => 'new');
    expect(await say(app, 'x')).toBe('new');
  });
});

describe('card events through the pipeline', () => {
  it('cardPayOrder(fn) sees cardId and userCardCode', async () => {
    const routes = new Router().cardPayOrder((ctx) => {
      const { cardId, userCardCode, orderId } = ctx.wechat.message;
      return `${cardId}|${userCardCode}|${orderId}`;
    });
    const xml = eventXml('card_pay_order', {
      CardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc',
      UserCardCode: '12312312',
      OrderId: '404091456',
    });
    expect(replyText((await post(botApp({ routes }), xml)).text)).toBe(
      'pFS7Fjg8kV1IdDz01r4SQwMkuCKc|12312312|404091456',
    );
  });
});

describe('router() alone after verify()', () => {
  const alone = () =>
    appOf(
      verify({ token: TOKEN, logger: silentLogger }),
      router(
        new Router().text((ctx) => ctx.wechat.message.content),
        { logger: silentLogger },
      ),
    );

  it('parses and renders by itself', async () => {
    const res = await post(alone(), textXml('就这样'));
    expect(res.type).toBe('application/xml');
    expect(readReply(res.text)).toMatchObject({ Content: '就这样', ToUserName: 'user_openid' });
  });

  it('no reply → success', async () => {
    expect((await post(alone(), eventXml('subscribe'))).text).toBe('success');
  });

  it('malformed XML → 400, no stack', async () => {
    const app = alone();
    app.silent = true;
    const res = await post(app, '<xml><oops>');
    expect(res.status).toBe(400);
    expectNoStackTrace(res.text);
  });
});

describe('replyTimeout', () => {
  it('a slow handler: success within the timeout, the handler goes on', async () => {
    const logger = recordingLogger();
    const release = gate();
    let finished = false;
    const routes = new Router().text(async () => {
      await release.promise;
      finished = true;
      return 'late';
    });
    const app = botApp({ routes, replyTimeout: 200, logger });
    const res = await post(app, textXml('slow'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('success');
    expect(finished).toBe(false);
    const warned = logger.entries.find((e) => e.level === 'warn');
    expect(warned?.msg).toMatch(/no reply within the reply timeout/);
    expect(warned?.fields).toMatchObject({ replyTimeout: 200, openid: 'user_openid' });
    expect(warned?.fields.duration).toBeGreaterThanOrEqual(200);
    release.open();
    await new Promise((r) => setTimeout(r, 20));
    expect(finished).toBe(true);
  });

  it('a fast handler is not affected by the timeout', async () => {
    const app = botApp({ routes: new Router().text(() => 'quick'), replyTimeout: 200 });
    expect(await say(app, 'x')).toBe('quick');
  });

  it('two concurrent requests do not wait on each other', async () => {
    const release = gate();
    let slowDone = false;
    const routes = new Router()
      .filter('slow', async () => {
        await release.promise;
        slowDone = true;
        return 'slow done';
      })
      .filter('fast', () => 'fast done');
    const app = botApp({ routes, replyTimeout: 15_000 });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const agent = request(server);
      const slow = agent
        .post(`/?${signedQuery()}`)
        .send(textXml('slow'))
        .then((r) => r);
      await new Promise((r) => setTimeout(r, 50));
      const fast = await agent.post(`/?${signedQuery()}`).send(textXml('fast'));
      expect(replyText(fast.text)).toBe('fast done');
      expect(slowDone).toBe(false);
      release.open();
      expect(replyText((await slow).text)).toBe('slow done');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('replyTimeout 0 waits for the handler', async () => {
    const routes = new Router().text(async () => {
      await new Promise((r) => setTimeout(r, 50));
      return 'waited';
    });
    expect(await say(botApp({ routes, replyTimeout: 0 }), 'x')).toBe('waited');
  });
});
