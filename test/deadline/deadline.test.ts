import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendAsCustomerMessage } from '../../middleware/late-reply.js';
import { type PipelineConfig, pipeline } from '../../middleware/pipeline.js';
import { Router } from '../../middleware/routes.js';
import { stateOf } from '../../middleware/state.js';
import { Client } from '../../src/core/client/client.js';
import type { Reply } from '../../src/core/replies/kinds.js';
import {
  Article,
  ArticlesReply,
  ImageReply,
  MusicReply,
  SuccessReply,
  TextReply,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
} from '../../src/core/replies/replies.js';
import { type RunningBot, sleep, startBot } from '../dedupe/bot.js';
import { recordingLogger, replyText, waitFor } from '../middleware/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';

const SEND = '/cgi-bin/message/custom/send';
let api: FakeWeChatApi;
let client: Client;
let bot: RunningBot | undefined;

beforeAll(async () => {
  api = await startFakeWeChatApi();
  client = new Client({ appId: 'wx_deadline', appSecret: 'secret', baseUrl: api.url });
});
afterAll(async () => {
  await client.close();
  await api.close();
});
let mark = 0;
beforeEach(() => {
  // The fake is not reset between tests: the client keeps its token, so no call is refused.
  mark = api.requests.length;
  api.on('POST', SEND, { json: { errcode: 0, errmsg: 'ok' } });
});
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

/** Customer-service messages sent during this test. */
const sent = () =>
  api.requests
    .slice(mark)
    .filter((r) => r.path === SEND)
    .map((r) => r.json);

async function slowBot(config: Partial<PipelineConfig> & { delay: number }) {
  const logger = recordingLogger();
  let runs = 0;
  const routes = new Router().text(async (ctx) => {
    runs++;
    await sleep(config.delay);
    return `晚到的 ${ctx.wechat.message.content}`;
  });
  bot = await startBot(
    pipeline({ token: TOKEN, routes, sessionStorage: false, logger, replyTimeout: 300, ...config }),
  );
  return { bot, logger, runs: () => runs };
}

describe('late replies', () => {
  it('sends a reply no retry took as a customer-service message, once', async () => {
    const { bot, runs } = await slowBot({
      delay: 600,
      client,
      dedupe: { retryWindow: 1_000 },
    });
    const started = Date.now();
    expect((await bot.post(textXml('一'))).text).toBe('success');
    await waitFor(() => sent().length > 0, 5_000, 'customer-service message');
    // Pushed only once a retry could no longer take it (retryWindow after arrival).
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(sent()).toEqual([
      { touser: 'user_openid', msgtype: 'text', text: { content: '晚到的 一' } },
    ]);
    await sleep(300);
    expect(sent()).toHaveLength(1);
    expect(runs()).toBe(1);
  });

  it('does not push a reply a retry already delivered', async () => {
    const { bot } = await slowBot({ delay: 500, client, dedupe: { retryWindow: 1_000 } });
    const xml = textXml('二');
    expect((await bot.post(xml)).text).toBe('success');
    expect(replyText((await bot.post(xml)).text)).toBe('晚到的 二');
    await sleep(1_200);
    expect(sent()).toEqual([]);
  });

  it('answers a retry that comes after the push with success', async () => {
    const { bot } = await slowBot({ delay: 400, client, dedupe: { retryWindow: 600 } });
    const xml = textXml('三');
    expect((await bot.post(xml)).text).toBe('success');
    await waitFor(() => sent().length > 0, 5_000, 'customer-service message');
    expect((await bot.post(xml)).text).toBe('success');
    expect(sent()).toHaveLength(1);
  });

  it("logs and drops it with lateReply: 'drop' (the default without a client)", async () => {
    const { bot, logger } = await slowBot({
      delay: 300,
      replyTimeout: 100,
      dedupe: { retryWindow: 500 },
    });
    expect((await bot.post(textXml('四'))).text).toBe('success');
    await waitFor(() => /dropped a late reply/.test(logger.text('warn')), 5_000, 'drop log');
    const dropped = logger.entries.find((e) => /dropped a late reply/.test(e.msg));
    expect(dropped?.fields).toMatchObject({
      replyType: 'text',
      openid: 'user_openid',
      msgType: 'text',
    });
    expect(sent()).toEqual([]);
  });

  it("drops it with lateReply: 'drop' even when a client is given", async () => {
    const { bot, logger } = await slowBot({
      delay: 300,
      replyTimeout: 100,
      client,
      lateReply: 'drop',
      dedupe: { retryWindow: 500 },
    });
    await bot.post(textXml('五'));
    await waitFor(() => /dropped/.test(logger.text('warn')), 5_000, 'drop log');
    expect(sent()).toEqual([]);
  });

  it('refuses customer-service without a client or a send function', () => {
    expect(() =>
      pipeline({ token: TOKEN, routes: new Router(), lateReply: 'customer-service' }),
    ).toThrow(/needs a client/);
  });

  it('sends it at once when the handlers ran late with dedupe off', async () => {
    const { bot } = await slowBot({ delay: 300, replyTimeout: 100, client, dedupe: false });
    await bot.post(textXml('六'));
    await waitFor(() => sent().length > 0, 5_000, 'customer-service message');
    expect(sent()[0]).toMatchObject({ msgtype: 'text', text: { content: '晚到的 六' } });
  });

  it('hands the reply object to a send function of your own', async () => {
    const got: Reply[] = [];
    const { bot } = await slowBot({
      delay: 300,
      replyTimeout: 100,
      dedupe: { retryWindow: 400 },
      sendLateReply: async (reply) => {
        got.push(reply);
      },
    });
    await bot.post(textXml('七'));
    await waitFor(() => got.length > 0, 5_000, 'send function');
    expect(got[0]).toBeInstanceOf(TextReply);
    expect((got[0] as TextReply).content).toBe('晚到的 七');
    expect(sent()).toEqual([]);
  });

  it('logs a failed send and goes on', async () => {
    api.on('POST', SEND, { json: { errcode: 45015, errmsg: 'response out of time limit' } });
    const { bot, logger } = await slowBot({ delay: 200, replyTimeout: 100, client, dedupe: false });
    await bot.post(textXml('八'));
    await waitFor(
      () => /could not send a late reply/.test(logger.text('error')),
      5_000,
      'error log',
    );
    const failed = logger.entries.find((e) => e.level === 'error');
    expect(failed?.fields).toMatchObject({ replyType: 'text', openid: 'user_openid' });
    expect(String(failed?.err)).toMatch(/45015/);
  });
});

