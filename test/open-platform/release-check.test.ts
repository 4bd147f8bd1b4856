import type { Middleware } from 'koa';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../middleware/parse.js';
import { releaseCheck } from '../../middleware/release-check.js';
import { verify } from '../../middleware/verify.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Component } from '../../src/core/open-platform/component.js';
import { ZgRoBot } from '../../src/robot.js';
import { appOf, readReply, recordingLogger } from '../middleware/helpers.js';
import { eventually } from '../session/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { aesDecrypt, encryptedRequest } from '../support/safe-mode.js';
import { eventXml, signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { COMPONENT_AES_KEY, COMPONENT_TOKEN, makeComponent } from './helpers.js';

let api: FakeWeChatApi;
let component: Component;
const TEST_ACCOUNT = 'wx570bc396a51b8ff8';

beforeAll(async () => {
  api = await startFakeWeChatApi();
});
afterEach(async () => {
  await component?.close();
  api.reset();
});
afterAll(() => api.close());

/**
 * A robot serving the authorized accounts' messages: the component's token, key and AppID. Its
 * one account is the component itself, so the check is told to answer for every account.
 */
function robotFor(logger = silentLogger, everyAccount = true): ZgRoBot {
  component = makeComponent(api);
  const robot = new ZgRoBot({
    token: COMPONENT_TOKEN,
    encodingAESKey: COMPONENT_AES_KEY,
    appId: component.appId,
    sessionStorage: false,
    logger,
  });
  robot.use(releaseCheck(component, everyAccount ? { logger, accounts: 'all' } : { logger }));
  robot.text(() => 'an ordinary reply');
  return robot;
}

/** Send `xml` encrypted as WeChat does for an authorized account; the decrypted reply text. */
async function send(robot: ZgRoBot, xml: string): Promise<string> {
  const enc = encryptedRequest(xml, {
    token: COMPONENT_TOKEN,
    encodingAESKey: COMPONENT_AES_KEY,
    appId: component.appId,
  });
  const res = await request(robot.callback()).post(`/?${enc.query}`).send(enc.body);
  expect(res.status).toBe(200);
  if (res.text === 'success' || res.text === '') return res.text;
  const envelope = readReply(res.text);
  const { text, appId } = aesDecrypt(String(envelope.Encrypt), COMPONENT_AES_KEY);
  expect(appId).toBe(component.appId);
  return text;
}

const common = { ToUserName: 'gh_3c884a361561', FromUserName: 'o-tester' };

describe('releaseCheck (全网发布检测)', () => {
  it('answers TESTCOMPONENT_MSG_TYPE_TEXT with the _callback text', async () => {
    const robot = robotFor();
    const reply = readReply(await send(robot, textXml('TESTCOMPONENT_MSG_TYPE_TEXT', common)));
    expect(reply).toMatchObject({
      MsgType: 'text',
      Content: 'TESTCOMPONENT_MSG_TYPE_TEXT_callback',
      ToUserName: 'o-tester',
      FromUserName: 'gh_3c884a361561',
    });
  });

  it('answers an event with <Event>from_callback', async () => {
    const robot = robotFor();
    const reply = readReply(
      await send(robot, eventXml('LOCATION', { Latitude: '1', Longitude: '2' }, common)),
    );
    expect(reply).toMatchObject({ MsgType: 'text', Content: 'LOCATIONfrom_callback' });
  });

  it('QUERY_AUTH_CODE: answers at once, then queries the auth and sends <code>_from_api', async () => {
    const robot = robotFor();
    api.component.ticket = 'ticket';
    await component.saveVerifyTicket('ticket');
    api.on('POST', '/cgi-bin/message/custom/send', { json: { errcode: 0, errmsg: 'ok' } });
    const code = api.component.authorize(TEST_ACCOUNT);
    const answer = await send(robot, textXml(`QUERY_AUTH_CODE:${code}`, common));
    expect(answer).toBe('success');
    const sent = await eventually(
      async () => {
        const [one] = api.requestsTo('/cgi-bin/message/custom/send');
        if (!one) throw new Error('not sent yet');
        return one;
      },
      5_000,
      'the customer-service message',
    );
    expect(api.requestsTo('/cgi-bin/component/api_query_auth')[0]?.json).toEqual({
      component_appid: component.appId,
      authorization_code: code,
    });
    expect(sent.json).toEqual({
      touser: 'o-tester',
      msgtype: 'text',
      text: { content: `${code}_from_api` },
    });
    expect(sent.query.access_token).toBe(await component.authorizerAccessToken(TEST_ACCOUNT));
  });

  it('a failed QUERY_AUTH_CODE round is logged', async () => {
    const logger = recordingLogger();
    const robot = robotFor(logger);
    api.component.ticket = 'ticket';
    await component.saveVerifyTicket('ticket');
    expect(await send(robot, textXml('QUERY_AUTH_CODE:unknown', common))).toBe('success');
    const failed = await eventually(
      async () => {
        const entry = logger.entries.find((e) => e.msg.includes('QUERY_AUTH_CODE'));
        if (!entry) throw new Error('not logged yet');
        return entry;
      },
      5_000,
      'the log line',
    );
    expect(failed.msg).toBe('zgrobot: the release check QUERY_AUTH_CODE round failed');
    expect(String(failed.err)).toMatch(/61010/);
  });

  it("by default answers only WeChat's test accounts: another account's scripted texts and events pass on", async () => {
    const robot = robotFor(silentLogger, false);
    robot.subscribe(() => 'welcome');
    api.component.ticket = 'ticket';
    await component.saveVerifyTicket('ticket');
    const text = readReply(await send(robot, textXml('TESTCOMPONENT_MSG_TYPE_TEXT', common)));
    expect(text.Content).toBe('an ordinary reply');
    expect(readReply(await send(robot, eventXml('subscribe', {}, common))).Content).toBe('welcome');
    expect(readReply(await send(robot, textXml('QUERY_AUTH_CODE:x', common))).Content).toBe(
      'an ordinary reply',
    );
    expect(api.requestsTo('/cgi-bin/component/api_query_auth')).toHaveLength(0);
  });

  it('passes on in stages put together by hand, where no account is set', async () => {
    const app = appOf(
      verify({ token: TOKEN }),
      parse(),
      releaseCheck(component) as unknown as Middleware,
      (ctx) => {
        ctx.body = 'passed on';
      },
    );
    const res = await request(app.callback())
      .post(`/?${signedQuery()}`)
      .type('text/xml')
      .send(textXml('TESTCOMPONENT_MSG_TYPE_TEXT', common));
    expect(res.status).toBe(200);
    expect(res.text).toBe('passed on');
  });

  it('passes other messages on', async () => {
    const robot = robotFor();
    const reply = readReply(await send(robot, textXml('hello', common)));
    expect(reply.Content).toBe('an ordinary reply');
  });
});
