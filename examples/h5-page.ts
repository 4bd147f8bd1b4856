/**
 * 微信内打开的 H5 页面：网页授权拿到用户，JS-SDK 配置分享。An H5 page opened in WeChat: web
 * authorization (网页授权) gives the user, the JS-SDK config sets up sharing.
 *
 *   WECHAT_APP_ID=wx… WECHAT_APP_SECRET=… OAUTH_SECRET=$(openssl rand -hex 32) npx tsx examples/h5-page.ts
 *
 * Then open http://<your 网页授权域名>:8080/profile inside WeChat. `WECHAT_API_BASE` and
 * `WECHAT_OPEN_BASE` point the client at other hosts (the tests' fake WeChat API).
 */
import { pathToFileURL } from 'node:url';
import Koa from 'koa';
import { oauth } from '../src/contrib/oauth.js';
import { Client } from '../src/index.js';

/** Text safe inside HTML. */
const html = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The app: `/jssdk-config` for the page's script, and the profile page behind web authorization. */
export function createH5App(client: Client, secret: string): Koa {
  const app = new Koa();

  // wx.config for the page at ?url= (the page sends location.href; the #fragment is dropped).
  app.use(async (ctx, next) => {
    if (ctx.path !== '/jssdk-config') return next();
    ctx.body = await client.jssdkConfig({
      url: String(ctx.query.url ?? ''),
      jsApiList: ['updateAppMessageShareData', 'updateTimelineShareData'],
    });
  });

  // Every other page needs the user: unknown visitors go through WeChat's authorization first.
  app.use(oauth({ client, scope: 'snsapi_userinfo', secret }));

  app.use((ctx) => {
    const { openid, userInfo } = ctx.state.wechatUser;
    const name = userInfo?.nickname ?? openid;
    // A JS string literal that cannot close the <script>.
    const title = JSON.stringify(`${name} 的主页`).replace(/</g, '\\u003c');
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>我的主页</title>
<script src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js"></script></head>
<body><h1>你好，${html(name)}</h1>
<script>
fetch('/jssdk-config?url=' + encodeURIComponent(location.href.split('#')[0]))
  .then((res) => res.json())
  .then((config) => {
    wx.config(config);
    wx.ready(() => wx.updateAppMessageShareData({ title: ${title}, link: location.href }));
  });
</script></body></html>`;
  });
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { WECHAT_APP_ID: appId, WECHAT_APP_SECRET: appSecret, OAUTH_SECRET: secret } = process.env;
  if (!appId || !appSecret || !secret) {
    console.error('Set WECHAT_APP_ID, WECHAT_APP_SECRET and OAUTH_SECRET (openssl rand -hex 32).');
    process.exit(2);
  }
  const client = new Client({
    appId,
    appSecret,
    baseUrl: process.env.WECHAT_API_BASE,
    openBaseUrl: process.env.WECHAT_OPEN_BASE,
  });
  createH5App(client, secret).listen(Number(process.env.PORT ?? 8080));
}
