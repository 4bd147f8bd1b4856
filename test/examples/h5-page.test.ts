// examples/h5-page.ts end to end: a browser opens the profile page (web authorization through the
// fake WeChat API), then asks for the JS-SDK config the page's script would fetch.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createH5App } from '../../examples/h5-page.js';
import { Client } from '../../src/index.js';
import { listenOn } from '../contrib/listen.js';
import { Browser } from '../support/browser.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';

let api: FakeWeChatApi;
let client: Client;
let app: string;
let close: () => Promise<void>;

beforeAll(async () => {
  api = await startFakeWeChatApi();
  client = new Client({ appId: 'wx-h5', appSecret: 's', baseUrl: api.url, openBaseUrl: api.url });
  const server = createServer(createH5App(client, 'an-example-secret-0123456789').callback());
  const listening = await listenOn(server);
  close = listening.close;
  app = `http://127.0.0.1:${listening.port}`;
});
afterAll(async () => {
  await close();
  await client.close();
  await api.close();
});

describe('examples/h5-page.ts', () => {
  it('greets the user by nickname after web authorization, with a share title that cannot break the script', async () => {
    api.oauth.user = { ...api.oauth.user, nickname: "</script><b>O'Neil" };
    const browser = new Browser();
    const page = await browser.open(`${app}/profile`);
    expect(page.status).toBe(200);
    expect(browser.hops.map((h) => h.status)).toEqual([302, 302, 302, 200]);
    expect(page.text).toContain('<h1>你好，&#60;/script&#62;&#60;b&#62;O&#39;Neil</h1>');
    expect(page.text).toContain('title: "\\u003c/script>\\u003cb>O\'Neil 的主页"');
    expect(page.text.match(/<\/script>/g)).toHaveLength(2);
  });

  it('serves the wx.config object for the page URL, signed with the jsapi ticket', async () => {
    const url = `${app}/profile?from=timeline`;
    const res = await fetch(`${app}/jssdk-config?url=${encodeURIComponent(`${url}#top`)}`);
    expect(res.status).toBe(200);
    const config = (await res.json()) as Record<string, unknown>;
    expect(config).toMatchObject({
      appId: 'wx-h5',
      debug: false,
      jsApiList: ['updateAppMessageShareData', 'updateTimelineShareData'],
      openTagList: [],
    });
    const expected = createHash('sha1')
      .update(
        `jsapi_ticket=jsapi-ticket-1&noncestr=${config.nonceStr}&timestamp=${config.timestamp}&url=${url}`,
      )
      .digest('hex');
    expect(config.signature).toBe(expected);
    expect(api.requestsTo('/cgi-bin/ticket/getticket')[0]!.query.type).toBe('jsapi');
  });
});
