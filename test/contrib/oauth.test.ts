// The web-authorization middleware end to end: a Koa app on a real port, the fake WeChat API
// playing the authorize page and /sns/*, and a browser (fetch, redirects followed by hand,
// cookies kept) walking the redirect chain.
import { createServer } from 'node:http';
import Koa from 'koa';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  expectTypeOf,
  it,
} from 'vitest';
import { sealState } from '../../src/contrib/oauth/seal.js';
import {
  type OAuthClient,
  type OAuthOptions,
  oauth,
  type WeChatUser,
} from '../../src/contrib/oauth.js';
import { Client } from '../../src/core/client/client.js';
import type { OAuthToken } from '../../src/core/client/oauth.js';
import { MemoryNonceStore, type NonceStore } from '../../src/core/security/nonce-store.js';
import { Browser } from '../support/browser.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { FAKE_OAUTH_USER } from '../support/fake-wechat-oauth.js';
import { listenOn } from './listen.js';

const SECRET = 'a-test-secret-of-32-characters!!';
const HOST = '127.0.0.1';
const STATE = /^[0-9a-f]{68}$/;

let api: FakeWeChatApi;
let client: Client;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  api = await startFakeWeChatApi();
  client = new Client({
    appId: 'wx-app',
    appSecret: 'wx-secret',
    baseUrl: api.url,
    openBaseUrl: api.url,
  });
});
afterAll(async () => {
  await client.close();
  await api.close();
});
beforeEach(() => api.reset());
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A Koa app behind `oauth(options)` whose page answers the user and the URL it was served at. */
async function startApp(options: Partial<OAuthOptions> = {}): Promise<string> {
  const app = new Koa()
    .use(oauth({ client, scope: 'snsapi_base', secret: SECRET, ...options }))
    .use((ctx) => {
      expectTypeOf(ctx.state.wechatUser).toEqualTypeOf<WeChatUser>();
      ctx.body = { user: ctx.state.wechatUser, url: ctx.url, method: ctx.method };
    });
  app.silent = true; // a WeChat failure is tested on purpose: no stack trace on stderr
  const { port, close } = await listenOn(createServer(app.callback()));
  closers.push(close);
  return `http://${HOST}:${port}`;
}

/** The app's answer as JSON. */
function json(text: string): { user: WeChatUser; url: string; method: string } {
  return JSON.parse(text);
}

/** Open `url` and stop at WeChat's redirect back to the app (not followed): the return URL. */
async function returnUrl(browser: Browser, url: string): Promise<string> {
  const toWeChat = await browser.open(url, { follow: false });
  expect(toWeChat.status).toBe(302);
  const back = await browser.open(browser.hops.at(-1)!.location!, { follow: false });
  expect(back.status).toBe(302);
  return browser.hops.at(-1)!.location!;
}

const exchanges = () => api.requestsTo('/sns/oauth2/access_token');

