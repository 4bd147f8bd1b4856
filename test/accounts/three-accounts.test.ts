import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectAccount } from '../../src/core/accounts/account.js';
import type { Component } from '../../src/core/open-platform/component.js';
import { MemoryStorage } from '../../src/core/session/memory.js';
import { ZgRoBot } from '../../src/robot.js';
import { recordingLogger, replyText } from '../middleware/helpers.js';
import {
  authorizedXml,
  COMPONENT_AES_KEY,
  COMPONENT_TOKEN,
  eventPush,
  makeComponent,
  post as postPush,
  ticketXml,
  unauthorizedXml,
} from '../open-platform/helpers.js';
import type { FakeWeChatApi } from '../support/fake-wechat-api.js';
import { textXml } from '../support/wechat.js';
import {
  clientOn,
  countingHandler,
  fakeApi,
  KEY_B,
  KEY_OLD,
  post,
  postEncrypted,
  serve,
  signed,
} from './helpers.js';

// Two accounts served directly (one plain, one encrypted with a key being rotated), one
// authorized through the Open Platform component, and WeChat's release-check test account.
const A: DirectAccount = { appId: 'wxdirectaaaaaaaaa1', token: 'tokenA', appSecret: 'secretA' };
const B: DirectAccount = {
  appId: 'wxdirectbbbbbbbbb2',
  token: 'tokenB',
  encodingAESKey: [KEY_B, KEY_OLD],
  appSecret: 'secretB',
};
const AUTH = 'wxauthorizedccccc3';
const RELEASE_TEST_ACCOUNT = 'wx570bc396a51b8ff8';

let api: FakeWeChatApi;
let component: Component;
let robot: ZgRoBot<{ count: number }>;
let url: string;
let close: () => Promise<void>;
const logger = recordingLogger();
const handled: string[] = [];

beforeAll(async () => {
  api = await fakeApi();
  component = makeComponent(api);
  robot = new ZgRoBot<{ count: number }>({
    accounts: {
      list: [A, B],
      component: {
        component,
        onAuthorized: (event) => component.queryAuth(event.authorizationCode),
      },
      createClient: clientOn(api),
    },
    sessionStorage: new MemoryStorage(),
    session: { initial: () => ({ count: 0 }) },
    logger,
  });
  robot.text(countingHandler(handled));
  const server = await serve(robot.callback());
  url = server.url;
  close = server.close;
});
afterAll(async () => {
  await robot.close();
  await close();
  await component.close();
  await api.close();
});

/** The authorized account's message, as WeChat sends it: the component's token and key. */
const toAuthorized = (xml: string, appId = AUTH) =>
  postEncrypted(`${url}/wechat/${appId}`, xml, {
    token: COMPONENT_TOKEN,
    key: COMPONENT_AES_KEY,
    appId: component.appId,
  });
const toA = async (xml: string) =>
  replyText((await post(`${url}/wechat/${A.appId}?${signed('tokenA')}`, xml)).text);
const toB = async (xml: string, key = KEY_B) =>
  (await postEncrypted(`${url}/wechat/${B.appId}`, xml, { token: 'tokenB', key, appId: B.appId }))
    .content;