describe('replyTimeout: 0 (the first try held until the handlers finish)', () => {
  /** A try that WeChat gives up on after `ms` (as it does after 5 s). */
  const abandonedTry = async (xml: string, ms: number) => {
    await fetch(`${bot!.url}/?${signedQuery(TOKEN)}`, {
      method: 'POST',
      body: xml,
      signal: AbortSignal.timeout(ms),
    }).then(
      () => expect.unreachable('the try should have been abandoned'),
      (error: Error) => expect(error.name).toBe('TimeoutError'),
    );
  };

  it("gives the reply to WeChat's retry when the first try was hung up on", async () => {
    const { bot, runs } = await slowBot({
      delay: 1_200,
      replyTimeout: 0,
      client,
      dedupe: { retryWindow: 1_000 },
    });
    const xml = textXml('held');
    await abandonedTry(xml, 400);
    expect(replyText((await bot.post(xml)).text)).toBe('晚到的 held');
    await sleep(1_000);
    expect(runs()).toBe(1);
    expect(sent()).toEqual([]); // delivered by the retry
  });

  it('pushes it as a customer-service message when no retry comes', async () => {
    const { runs } = await slowBot({
      delay: 600,
      replyTimeout: 0,
      client,
      dedupe: { retryWindow: 800 },
    });
    await abandonedTry(textXml('hung up'), 200);
    await waitFor(() => sent().length > 0, 5_000, 'customer-service message');
    expect(sent()).toEqual([
      { touser: 'user_openid', msgtype: 'text', text: { content: '晚到的 hung up' } },
    ]);
    expect(runs()).toBe(1);
  });
});