describe('oauth(): the redirect flow', () => {
  it('snsapi_base: to WeChat, back with a code, one exchange, the clean page; the next load goes straight through', async () => {
    const app = await startApp();
    const browser = new Browser();
    const page = await browser.open(`${app}/page?id=7`);

    expect(page.status).toBe(200);
    expect(json(page.text)).toEqual({
      user: { openid: FAKE_OAUTH_USER.openid, scope: 'snsapi_base', isSnapshotUser: false },
      url: '/page?id=7',
      method: 'GET',
    });
    const [toWeChat, fromWeChat, exchanged, final] = browser.hops;
    expect(browser.hops).toHaveLength(4);

    // 1. the app sends the browser to WeChat, with a signed state and a binding cookie
    expect(toWeChat!.status).toBe(302);
    const authorize = new URL(toWeChat!.location!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${api.url}/connect/oauth2/authorize`);
    expect(authorize.hash).toBe('#wechat_redirect');
    expect([...authorize.searchParams.keys()]).toEqual([
      'appid',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
    ]);
    expect(authorize.searchParams.get('appid')).toBe('wx-app');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${app}/page?id=7`);
    expect(authorize.searchParams.get('scope')).toBe('snsapi_base');
    const state = authorize.searchParams.get('state')!;
    expect(state).toMatch(STATE);
    expect(toWeChat!.setCookies.join('\n')).toMatch(
      /zgrobot_wechat_user_bind=[0-9a-f]{32};.*httponly/i,
    );

    // 2. WeChat sends it back with the code and the state
    expect(fromWeChat!.url).toBe(toWeChat!.location);
    expect(fromWeChat!.status).toBe(302);
    expect(fromWeChat!.location).toBe(`${app}/page?id=7&code=code-1&state=${state}`);

    // 3. the app exchanges the code, remembers the user, and goes to the URL without code/state
    expect(exchanged!.status).toBe(302);
    expect(exchanged!.location).toBe(`${app}/page?id=7`);
    expect(exchanged!.setCookies.join('\n')).toMatch(
      /zgrobot_wechat_user=[^;]+;.*samesite=lax; httponly/i,
    );
    expect(exchanges()).toHaveLength(1);
    expect(exchanges()[0]!.query).toEqual({
      appid: 'wx-app',
      secret: 'wx-secret',
      code: 'code-1',
      grant_type: 'authorization_code',
    });
    expect(api.requestsTo('/sns/userinfo')).toHaveLength(0);
    expect(api.tokenRequests()).toHaveLength(0);
    expect(final!.status).toBe(200);

    // the next page load: the cookie, no WeChat
    const again = await browser.open(`${app}/other`);
    expect(again.status).toBe(200);
    expect(json(again.text).user.openid).toBe(FAKE_OAUTH_USER.openid);
    expect(api.requestsTo('/connect/oauth2/authorize')).toHaveLength(1);
    expect(exchanges()).toHaveLength(1);
  });

  it('snsapi_userinfo: fetches the profile with the user token and remembers it', async () => {
    const app = await startApp({ scope: 'snsapi_userinfo', lang: 'en' });
    const browser = new Browser();
    const page = await browser.open(`${app}/me`);
    expect(page.status).toBe(200);
    const { user } = json(page.text);
    const { openid, unionid, ...profile } = FAKE_OAUTH_USER;
    expect(user).toEqual({
      openid,
      unionid,
      scope: 'snsapi_userinfo',
      isSnapshotUser: false,
      userInfo: { openid, unionid, ...profile },
    });
    const authorize = new URL(browser.hops[0]!.location!);
    expect(authorize.searchParams.get('scope')).toBe('snsapi_userinfo');
    const [info] = api.requestsTo('/sns/userinfo');
    expect(info!.query).toEqual({ access_token: 'sns-access-1', openid, lang: 'en' });

    const again = await browser.open(`${app}/me`);
    expect(json(again.text).user).toEqual(user);
    expect(api.requestsTo('/sns/userinfo')).toHaveLength(1);
  });

  it('keeps the page’s own query as sent, and uses the configured origin', async () => {
    const app = await startApp({ origin: 'https://h5.example.com/' });
    const browser = new Browser();
    await browser.open(`${app}/p?%E5%90%8D=%E5%80%BC&a=1+2&code=stale`, { follow: false });
    const authorize = new URL(browser.hops[0]!.location!);
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      'https://h5.example.com/p?%E5%90%8D=%E5%80%BC&a=1+2',
    );
  });

  it('a snsapi_base user meets the authorization page again on a snsapi_userinfo page, not the other way', async () => {
    const base = await startApp({ scope: 'snsapi_base' });
    const info = await startApp({ scope: 'snsapi_userinfo' });
    const browser = new Browser();
    await browser.open(`${base}/a`);
    const upgraded = await browser.open(`${info}/b`);
    expect(json(upgraded.text).user.scope).toBe('snsapi_userinfo');
    expect(api.requestsTo('/connect/oauth2/authorize').map((r) => r.query.scope)).toEqual([
      'snsapi_base',
      'snsapi_userinfo',
    ]);
    const back = await browser.open(`${base}/a`);
    expect(back.status).toBe(200);
    expect(json(back.text).user.userInfo?.nickname).toBe(FAKE_OAUTH_USER.nickname);
    expect(api.requestsTo('/connect/oauth2/authorize')).toHaveLength(2);
  });

  it('hands the token to onAuthorized, once per authorization', async () => {
    const seen: [WeChatUser, OAuthToken][] = [];
    const app = await startApp({ onAuthorized: (user, token) => void seen.push([user, token]) });
    const browser = new Browser();
    await browser.open(`${app}/x`);
    await browser.open(`${app}/y`);
    expect(seen).toHaveLength(1);
    expect(seen[0]![1]).toMatchObject({
      accessToken: 'sns-access-1',
      refreshToken: 'sns-refresh-1',
    });
    expect(seen[0]![0].openid).toBe(FAKE_OAUTH_USER.openid);
  });
});

