import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../src/config.js';
import { Client } from '../../src/core/client/client.js';
import { MemoryDedupeStore } from '../../src/core/dedupe/memory.js';
import { PipelineError } from '../../src/core/errors.js';
import { ZgRoBot } from '../../src/robot.js';
import { type RunningBot, startBot } from '../dedupe/bot.js';
import { recordingLogger, replyText, waitFor } from '../middleware/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { TOKEN, textXml } from '../support/wechat.js';

const SEND = '/cgi-bin/message/custom/send';
let api: FakeWeChatApi;
let bot: RunningBot | undefined;

beforeAll(async () => {
  api = await startFakeWeChatApi();
  api.on('POST', SEND, { json: { errcode: 0, errmsg: 'ok' } });
});
afterAll(() => api.close());
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

/** A robot whose `client` talks to the fake API. */
function robotWithClient(options: ConstructorParameters<typeof ZgRoBot>[0]) {
  const logger = recordingLogger();
  const robot = new ZgRoBot({
    token: TOKEN,
    appId: 'wx_robot',
    appSecret: 'secret',
    sessionStorage: false,
    logger,
    ...options,
  });
  const client = new Client({ appId: 'wx_robot', appSecret: 'secret', baseUrl: api.url });
  Object.defineProperty(robot, 'client', { value: client });
  return { robot, logger, client };
}

describe('ZgRoBot and the late-reply settings', () => {
  it('sends a deferred reply with robot.client when appId and appSecret are set', async () => {
    const { robot, client } = robotWithClient({});
    robot.text(async (ctx) => {
      ctx.wechat.defer();
      await new Promise((r) => setTimeout(r, 100));
      return '稍后';
    });
    bot = await startBot(robot.middleware());
    const before = api.requestsTo(SEND).length;
    expect((await bot.post(textXml('x'))).text).toBe('success');
    await waitFor(() => api.requestsTo(SEND).length > before, 5_000, 'customer-service message');
    expect(api.requestsTo(SEND).at(-1)?.json).toMatchObject({ text: { content: '稍后' } });
    await client.close();
  });

  it("logs and drops it with lateReply: 'drop'", async () => {
    const { robot, logger, client } = robotWithClient({ lateReply: 'drop' });
    robot.text((ctx) => {
      ctx.wechat.defer();
      return '丢弃';
    });
    bot = await startBot(robot.middleware());
    const before = api.requestsTo(SEND).length;
    await bot.post(textXml('x'));
    await waitFor(() => /dropped/.test(logger.text('warn')), 5_000, 'drop log');
    expect(api.requestsTo(SEND).length).toBe(before);
    await client.close();
  });

  it("refuses lateReply: 'customer-service' without appId and appSecret", async () => {
    const robot = new ZgRoBot({
      token: TOKEN,
      sessionStorage: false,
      lateReply: 'customer-service',
      logger: recordingLogger(),
    });
    await expect(robot.run({ port: 0 })).rejects.toThrow(PipelineError);
  });

  it('dedups by default and not with dedupe: false', async () => {
    for (const [dedupe, expected] of [
      [undefined, 1],
      [false, 2],
      [{ store: new MemoryDedupeStore({ max: 10 }) }, 1],
    ] as const) {
      let runs = 0;
      const robot = new ZgRoBot({
        token: TOKEN,
        sessionStorage: false,
        dedupe,
        logger: recordingLogger(),
      });
      robot.text(() => {
        runs++;
        return 'hi';
      });
      bot = await startBot(robot.middleware());
      const xml = textXml('twice');
      expect(replyText((await bot.post(xml)).text)).toBe('hi');
      expect(replyText((await bot.post(xml)).text)).toBe('hi');
      expect(runs).toBe(expected);
      await bot.close();
      bot = undefined;
    }
  });
});

describe('Config: dedupe, lateReply, finalDeadline', () => {
  it('reads them from the environment', () => {
    const config = Config.fromEnv({
      ZGROBOT_DEDUPE: 'false',
      ZGROBOT_LATE_REPLY: 'drop',
      ZGROBOT_FINAL_DEADLINE: '9000',
    });
    expect(config.dedupe).toBe(false);
    expect(config.lateReply).toBe('drop');
    expect(config.finalDeadline).toBe(9_000);
  });

  it('has the documented defaults', () => {
    const config = new Config();
    expect(config.dedupe).toBeUndefined();
    expect(config.lateReply).toBeUndefined();
    expect(config.finalDeadline).toBe(14_500);
    expect(config.toJSON()).toMatchObject({ dedupe: 'memory', finalDeadline: 14_500 });
  });

  it('refuses bad values', () => {
    // As read from a JSON file: untyped.
    const fromFile = (values: Record<string, unknown>) => new Config().fromObject(values);
    expect(() => fromFile({ lateReply: 'email' })).toThrow(TypeError);
    expect(() => fromFile({ DEDUPE: 'yes' })).toThrow(TypeError);
    expect(() => new Config({ finalDeadline: -1 })).toThrow(TypeError);
  });
});
