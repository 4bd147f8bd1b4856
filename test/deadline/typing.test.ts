import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pipeline } from '../../middleware/pipeline.js';
import { Router } from '../../middleware/routes.js';
import { Config } from '../../src/config.js';
import { Client } from '../../src/core/client/client.js';
import { PipelineError } from '../../src/core/errors.js';
import { ZgRoBot } from '../../src/robot.js';
import { type RunningBot, sleep, startBot } from '../dedupe/bot.js';
import { recordingLogger, waitFor } from '../middleware/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { TOKEN, textXml } from '../support/wechat.js';

const SEND = '/cgi-bin/message/custom/send';
const TYPING = '/cgi-bin/message/custom/typing';
const OK = { json: { errcode: 0, errmsg: 'ok' } };
// Short, so the tests take well under a second; the behaviour is the same at 4.5 s.
const REPLY_TIMEOUT = 200;

let api: FakeWeChatApi;
let bot: RunningBot | undefined;
let client: Client;

beforeAll(async () => {
  api = await startFakeWeChatApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  api.on('POST', SEND, OK).on('POST', TYPING, OK);
  client = new Client({ appId: 'wx_robot', appSecret: 'secret', baseUrl: api.url });
});
afterEach(async () => {
  await bot?.close();
  bot = undefined;
  await client.close();
});

/** A robot on a real server whose `client` talks to the fake API. */
async function startRobot(options: { typing?: boolean }, setup: (r: ZgRoBot) => void) {
  const logger = recordingLogger();
  const robot = new ZgRoBot({
    token: TOKEN,
    appId: 'wx_robot',
    appSecret: 'secret',
    sessionStorage: false,
    replyTimeout: REPLY_TIMEOUT,
    // No retry to wait for: a late reply goes out as soon as it is ready (see the last tests).
    dedupe: false,
    logger,
    ...options,
  });
  Object.defineProperty(robot, 'client', { value: client });
  setup(robot);
  bot = await startBot(robot.middleware());
  return { robot, logger };
}

/** The typing commands and customer-service messages the fake API got, in order. */
function calls(): string[] {
  return api.requests
    .filter((r) => r.path === TYPING || r.path === SEND)
    .map((r) => {
      const body = r.json as { touser: string; command?: string; text?: { content: string } };
      return r.path === TYPING
        ? `${body.command} ${body.touser}`
        : `send ${body.touser} ${body.text?.content}`;
    });
}