describe('oauth(): CSRF — a forged, planted or replayed state is refused with 403', () => {
  it('refuses a tampered state, a state of another secret, garbage and a repeated state', async () => {
    const app = await startApp();
    const browser = new Browser();
    const back = new URL(await returnUrl(browser, `${app}/page`));
    const state = back.searchParams.get('state')!;
    const bind = browser.cookie(HOST, 'zgrobot_wechat_user_bind')!;
    const other = sealState(
      Buffer.from('another-secret-of-32-characters!'),
      { appId: 'wx-app', scope: 'snsapi_base', bind },
      Date.now() + 60_000,
    );
    const flipped = state.slice(0, -1) + (state.endsWith('0') ? '1' : '0');
    for (const forged of [flipped, other, 'abc', `${state.slice(0, 30)}${state.slice(0, 38)}`]) {
      const page = await browser.open(`${app}/page?code=code-1&state=${forged}`);
      expect(page.status, forged).toBe(403);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.text).toContain('授权请求无效');
    }
    const repeated = await browser.open(`${app}/page?code=code-1&state=${state}&state=${state}`);
    expect(repeated.status).toBe(403);
    expect(exchanges()).toHaveLength(0);

    // the genuine one still works
    const page = await browser.open(back.href);
    expect(page.status).toBe(200);
    expect(exchanges()).toHaveLength(1);
  });

  it('refuses a code planted in another browser (login CSRF): the state is bound to the browser that asked', async () => {
    const app = await startApp();
    const attacker = new Browser();
    const planted = await returnUrl(attacker, `${app}/page`);
    const victim = new Browser();
    await victim.open(`${app}/page`, { follow: false }); // the victim has a binding cookie of its own
    const page = await victim.open(planted);
    expect(page.status).toBe(403);
    expect(page.text).toContain('授权请求无效');
    const fresh = new Browser();
    expect((await fresh.open(planted)).status).toBe(403);
    expect(exchanges()).toHaveLength(0);
  });

  it('refuses a replayed state, though signed and fresh', async () => {
    const app = await startApp();
    const browser = new Browser();
    const back = await returnUrl(browser, `${app}/page`);
    expect((await browser.open(back)).status).toBe(200);
    browser.setCookie(HOST, 'zgrobot_wechat_user', undefined); // forget the user, keep the binding
    const replay = await browser.open(back);
    expect(replay.status).toBe(403);
    expect(replay.text).toContain('已经用过');
    expect(exchanges()).toHaveLength(1);
  });

  it('remembers used states in the store given, for their lifetime; shared, it covers every instance', async () => {
    const remembered: { key: string; ttl: number }[] = [];
    const memory = new MemoryNonceStore();
    const store: NonceStore = {
      remember(key, digest, ttl) {
        remembered.push({ key, ttl });
        return memory.remember(key, digest, ttl);
      },
    };
    const one = await startApp({ stateStore: store, stateTtl: 60_000 });
    const two = await startApp({ stateStore: store, stateTtl: 60_000 });
    const browser = new Browser();
    const back = new URL(await returnUrl(browser, `${one}/page`));
    expect((await browser.open(back.href)).status).toBe(200);
    browser.setCookie(HOST, 'zgrobot_wechat_user', undefined);
    const onTwo = await browser.open(`${two}${back.pathname}${back.search}`);
    expect(onTwo.status).toBe(403);
    expect(remembered).toHaveLength(2);
    expect(remembered[0]!.key).toBe(
      `zgrobot:oauth-state:${back.searchParams.get('state')!.slice(0, 24)}`,
    );
    expect(remembered[0]!.ttl).toBeGreaterThan(50_000);
    expect(remembered[0]!.ttl).toBeLessThanOrEqual(60_000);
  });

  it('refuses a state older than stateTtl', async () => {
    const app = await startApp({ stateTtl: 200 });
    const browser = new Browser();
    const back = await returnUrl(browser, `${app}/page`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const page = await browser.open(back);
    expect(page.status).toBe(403);
    expect(page.text).toContain('过期');
    expect(exchanges()).toHaveLength(0);
  });
});

