import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { RouteMethodName } from '../../src/core/messages/kinds.js';
import { MESSAGE_KINDS } from '../../src/core/messages/kinds.js';
import { parseMessage } from '../../src/core/messages/parse.js';
import type {
  AnyMessage,
  SubscribeMsgPopupItem,
  SubscribeMsgSentItem,
} from '../../src/core/messages/types.js';
import { silentLogger, ZgRoBot } from '../../src/index.js';
import { createTestClient } from '../../src/testing/index.js';
import { EVENT_SAMPLES } from './fixtures/platform-events.js';

const TOKEN = 'platform-events-token';

/** The message without `raw` and `fields`: what the samples spell out. */
function typed(message: AnyMessage): Record<string, unknown> {
  const { raw: _raw, fields: _fields, ...rest } = message;
  return rest;
}

describe("WeChat's sample XML of each event parses to every field, typed", () => {
  for (const sample of EVENT_SAMPLES) {
    it(sample.name, () => {
      const message = parseMessage(sample.xml);
      expect(message.raw).toBe(sample.xml);
      expect(typed(message)).toEqual({ type: sample.type, ...sample.expected });
    });
  }

  it('a list the event leaves out reads as an empty array', () => {
    const message = parseMessage(
      '<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>' +
        '<MsgType>event</MsgType><Event>subscribe_msg_sent_event</Event></xml>',
    );
    expect(message).toMatchObject({ type: 'subscribe_msg_sent_event_event', list: [] });
  });

  it('list items are typed', () => {
    const message = parseMessage(EVENT_SAMPLES[0]!.xml);
    if (message.type !== 'subscribe_msg_popup_event_event') throw new Error(message.type);
    expectTypeOf(message.list).toEqualTypeOf<SubscribeMsgPopupItem[]>();
    expectTypeOf(message.list[0]!.templateId).toEqualTypeOf<string>();
    expectTypeOf(message.list[0]!.popupScene).toEqualTypeOf<number | undefined>();
    expectTypeOf<SubscribeMsgSentItem['msgId']>().toEqualTypeOf<string>();
  });
});

describe('each event is routed by name through a real robot over HTTP', () => {
  const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger });
  // Each handler says which route ran and what it read, so the test sees routing and parsing.
  const echo = (route: RouteMethodName) => (ctx: { wechat: { message: AnyMessage } }) =>
    JSON.stringify({ route, message: typed(ctx.wechat.message) });
  robot
    .subscribeMsgPopup((ctx) => {
      expectTypeOf(ctx.wechat.message.list).toEqualTypeOf<SubscribeMsgPopupItem[]>();
      return echo('subscribeMsgPopup')(ctx);
    })
    .subscribeMsgChange(echo('subscribeMsgChange'))
    .subscribeMsgSent(echo('subscribeMsgSent'))
    .kfCreateSession(echo('kfCreateSession'))
    .kfCloseSession(echo('kfCloseSession'))
    .kfSwitchSession((ctx) => {
      expectTypeOf(ctx.wechat.message.toKfAccount).toEqualTypeOf<string>();
      return echo('kfSwitchSession')(ctx);
    })
    .massSendJobFinish(echo('massSendJobFinish'))
    .publishJobFinish((ctx) => {
      expectTypeOf(ctx.wechat.message.failIdx).toEqualTypeOf<number[]>();
      return echo('publishJobFinish')(ctx);
    })
    .viewMiniprogram(echo('viewMiniprogram'))
    .qualificationVerifySuccess(echo('qualificationVerifySuccess'))
    .qualificationVerifyFail(echo('qualificationVerifyFail'))
    .namingVerifySuccess(echo('namingVerifySuccess'))
    .namingVerifyFail(echo('namingVerifyFail'))
    .annualRenew(echo('annualRenew'))
    .verifyExpired(echo('verifyExpired'))
    // Anything no route above took.
    .handler(() => 'unrouted');

  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = await robot.run({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await robot.close();
  });

  for (const sample of EVENT_SAMPLES) {
    it(`${sample.name} → robot.${MESSAGE_KINDS[sample.type].method}()`, async () => {
      const t = createTestClient(url, { token: TOKEN });
      const reply = await t.sendXml(sample.xml);
      expect(reply.type).toBe('text');
      if (reply.type !== 'text') return;
      expect(JSON.parse(reply.content)).toEqual({
        route: MESSAGE_KINDS[sample.type].method,
        message: { type: sample.type, ...sample.expected },
      });
    });
  }
});