describe('typing: "正在输入" while a late turn works', () => {
  it('a handler past replyTimeout: Typing at once, the late reply, then CancelTyping', async () => {
    let typingSeenWhileWorking = false;
    await startRobot({ typing: true }, (robot) =>
      robot.text(async () => {
        await waitFor(() => calls().length > 0, 2_000, 'Typing while the handler works');
        typingSeenWhileWorking = true;
        await sleep(100);
        return '想好了';
      }),
    );
    const answer = await bot!.post(textXml('问个难题', { FromUserName: 'o_user_1' }));
    expect(answer.text).toBe('success');
    await waitFor(() => calls().length === 3, 3_000, 'typing, cancel and the late reply');
    expect(typingSeenWhileWorking).toBe(true);
    expect(calls()).toEqual(['Typing o_user_1', 'send o_user_1 想好了', 'CancelTyping o_user_1']);
  });

  it('a deferred handler too, even when it finishes within replyTimeout', async () => {
    await startRobot({ typing: true }, (robot) =>
      robot.text(async (ctx) => {
        ctx.wechat.defer();
        await sleep(50);
        return '稍后';
      }),
    );
    expect((await bot!.post(textXml('x', { FromUserName: 'o_user_2' }))).text).toBe('success');
    await waitFor(() => calls().length === 3, 3_000, 'typing, cancel and the late reply');
    expect(calls()).toEqual(['Typing o_user_2', 'send o_user_2 稍后', 'CancelTyping o_user_2']);
  });

  it('a handler in time: no typing status at all', async () => {
    await startRobot({ typing: true }, (robot) => robot.text(() => '马上'));
    const answer = await bot!.post(textXml('x'));
    expect(answer.text).toContain('马上');
    await sleep(REPLY_TIMEOUT + 100);
    expect(api.requestsTo(TYPING)).toEqual([]);
  });

  it('off by default: a late reply without typing', async () => {
    await startRobot({}, (robot) =>
      robot.text(async () => {
        await sleep(REPLY_TIMEOUT + 100);
        return '晚了';
      }),
    );
    await bot!.post(textXml('x', { FromUserName: 'o_user_3' }));
    await waitFor(() => calls().length === 1, 3_000, 'the late reply');
    expect(calls()).toEqual(['send o_user_3 晚了']);
  });

  it('cancels when the handler fails, and when it has nothing to say', async () => {
    const { logger } = await startRobot({ typing: true }, (robot) =>
      robot
        .filter('boom', async () => {
          await sleep(REPLY_TIMEOUT + 100);
          throw new Error('boom');
        })
        .text(async () => {
          await sleep(REPLY_TIMEOUT + 100);
          return undefined;
        }),
    );
    await bot!.post(textXml('boom', { FromUserName: 'o_fail' }));
    await bot!.post(textXml('quiet', { FromUserName: 'o_quiet' }));
    await waitFor(() => calls().length === 4, 3_000, 'two typings and two cancels');
    expect(calls().sort()).toEqual([
      'CancelTyping o_fail',
      'CancelTyping o_quiet',
      'Typing o_fail',
      'Typing o_quiet',
    ]);
    await sleep(100);
    expect(api.requestsTo(SEND)).toEqual([]);
    const thrown = logger.entries.find((e) => e.level === 'error')?.err;
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe('boom');
  });

  it('a typing call WeChat refuses is logged; the late reply still goes out', async () => {
    api.on('POST', TYPING, { json: { errcode: 45047, errmsg: 'out of response count limit' } });
    const { logger } = await startRobot({ typing: true }, (robot) =>
      robot.text(async () => {
        await sleep(REPLY_TIMEOUT + 100);
        return '照样送达';
      }),
    );
    await bot!.post(textXml('x', { FromUserName: 'o_user_4' }));
    await waitFor(() => calls().length === 3, 3_000, 'the late reply and the cancel');
    expect(calls()).toEqual(['Typing o_user_4', 'send o_user_4 照样送达', 'CancelTyping o_user_4']);
    expect(logger.text('warn')).toMatch(
      /could not send the typing status command=Typing openid=o_user_4/,
    );
  });

  /** A bot with dedupe on, whose late replies wait `retryWindow` for a WeChat retry. */
  async function startPipeline(handlerMs: number) {
    const routes = new Router().text(async () => {
      await sleep(handlerMs);
      return '终于';
    });
    bot = await startBot(
      pipeline({
        token: TOKEN,
        routes,
        sessionStorage: false,
        replyTimeout: 100,
        dedupe: { retryWindow: 700 },
        client,
        typing: { refreshEvery: 120 },
        logger: recordingLogger(),
      }),
    );
    return bot;
  }

  it('shows typing again every refreshEvery, through the wait for a retry, until the reply is pushed', async () => {
    // A slow push: a refresh left running would fire while it is under way.
    api.on('POST', SEND, { ...OK, delay: 300 });
    const started = Date.now();
    await startPipeline(400);
    const xml = textXml('x', { FromUserName: 'o_user_5' });
    expect((await bot!.post(xml)).text).toBe('success');
    // The handler is done at ~400 ms; the reply waits for a retry until 700 ms after arrival.
    await sleep(550 - (Date.now() - started));
    expect(api.requestsTo(SEND)).toEqual([]);
    expect(calls().every((c) => c === 'Typing o_user_5')).toBe(true);
    await waitFor(() => calls().includes('CancelTyping o_user_5'), 3_000, 'the cancel');
    const seen = calls();
    // Typing at 100 ms, then every 120 ms until the push at ~700 ms.
    expect(seen.filter((c) => c === 'Typing o_user_5').length).toBeGreaterThanOrEqual(3);
    expect(seen.slice(-2)).toEqual(['send o_user_5 终于', 'CancelTyping o_user_5']);
    expect(seen.slice(0, -2).every((c) => c === 'Typing o_user_5')).toBe(true);
    // No Typing after the cancel, however the timer fell.
    await sleep(300);
    expect(calls()).toEqual(seen);
  });

  it('a WeChat retry that takes the reply: no push, and the typing is cancelled', async () => {
    await startPipeline(200);
    const xml = textXml('x', { FromUserName: 'o_user_6' });
    expect((await bot!.post(xml)).text).toBe('success');
    await sleep(300); // the handler is done; the reply waits for a retry
    const retry = await bot!.post(xml);
    expect(retry.text).toContain('终于');
    await waitFor(() => calls().includes('CancelTyping o_user_6'), 3_000, 'the cancel');
    await sleep(100);
    expect(api.requestsTo(SEND)).toEqual([]);
    expect(calls().at(-1)).toBe('CancelTyping o_user_6');
    expect(
      calls()
        .slice(0, -1)
        .every((c) => c === 'Typing o_user_6'),
    ).toBe(true);
  });

  it('needs a client: typing without appId and appSecret fails when the pipeline is built', async () => {
    const robot = new ZgRoBot({
      token: TOKEN,
      sessionStorage: false,
      typing: true,
      logger: recordingLogger(),
    });
    await expect(robot.run({ port: 0 })).rejects.toThrow(
      new PipelineError('typing needs a client (appId and appSecret) to send the typing status'),
    );
  });

  it('ZGROBOT_TYPING turns it on; typing must be true or false', () => {
    expect(Config.fromEnv({ ZGROBOT_TYPING: 'true' }).typing).toBe(true);
    expect(Config.fromEnv({ ZGROBOT_TYPING: 'false' }).typing).toBe(false);
    expect(new Config().typing).toBe(false);
    expect(new Config({ TYPING: true }).toJSON()).toMatchObject({ typing: true });
    expect(() => Config.fromEnv({ ZGROBOT_TYPING: 'yes' })).toThrow(
      new TypeError('config typing must be true or false, got yes'),
    );
  });
});