describe('one process, one port, three accounts (two direct, one through the Open Platform)', () => {
  it('takes the ticket push and the authorization at /wechat/component', async () => {
    api.component.ticket = 'ticket@@@1';
    const push = eventPush(ticketXml(component.appId, 'ticket@@@1'), { appId: component.appId });
    expect(await postPush(`${url}/wechat/component`, push)).toEqual({
      status: 200,
      text: 'success',
    });
    expect(await component.getVerifyTicket()).toBe('ticket@@@1');

    const code = api.component.authorize(AUTH);
    const authorized = eventPush(authorizedXml(component.appId, AUTH, code), {
      appId: component.appId,
    });
    expect(await postPush(`${url}/wechat/component`, authorized)).toEqual({
      status: 200,
      text: 'success',
    });
    // The handler exchanged the code: the component now holds the authorizer's tokens.
    expect(api.requestsTo('/cgi-bin/component/api_query_auth')[0]?.json).toMatchObject({
      authorization_code: code,
    });
    expect(await component.authorizerAccessToken(AUTH)).toMatch(new RegExp(`^authorizer-${AUTH}-`));
  });

  it('answers each account with its own token and key, sessions never crossing', async () => {
    const xml = () => textXml('hi', { FromUserName: 'one-user' });
    expect(await toA(xml())).toBe(`${A.appId} #1`);
    expect(await toB(xml())).toBe(`${B.appId} #1`);
    expect((await toAuthorized(xml())).content).toBe(`${AUTH} #1`);
    expect(await toA(xml())).toBe(`${A.appId} #2`);
    expect((await toAuthorized(xml())).content).toBe(`${AUTH} #2`);
    expect(await toB(xml(), KEY_OLD)).toBe(`${B.appId} #2`); // B's old key during its rotation
  });

  it("refuses one account's signature or key for another", async () => {
    const crossed = await post(`${url}/wechat/${AUTH}?${signed('tokenA')}`, textXml('x'));
    expect(crossed.status).toBe(403);
    const wrongKey = await postEncrypted(`${url}/wechat/${B.appId}`, textXml('x'), {
      token: 'tokenB',
      key: COMPONENT_AES_KEY,
      appId: B.appId,
    });
    expect(wrongKey.status).toBe(400);
  });

  it('dedups per account: one message body to all three runs three times, a retry once', async () => {
    handled.length = 0;
    const xml = textXml('same', { FromUserName: 'dup-user', MsgId: '9001' });
    await toA(xml);
    await toB(xml);
    await toAuthorized(xml);
    expect((await toAuthorized(xml)).content).toBe(`${AUTH} #1`); // WeChat's retry
    expect(handled).toEqual([`${A.appId}:same`, `${B.appId}:same`, `${AUTH}:same`]);
  });

  it("calls the API with each account's own token: the authorizer's from the component", async () => {
    const before = api.requestsTo('/cgi-bin/message/custom/send').length;
    await toA(textXml('api'));
    await toB(textXml('api'));
    await toAuthorized(textXml('api'));
    const sends = api.requestsTo('/cgi-bin/message/custom/send').slice(before);
    expect(sends.map((r) => r.query.access_token?.replace(/-\d+$/, ''))).toEqual([
      `token-${A.appId}`,
      `token-${B.appId}`,
      `authorizer-${AUTH}`,
    ]);
    expect(sends.map((r) => (r.json as { text: { content: string } }).text.content)).toEqual([
      `from ${A.appId}`,
      `from ${B.appId}`,
      `from ${AUTH}`,
    ]);
  });

  it("answers the release check's scripted messages for WeChat's test account only", async () => {
    const callback = await toAuthorized(
      textXml('TESTCOMPONENT_MSG_TYPE_TEXT'),
      RELEASE_TEST_ACCOUNT,
    );
    expect(callback.content).toBe('TESTCOMPONENT_MSG_TYPE_TEXT_callback');
    // Any other account gets its handlers.
    const ordinary = await toAuthorized(textXml('TESTCOMPONENT_MSG_TYPE_TEXT'));
    expect(ordinary.content).toMatch(new RegExp(`^${AUTH} #`));

    const code = api.component.authorize(RELEASE_TEST_ACCOUNT);
    const answer = await toAuthorized(
      textXml(`QUERY_AUTH_CODE:${code}`, { FromUserName: 'tester' }),
      RELEASE_TEST_ACCOUNT,
    );
    expect(answer.text).toBe('success');
    await expect
      .poll(() =>
        api
          .requestsTo('/cgi-bin/message/custom/send')
          .find((r) => r.query.access_token?.startsWith(`authorizer-${RELEASE_TEST_ACCOUNT}-`)),
      )
      .toBeDefined();
    const sent = api
      .requestsTo('/cgi-bin/message/custom/send')
      .find((r) => r.query.access_token?.startsWith(`authorizer-${RELEASE_TEST_ACCOUNT}-`));
    expect(sent?.json).toEqual({
      touser: 'tester',
      msgtype: 'text',
      text: { content: `${code}_from_api` },
    });
  });

  it('after an unauthorized event, the account still gets answered but its API calls fail, logged', async () => {
    const push = eventPush(unauthorizedXml(component.appId, AUTH), { appId: component.appId });
    expect(await postPush(`${url}/wechat/component`, push)).toEqual({
      status: 200,
      text: 'success',
    });
    const errorsBefore = logger.entries.filter((entry) => entry.level === 'error').length;
    const answer = await toAuthorized(textXml('api'));
    expect(answer.text).toBe('success'); // the handler threw: logged, answered success
    const newErrors = logger.entries.filter((entry) => entry.level === 'error').slice(errorsBefore);
    expect(newErrors.map((entry) => entry.msg).join('\n')).toContain('a handler threw');
    // Messages that need no API call are still answered, with the account's own reply.
    const ordinary = await toAuthorized(textXml('after', { FromUserName: 'after-user' }));
    expect(ordinary.content).toBe(`${AUTH} #1`);
  });
});