describe('oauth(): the user refuses, the code is bad — a clear page, not a 500', () => {
  it('the user refuses (state back, no code): 403 page with a link to start over', async () => {
    api.oauth.deny = true;
    const app = await startApp({ scope: 'snsapi_userinfo' });
    const browser = new Browser();
    const page = await browser.open(`${app}/page?id=7&x=<b>`);
    const back = new URL(browser.hops[1]!.location!);
    expect(back.searchParams.has('code')).toBe(false);
    expect(back.searchParams.get('state')).toMatch(STATE);
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('你没有同意授权');
    expect(page.text).toContain('href="/page?id=7&amp;x=%3Cb%3E"');
    expect(page.text).not.toContain('<b>');
    expect(exchanges()).toHaveLength(0);
  });

  it('an expired code (40029) and a used code (40163) get a 400 page', async () => {
    const app = await startApp();
    const browser = new Browser();
    const back = await returnUrl(browser, `${app}/page`);
    api.oauth.expireCodes();
    const expired = await browser.open(back);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('授权码无效或已过期');

    const again = await returnUrl(browser, `${app}/page`);
    await client.exchangeOAuthCode(new URL(again).searchParams.get('code')!);
    const used = await browser.open(again);
    expect(used.status).toBe(400);
    expect(used.text).toContain('40029/40163');
    expect(exchanges().map((r) => r.query.code)).toEqual(['code-1', 'code-2', 'code-2']);
  });

  it('another WeChat failure is the app’s error (502 from WeChatApiError), not a page', async () => {
    api.on('GET', '/sns/oauth2/access_token', {
      json: { errcode: 40013, errmsg: 'invalid appid' },
    });
    const app = await startApp();
    const page = await new Browser().open(`${app}/page`);
    expect(page.status).toBe(502);
  });

  it('uses the page maker given', async () => {
    api.oauth.deny = true;
    const app = await startApp({ page: (f) => `<p>${f.reason} ${f.status} ${f.retryUrl}</p>` });
    const page = await new Browser().open(`${app}/page`);
    expect(page.text).toBe('<p>denied 403 /page</p>');
  });
});

describe('oauth(): the remembered user', () => {
  it('ignores a tampered cookie, an expired one and one of another AppID', async () => {
    const app = await startApp({ cookie: { maxAge: 300 } });
    const browser = new Browser();
    await browser.open(`${app}/page`);
    const cookie = browser.cookie(HOST, 'zgrobot_wechat_user')!;
    const [body, mac] = cookie.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, o: 'someone-else' })).toString(
      'base64url',
    );
    browser.setCookie(HOST, 'zgrobot_wechat_user', `${forged}.${mac}`);
    expect((await browser.open(`${app}/page`, { follow: false })).status).toBe(302);

    browser.setCookie(HOST, 'zgrobot_wechat_user', cookie);
    expect((await browser.open(`${app}/page`, { follow: false })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await browser.open(`${app}/page`, { follow: false })).status).toBe(302);

    const otherClient = new Client({ appId: 'wx-other', appSecret: 's', openBaseUrl: api.url });
    const other = await startApp({ client: otherClient });
    const fresh = new Browser();
    await fresh.open(`${app}/page`);
    expect((await fresh.open(`${other}/page`, { follow: false })).status).toBe(302);
    await otherClient.close();
  });

  it('a POST without a remembered user gets 401, with one it goes through', async () => {
    const app = await startApp();
    const browser = new Browser();
    const refused = await browser.open(`${app}/save`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('登录状态已失效');
    await browser.open(`${app}/page`);
    const saved = await browser.open(`${app}/save`, { method: 'POST' });
    expect(saved.status).toBe(200);
    expect(json(saved.text).method).toBe('POST');
  });

  it('a snapshot-mode visitor is served at once, without profile, and not remembered', async () => {
    api.oauth.snapshot = true;
    const app = await startApp({ scope: 'snsapi_userinfo' });
    const browser = new Browser();
    const page = await browser.open(`${app}/page`);
    expect(page.status).toBe(200);
    expect(json(page.text).user).toEqual({
      openid: FAKE_OAUTH_USER.openid,
      scope: 'snsapi_base',
      isSnapshotUser: true,
    });
    expect(browser.hops).toHaveLength(3);
    expect(browser.cookie(HOST, 'zgrobot_wechat_user')).toBeUndefined();
    expect(api.requestsTo('/sns/userinfo')).toHaveLength(0);
    expect((await browser.open(`${app}/page`, { follow: false })).status).toBe(302);
  });
});

describe('oauth(): options', () => {
  it('refuses a short secret and an unknown scope', () => {
    expect(() => oauth({ client, scope: 'snsapi_base', secret: 'short' })).toThrow(/16 bytes/);
    expect(() => oauth({ client, scope: 'snsapi_login' as never, secret: SECRET })).toThrow(
      TypeError,
    );
  });

  it('takes a Client as its client', () => {
    expectTypeOf<Client>().toExtend<OAuthClient>();
  });

  it('types ctx.state.wechatUser for the app that uses it', () => {
    const app = new Koa().use(oauth({ client, scope: 'snsapi_base', secret: SECRET }));
    app.use((ctx) => {
      expectTypeOf(ctx.state.wechatUser.openid).toEqualTypeOf<string>();
      expectTypeOf(ctx.state.wechatUser.userInfo?.nickname).toEqualTypeOf<string | undefined>();
    });
    expect(app.middleware).toHaveLength(2);
  });
});