describe('ctx.wechat.defer()', () => {
  it('answers success at once and sends the reply when the handler returns', async () => {
    const logger = recordingLogger();
    const routes = new Router().text(async (ctx) => {
      ctx.wechat.defer();
      await sleep(400);
      return `稍后回复 ${ctx.wechat.message.content}`;
    });
    bot = await startBot(
      pipeline({
        token: TOKEN,
        routes,
        sessionStorage: false,
        logger,
        replyTimeout: 4_000,
        client,
      }),
    );
    const started = Date.now();
    expect((await bot.post(textXml('九'))).text).toBe('success');
    expect(Date.now() - started).toBeLessThan(3_000); // well before replyTimeout
    await waitFor(() => sent().length > 0, 5_000, 'customer-service message');
    expect(sent()[0]).toMatchObject({ text: { content: '稍后回复 九' } });
    expect(logger.text('warn')).not.toMatch(/no reply .* within/); // deferring is not a timeout
  });

  it('works when destructured and called before any await', async () => {
    const routes = new Router().text((ctx) => {
      const { defer } = ctx.wechat;
      defer();
      return new Promise<string>((resolve) => setTimeout(() => resolve('ok'), 200));
    });
    bot = await startBot(
      pipeline({ token: TOKEN, routes, sessionStorage: false, logger: recordingLogger(), client }),
    );
    expect((await bot.post(textXml('十'))).text).toBe('success');
    await waitFor(() => sent().length > 0, 5_000, 'customer-service message');
  });
});

describe('ctx.wechat.signal', () => {
  it('aborts at the final deadline, counted from arrival', async () => {
    let abortedAfter: number | undefined;
    const routes = new Router().text(async (ctx) => {
      const arrived = Date.now();
      const signal = ctx.wechat.signal;
      expect(signal.aborted).toBe(false);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      abortedAfter = Date.now() - arrived;
      return undefined;
    });
    bot = await startBot(
      pipeline({
        token: TOKEN,
        routes,
        sessionStorage: false,
        logger: recordingLogger(),
        replyTimeout: 200,
        finalDeadline: 800,
      }),
    );
    expect((await bot.post(textXml('signal'))).text).toBe('success');
    await waitFor(() => abortedAfter !== undefined, 5_000, 'abort');
    expect(abortedAfter).toBeGreaterThanOrEqual(600);
  });

  it('defaults to 14.5 s', async () => {
    let remaining = 0;
    const routes = new Router().text((ctx) => {
      remaining = stateOf(ctx).clock.finalDeadline;
      return ctx.wechat.signal.aborted ? 'aborted' : 'live';
    });
    bot = await startBot(
      pipeline({ token: TOKEN, routes, sessionStorage: false, logger: recordingLogger() }),
    );
    expect(replyText((await bot.post(textXml('x'))).text)).toBe('live');
    expect(remaining).toBe(14_500);
  });
});

describe('sendAsCustomerMessage', () => {
  const message = { source: 'user_openid', target: 'gh_account' };
  const cases: [Reply, unknown][] = [
    [new TextReply({ message, content: '文字' }), { msgtype: 'text', text: { content: '文字' } }],
    [new ImageReply({ message, mediaId: 'img' }), { msgtype: 'image', image: { media_id: 'img' } }],
    [new VoiceReply({ message, mediaId: 'v' }), { msgtype: 'voice', voice: { media_id: 'v' } }],
    [
      new VideoReply({ message, mediaId: 'vid', title: 't', description: 'd' }),
      { msgtype: 'video', video: { media_id: 'vid', title: 't', description: 'd' } },
    ],
    [
      new MusicReply({ message, title: 'm', description: 'd', url: 'u', thumbMediaId: 'th' }),
      {
        msgtype: 'music',
        music: {
          musicurl: 'u',
          hqmusicurl: 'u',
          thumb_media_id: 'th',
          title: 'm',
          description: 'd',
        },
      },
    ],
    [
      new ArticlesReply({
        message,
        articles: [new Article({ title: 'a', description: 'b', img: 'p', url: 'l' })],
      }),
      {
        msgtype: 'news',
        news: { articles: [{ title: 'a', description: 'b', url: 'l', picurl: 'p' }] },
      },
    ],
  ];
  for (const [reply, body] of cases) {
    it(`sends a ${reply.type} reply as a ${reply.type} customer message`, async () => {
      expect(await sendAsCustomerMessage(client, reply, message)).toBe(true);
      expect(sent()).toEqual([{ touser: 'user_openid', ...(body as object) }]);
    });
  }

  it('cannot send success or transfer_customer_service', async () => {
    expect(await sendAsCustomerMessage(client, new SuccessReply(), message)).toBe(false);
    expect(
      await sendAsCustomerMessage(client, new TransferCustomerServiceReply({ message }), message),
    ).toBe(false);
    expect(sent()).toEqual([]);
  });
});
