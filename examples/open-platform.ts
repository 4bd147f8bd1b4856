/**
 * A third-party platform (微信开放平台 第三方平台) serving every account that authorized it, from one
 * robot: set the platform's 授权事件接收URL to `http://your-host/wechat/component` and its
 * 消息与事件接收URL to `http://your-host/wechat/$APPID$`.
 *
 *   COMPONENT_APPID=… COMPONENT_SECRET=… COMPONENT_TOKEN=… COMPONENT_AES_KEY=… npx tsx examples/open-platform.ts
 *
 * WeChat pushes a component_verify_ticket every 10 minutes; once one has arrived, your product
 * links an account's admin to `await component.authorizationUrl({ redirectUri })`.
 */
import { ZgRoBot } from '../src/index.js';
import { Component } from '../src/open-platform.js';

const component = new Component({
  appId: process.env.COMPONENT_APPID ?? 'wxcomponent0000001',
  appSecret: process.env.COMPONENT_SECRET ?? 'component-secret',
  token: process.env.COMPONENT_TOKEN ?? 'component-token',
  encodingAESKey: process.env.COMPONENT_AES_KEY ?? 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  // Where the API is; unset in production (api.weixin.qq.com).
  baseUrl: process.env.WECHAT_API_BASE || undefined,
});

const robot = new ZgRoBot({
  accounts: {
    component: {
      component,
      // An account's admin authorized us: keep its tokens (the code is valid about an hour).
      onAuthorized: async (event) => {
        await component.queryAuth(event.authorizationCode);
        robot.logger.info({ account: event.authorizerAppId }, 'authorized');
      },
      onUnauthorized: (event) => {
        robot.logger.info({ account: event.authorizerAppId }, 'unauthorized');
      },
    },
  },
  session: { initial: () => ({ count: 0 }) },
});

robot.subscribe(() => '感谢关注！');

robot.text(async (ctx) => {
  const { account, message, session } = ctx.wechat;
  if (message.content === '客服') {
    // The authorizer's own access token, kept fresh by the component.
    await ctx.wechat.client.sendTextMessage(message.source, '客服消息来了');
    return '';
  }
  return `${account.appId} 收到第 ${++session.count} 条：${message.content}`;
});

await robot.run();
