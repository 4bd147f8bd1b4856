import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEncrypted } from '../accounts/helpers.js';
import {
  authorizedXml,
  COMPONENT_AES_KEY,
  COMPONENT_TOKEN,
  eventPush,
  post,
  ticketXml,
} from '../open-platform/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { textXml } from '../support/wechat.js';
import { type RunningExample, runExample } from './run-example.js';

const AUTHORIZER = 'wxauthorizer000001';

describe('examples/open-platform.ts: a component serving its authorizers', () => {
  let api: FakeWeChatApi;
  let bot: RunningExample;
  beforeAll(async () => {
    api = await startFakeWeChatApi();
    bot = await runExample('open-platform.ts', {
      env: {
        COMPONENT_APPID: api.component.appId,
        COMPONENT_SECRET: api.component.appSecret,
        COMPONENT_TOKEN,
        COMPONENT_AES_KEY,
        WECHAT_API_BASE: api.url,
      },
    });
  });
  afterAll(async () => {
    await bot.stop();
    await api.close();
  });

  it('takes the ticket and an authorization, then answers and calls the API for the account', async () => {
    const appId = api.component.appId;
    api.component.ticket = 'ticket@@@example';
    const events = `${bot.url}/wechat/component`;
    expect(await post(events, eventPush(ticketXml(appId, 'ticket@@@example'), { appId }))).toEqual({
      status: 200,
      text: 'success',
    });
    const code = api.component.authorize(AUTHORIZER);
    expect(
      await post(events, eventPush(authorizedXml(appId, AUTHORIZER, code), { appId })),
    ).toEqual({
      status: 200,
      text: 'success',
    });
    expect(bot.output()).toContain('authorized');

    const message = (content: string) =>
      postEncrypted(`${bot.url}/wechat/${AUTHORIZER}`, textXml(content), {
        token: COMPONENT_TOKEN,
        key: COMPONENT_AES_KEY,
        appId,
      });
    expect((await message('你好')).content).toBe(`${AUTHORIZER} 收到第 1 条：你好`);
    expect((await message('客服')).text).toBe('success');
    const [sent] = api.requestsTo('/cgi-bin/message/custom/send');
    expect(sent?.query.access_token).toMatch(new RegExp(`^authorizer-${AUTHORIZER}-`));
    expect(sent?.json).toMatchObject({ text: { content: '客服消息来了' } });
  });
});
