// The raw call, web authorization and the JS-SDK (issue 11, items 1-3), each against the fake
// WeChat API over real HTTP: the method, path, query and body of every call, and the answer.
import { createHash, webcrypto } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  Client,
  type ClientOptions,
  cardSignature,
  type JssdkConfig,
  jssdkSignature,
  type MediaDownload,
  MemoryTokenStore,
  type OAuthAccessToken,
  type OAuthToken,
  type OAuthUserInfo,
  type StoredToken,
  type TokenStore,
  WeChatApiError,
  type WeChatResult,
  WeChatTimeoutError,
} from '../../src/core/client/index.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { FAKE_OAUTH_USER } from '../support/fake-wechat-oauth.js';
import { PLATFORM_METHODS } from './platform-methods.js';

const OK = { errcode: 0, errmsg: 'ok' };
let api: FakeWeChatApi;
let client: Client;
const clients: Client[] = [];
/** Client methods called through `client` (a recording proxy), for the coverage check at the end. */
const called = new Set<string>();

function makeClient(options: Partial<ClientOptions> = {}): Client {
  const made = new Client({
    appId: 'wx-app',
    appSecret: 'wx-secret',
    baseUrl: api.url,
    mpBaseUrl: api.url,
    openBaseUrl: api.url,
    ...options,
  });
  clients.push(made);
  return made;
}

/** `target`, recording the names of the methods called on it. */
function recording(target: Client): Client {
  return new Proxy(target, {
    get(object, name) {
      const value: unknown = Reflect.get(object, name, object);
      if (typeof value !== 'function') return value;
      called.add(String(name));
      return (value as (...args: unknown[]) => unknown).bind(object);
    },
  });
}

beforeAll(async () => {
  api = await startFakeWeChatApi();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await api.close();
});
beforeEach(() => {
  api.reset();
  client = recording(makeClient());
});

/** The one request to `path` (asserting there was exactly one). */
function onlyRequestTo(path: string) {
  const requests = api.requestsTo(path);
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

/** SHA-1 hex by WebCrypto: independent of the client's own hashing. */
async function webSha1(text: string): Promise<string> {
  const digest = await webcrypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('hex');
}

/** Follow the fake's authorize page like a browser would (one hop) and return the code it issued. */
async function authorize(scope: 'snsapi_base' | 'snsapi_userinfo'): Promise<string> {
  const url = client.oauthAuthorizeUrl({ redirectUri: 'https://h5.example.com/cb', scope });
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const code = new URL(res.headers.get('location')!).searchParams.get('code');
  expect(code).toMatch(/^code-\d+$/);
  return code!;
}

describe('raw calls: client.get / post / upload / download', () => {
  it('get sends GET path?access_token&query without a body and returns the answer', async () => {
    api.on('GET', '/cgi-bin/get_api_domain_ip', { json: { ip_list: ['1.2.3.4'] } });
    const result = await client.get<{ ip_list: string[] }>('/cgi-bin/get_api_domain_ip', {
      lang: 'zh_CN',
      skipped: undefined,
    });
    const req = onlyRequestTo('/cgi-bin/get_api_domain_ip');
    expect(req.method).toBe('GET');
    expect(req.query).toEqual({ access_token: 'token-1', lang: 'zh_CN' });
    expect(req.rawBody.length).toBe(0);
    expect(result).toEqual({ ip_list: ['1.2.3.4'] });
    expectTypeOf(result).toEqualTypeOf<{ ip_list: string[] }>();
  });

  it('answers WeChatResult by default and keeps 64-bit ids as strings', async () => {
    api.on('GET', '/cgi-bin/some/new/api', {
      body: '{"errcode":0,"msgid":1234567890123456789,"big":98765432109876543210,"n":7}',
      headers: { 'content-type': 'text/plain' },
    });
    const result = await client.get('/cgi-bin/some/new/api');
    expectTypeOf(result).toEqualTypeOf<WeChatResult>();
    expect(result).toEqual({
      errcode: 0,
      msgid: '1234567890123456789',
      big: '98765432109876543210',
      n: 7,
    });
  });

  it('post sends the JSON body (bigints as exact numbers) and query parameters', async () => {
    api.on('POST', '/cgi-bin/message/mass/delete', { json: OK });
    const result = await client.post(
      '/cgi-bin/message/mass/delete',
      { msg_id: 1234567890123456789n, article_idx: 0 },
      { query: { extra: 'x' } },
    );
    const req = onlyRequestTo('/cgi-bin/message/mass/delete');
    expect(req.method).toBe('POST');
    expect(req.query).toEqual({ access_token: 'token-1', extra: 'x' });
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    expect(req.rawBody.toString('utf8')).toBe('{"msg_id":1234567890123456789,"article_idx":0}');
    expect(result).toEqual(OK);
  });

  it('post without a body sends {}', async () => {
    api.on('POST', '/cgi-bin/clear_quota', { json: OK });
    await client.post('/cgi-bin/clear_quota');
    expect(onlyRequestTo('/cgi-bin/clear_quota').json).toEqual({});
  });

  it('a non-zero errcode throws WeChatApiError naming the path', async () => {
    api.on('POST', '/cgi-bin/shorten/gen', {
      json: { errcode: 48001, errmsg: 'api unauthorized' },
    });
    const error = await client.post('/cgi-bin/shorten/gen', { long_data: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).toMatchObject({
      errcode: 48001,
      errmsg: 'api unauthorized',
      api: '/cgi-bin/shorten/gen',
    });
  });

  it('refreshes a rejected token (40001) and retries once', async () => {
    api.on('GET', '/cgi-bin/x', { json: { value: 1 } });
    expect(await client.get('/cgi-bin/x')).toEqual({ value: 1 });
    api.revokeTokens('token-1');
    expect(await client.get('/cgi-bin/x')).toEqual({ value: 1 });
    const tokens = api.requestsTo('/cgi-bin/x').map((r) => r.query.access_token);
    expect(tokens).toEqual(['token-1', 'token-1', 'token-2']);
    expect(api.tokenRequests()).toHaveLength(2);
  });

  it('refreshes on 42001 (expired) too, but retries only once', async () => {
    let answered = 0;
    api.on('POST', '/cgi-bin/y', () => {
      answered++;
      return { json: { errcode: 42001, errmsg: 'access_token expired' } };
    });
    await expect(client.post('/cgi-bin/y', {})).rejects.toMatchObject({ errcode: 42001 });
    expect(answered).toBe(2);
    expect(api.requestsTo('/cgi-bin/y').map((r) => r.query.access_token)).toEqual([
      'token-1',
      'token-2',
    ]);
  });

  it('honours a per-call timeout', async () => {
    api.on('GET', '/cgi-bin/slow', { json: OK, delay: 1_000 });
    await client.getAccessToken();
    await expect(client.get('/cgi-bin/slow', {}, { timeout: 100 })).rejects.toBeInstanceOf(
      WeChatTimeoutError,
    );
  });

  it('refuses a path that is not under baseUrl, sending nothing', async () => {
    for (const path of ['cgi-bin/menu/get', 'https://evil.example/cgi-bin', '//evil.example/x']) {
      await expect(client.get(path)).rejects.toThrow(TypeError);
    }
    expect(api.requests).toHaveLength(0);
  });

  it('upload sends multipart: the file in "media" (or fieldName), fields, query', async () => {
    api.on('POST', '/cgi-bin/media/upload', { json: { media_id: 'M', type: 'image' } });
    api.on('POST', '/cv/img/aicrop', { json: { results: [] } });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    const uploaded = await client.upload<{ media_id: string }>('/cgi-bin/media/upload', jpeg, {
      query: { type: 'image' },
      filename: 'cat.jpg',
    });
    expect(uploaded.media_id).toBe('M');
    const req = onlyRequestTo('/cgi-bin/media/upload');
    expect(req.method).toBe('POST');
    expect(req.query).toEqual({ access_token: 'token-1', type: 'image' });
    expect(req.parts).toHaveLength(1);
    expect(req.parts![0]).toMatchObject({
      name: 'media',
      filename: 'cat.jpg',
      contentType: 'image/jpeg',
    });
    expect(req.parts![0]!.data.equals(jpeg)).toBe(true);

    await client.upload('/cv/img/aicrop', new Blob([jpeg], { type: 'image/png' }), {
      fieldName: 'img',
      filename: 'a.png',
      fields: { ratios: '1,2.35' },
    });
    const crop = onlyRequestTo('/cv/img/aicrop');
    expect(crop.query).toEqual({ access_token: 'token-1' });
    expect(crop.parts!.map((p) => [p.name, p.filename ?? p.text])).toEqual([
      ['ratios', '1,2.35'],
      ['img', 'a.png'],
    ]);
  });

  it('download GETs a file, POSTs with a body, and throws on a JSON error body', async () => {
    const png = Buffer.from('\x89PNG fake');
    api.on('GET', '/cgi-bin/media/get/jssdk', {
      body: png,
      headers: {
        'content-type': 'image/png',
        'content-disposition': 'attachment; filename="v.png"',
      },
    });
    api.on('POST', '/cgi-bin/material/get_material', {
      body: png,
      headers: { 'content-type': 'image/png' },
    });
    const file = await client.download('/cgi-bin/media/get/jssdk', { query: { media_id: 'M' } });
    expectTypeOf(file).toEqualTypeOf<MediaDownload>();
    expect(file).toEqual({ data: png, contentType: 'image/png', filename: 'v.png' });
    const get = onlyRequestTo('/cgi-bin/media/get/jssdk');
    expect(get.method).toBe('GET');
    expect(get.query).toEqual({ access_token: 'token-1', media_id: 'M' });

    const posted = await client.download('/cgi-bin/material/get_material', {
      body: { media_id: 'P' },
    });
    expect(posted.data.equals(png)).toBe(true);
    const post = onlyRequestTo('/cgi-bin/material/get_material');
    expect(post.method).toBe('POST');
    expect(post.json).toEqual({ media_id: 'P' });

    api.on('GET', '/cgi-bin/media/get', {
      body: '{"errcode":40007,"errmsg":"invalid media_id"}',
      headers: { 'content-type': 'text/plain' },
    });
    await expect(
      client.download('/cgi-bin/media/get', { query: { media_id: 'BAD' } }),
    ).rejects.toMatchObject({ name: 'WeChatApiError', errcode: 40007, api: '/cgi-bin/media/get' });
  });
});

describe('web authorization (网页授权)', () => {
  it('oauthAuthorizeUrl builds WeChat URL with the parameters in order and the fragment', () => {
    const url = client.oauthAuthorizeUrl({
      redirectUri: 'https://h5.example.com/p?id=1&名=值',
      scope: 'snsapi_userinfo',
      state: 'abc123',
    });
    expect(url).toBe(
      `${api.url}/connect/oauth2/authorize?appid=wx-app` +
        `&redirect_uri=${encodeURIComponent('https://h5.example.com/p?id=1&名=值')}` +
        '&response_type=code&scope=snsapi_userinfo&state=abc123#wechat_redirect',
    );
    const parsed = new URL(url);
    expect(parsed.searchParams.get('redirect_uri')).toBe('https://h5.example.com/p?id=1&名=值');
    expect(
      client.oauthAuthorizeUrl({
        redirectUri: 'http://a.cn/',
        scope: 'snsapi_base',
        forcePopup: true,
      }),
    ).toBe(
      `${api.url}/connect/oauth2/authorize?appid=wx-app&redirect_uri=http%3A%2F%2Fa.cn%2F` +
        '&response_type=code&scope=snsapi_base&state=&forcePopup=true#wechat_redirect',
    );
  });

  it('uses open.weixin.qq.com by default', () => {
    const plain = new Client({ appId: 'wx1', appSecret: 's' });
    expect(plain.oauthAuthorizeUrl({ redirectUri: 'https://a.cn/', scope: 'snsapi_base' })).toMatch(
      /^https:\/\/open\.weixin\.qq\.com\/connect\/oauth2\/authorize\?appid=wx1&/,
    );
  });

  it('refuses a relative redirectUri, an unknown scope and a state WeChat would not take', () => {
    const bad: unknown[] = [
      { redirectUri: '/cb', scope: 'snsapi_base' },
      { redirectUri: 'https://a.cn/', scope: 'snsapi_login' },
      { redirectUri: 'https://a.cn/', scope: 'snsapi_base', state: 'a_b' },
      { redirectUri: 'https://a.cn/', scope: 'snsapi_base', state: 'a'.repeat(129) },
    ];
    for (const options of bad) {
      expect(() => client.oauthAuthorizeUrl(options as never)).toThrow(TypeError);
    }
  });

  it('exchangeOAuthCode GETs /sns/oauth2/access_token with the AppSecret, not the access token', async () => {
    const code = await authorize('snsapi_userinfo');
    const token = await client.exchangeOAuthCode(code);
    const req = onlyRequestTo('/sns/oauth2/access_token');
    expect(req.method).toBe('GET');
    expect(req.query).toEqual({
      appid: 'wx-app',
      secret: 'wx-secret',
      code,
      grant_type: 'authorization_code',
    });
    expect(api.tokenRequests()).toHaveLength(0);
    expect(token).toEqual({
      openid: FAKE_OAUTH_USER.openid,
      unionid: FAKE_OAUTH_USER.unionid,
      accessToken: 'sns-access-1',
      refreshToken: 'sns-refresh-1',
      expiresIn: 7200,
      scope: 'snsapi_userinfo',
      isSnapshotUser: false,
    });
    expectTypeOf(token).toEqualTypeOf<OAuthToken>();
  });

  it('maps snapshot-mode users and answers without unionid', async () => {
    api.oauth.snapshot = true;
    const token = await client.exchangeOAuthCode(await authorize('snsapi_userinfo'));
    expect(token.isSnapshotUser).toBe(true);
    expect(token.scope).toBe('snsapi_base');
    expect('unionid' in token).toBe(false);
  });

  it('a used code throws 40163 and an expired one 40029', async () => {
    const code = await authorize('snsapi_base');
    await client.exchangeOAuthCode(code);
    await expect(client.exchangeOAuthCode(code)).rejects.toMatchObject({
      name: 'WeChatApiError',
      errcode: 40163,
      api: '/sns/oauth2/access_token',
    });
    const late = await authorize('snsapi_base');
    api.oauth.expireCodes();
    await expect(client.exchangeOAuthCode(late)).rejects.toMatchObject({ errcode: 40029 });
  });

  it('refreshOAuthToken GETs /sns/oauth2/refresh_token and returns the renewed token', async () => {
    const first = await client.exchangeOAuthCode(await authorize('snsapi_base'));
    const renewed = await client.refreshOAuthToken(first.refreshToken);
    const req = onlyRequestTo('/sns/oauth2/refresh_token');
    expect(req.method).toBe('GET');
    expect(req.query).toEqual({
      appid: 'wx-app',
      grant_type: 'refresh_token',
      refresh_token: 'sns-refresh-1',
    });
    expect(renewed).toMatchObject({
      openid: FAKE_OAUTH_USER.openid,
      accessToken: 'sns-access-2',
      refreshToken: 'sns-refresh-1',
      scope: 'snsapi_base',
    });
  });

  it('checkOAuthToken is true for a valid token, false for a rejected one, without retrying', async () => {
    const token = await client.exchangeOAuthCode(await authorize('snsapi_base'));
    expect(await client.checkOAuthToken(token.accessToken, token.openid)).toBe(true);
    const req = onlyRequestTo('/sns/auth');
    expect(req.method).toBe('GET');
    expect(req.query).toEqual({ access_token: 'sns-access-1', openid: FAKE_OAUTH_USER.openid });

    api.oauth.expireAccessToken(token.accessToken);
    expect(await client.checkOAuthToken(token.accessToken, token.openid)).toBe(false);
    expect(await client.checkOAuthToken(token.accessToken, 'someone-else')).toBe(false);
    expect(api.requestsTo('/sns/auth')).toHaveLength(3);
    expect(api.tokenRequests()).toHaveLength(0);
  });

  it('getOAuthUserInfo GETs /sns/userinfo with the user token and lang', async () => {
    const token = await client.exchangeOAuthCode(await authorize('snsapi_userinfo'));
    const info = await client.getOAuthUserInfo(token.accessToken, token.openid);
    const req = onlyRequestTo('/sns/userinfo');
    expect(req.method).toBe('GET');
    expect(req.query).toEqual({
      access_token: 'sns-access-1',
      openid: FAKE_OAUTH_USER.openid,
      lang: 'zh_CN',
    });
    expect(info).toEqual(FAKE_OAUTH_USER);
    expectTypeOf(info).toEqualTypeOf<OAuthUserInfo>();

    await client.getOAuthUserInfo(token.accessToken, token.openid, 'en');
    expect(api.requestsTo('/sns/userinfo')[1]!.query.lang).toBe('en');
  });

  it('a snsapi_base token cannot read the profile (48001)', async () => {
    const token = await client.exchangeOAuthCode(await authorize('snsapi_base'));
    await expect(client.getOAuthUserInfo(token.accessToken, token.openid)).rejects.toMatchObject({
      errcode: 48001,
    });
  });

  it('keeps the user token and the account token apart in the types', async () => {
    const accountToken: string = await client.getAccessToken();
    // @ts-expect-error the account's access token is not a user's OAuth token
    const wrong = () => client.getOAuthUserInfo(accountToken, 'openid');
    // @ts-expect-error nor is any plain string
    const alsoWrong = () => client.checkOAuthToken('sns-access-1', 'openid');
    expect(typeof wrong).toBe('function');
    expect(typeof alsoWrong).toBe('function');
    expectTypeOf<OAuthAccessToken>().toExtend<string>();
    expectTypeOf<string>().not.toExtend<OAuthAccessToken>();
    expectTypeOf<OAuthToken['refreshToken']>().not.toEqualTypeOf<OAuthAccessToken>();
  });
});

describe('JS-SDK', () => {
  const EXAMPLE = {
    ticket:
      'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
    nonceStr: 'Wm3WZYTPz0wzccnW',
    timestamp: 1414587457,
    url: 'http://mp.weixin.qq.com?params=value',
  };

  it("matches the published example of WeChat's JS-SDK appendix, and an independent SHA-1", async () => {
    const signature = jssdkSignature(EXAMPLE);
    expect(signature).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
    const string1 =
      `jsapi_ticket=${EXAMPLE.ticket}&noncestr=${EXAMPLE.nonceStr}` +
      `&timestamp=${EXAMPLE.timestamp}&url=${EXAMPLE.url}`;
    expect(signature).toBe(await webSha1(string1));
  });

  it('drops the #fragment and nothing else', () => {
    expect(jssdkSignature({ ...EXAMPLE, url: `${EXAMPLE.url}#/route?x=1` })).toBe(
      '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
    );
    expect(jssdkSignature({ ...EXAMPLE, url: `${EXAMPLE.url}&b=2` })).not.toBe(
      '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
    );
  });

  it('jssdkConfig gets the jsapi ticket (GET getticket?type=jsapi) and signs the page URL', async () => {
    const before = Math.floor(Date.now() / 1000);
    const config = await client.jssdkConfig({
      url: 'https://h5.example.com/page?id=7#/tab',
      jsApiList: ['updateAppMessageShareData', 'chooseImage'],
      openTagList: ['wx-open-launch-weapp'],
    });
    const after = Math.floor(Date.now() / 1000);
    const req = onlyRequestTo('/cgi-bin/ticket/getticket');
    expect(req.method).toBe('GET');
    expect(req.query).toEqual({ access_token: 'token-1', type: 'jsapi' });
    expectTypeOf(config).toEqualTypeOf<JssdkConfig>();
    expect(Object.keys(config).sort()).toEqual(
      ['appId', 'debug', 'jsApiList', 'nonceStr', 'openTagList', 'signature', 'timestamp'].sort(),
    );
    expect(config).toMatchObject({
      appId: 'wx-app',
      debug: false,
      jsApiList: ['updateAppMessageShareData', 'chooseImage'],
      openTagList: ['wx-open-launch-weapp'],
    });
    expect(config.timestamp).toBeGreaterThanOrEqual(before);
    expect(config.timestamp).toBeLessThanOrEqual(after);
    expect(config.nonceStr).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(config.signature).toBe(
      await webSha1(
        `jsapi_ticket=jsapi-ticket-1&noncestr=${config.nonceStr}` +
          `&timestamp=${config.timestamp}&url=https://h5.example.com/page?id=7`,
      ),
    );
    const other = await client.jssdkConfig({
      url: 'https://h5.example.com/',
      jsApiList: [],
      debug: true,
    });
    expect(other).toMatchObject({ debug: true, openTagList: [] });
    expect(other.nonceStr).not.toBe(config.nonceStr);
  });

  it('caches the ticket, and concurrent callers share one request', async () => {
    api.on('GET', '/cgi-bin/ticket/getticket', {
      json: { errcode: 0, errmsg: 'ok', ticket: 'slow-ticket', expires_in: 7200 },
      delay: 150,
    });
    const tickets = await Promise.all(Array.from({ length: 5 }, () => client.getJsapiTicket()));
    expect(tickets).toEqual(Array(5).fill('slow-ticket'));
    await client.jssdkConfig({ url: 'https://a.cn/', jsApiList: [] });
    expect(api.requestsTo('/cgi-bin/ticket/getticket')).toHaveLength(1);
  });

  it('asks again once the ticket is within 60 s of expiry', async () => {
    let n = 0;
    api.on('GET', '/cgi-bin/ticket/getticket', () => ({
      json: { errcode: 0, errmsg: 'ok', ticket: `short-${++n}`, expires_in: 30 },
    }));
    expect(await client.getJsapiTicket()).toBe('short-1');
    expect(await client.getJsapiTicket()).toBe('short-2');
  });

  it('getticket follows the access-token rule: 40001 → new token, one retry', async () => {
    await client.getAccessToken();
    api.revokeTokens('token-1');
    expect(await client.getJsapiTicket()).toBe('jsapi-ticket-1');
    expect(api.requestsTo('/cgi-bin/ticket/getticket').map((r) => r.query.access_token)).toEqual([
      'token-1',
      'token-2',
    ]);
  });

  it('a getticket error throws WeChatApiError and is not cached', async () => {
    api.on('GET', '/cgi-bin/ticket/getticket', { json: { errcode: 40164, errmsg: 'invalid ip' } });
    await expect(client.getJsapiTicket()).rejects.toMatchObject({ errcode: 40164 });
    api.reset();
    expect(await client.getJsapiTicket()).toBe('jsapi-ticket-1');
  });

  it('jssdkConfig refuses a missing url before asking for a ticket, and bounds the wait', async () => {
    await expect(client.jssdkConfig({ url: '', jsApiList: [] })).rejects.toThrow(TypeError);
    expect(api.requests).toHaveLength(0);
    api.on('GET', '/cgi-bin/ticket/getticket', {
      json: { ticket: 't', expires_in: 7200 },
      delay: 1_000,
    });
    await client.getAccessToken();
    await expect(
      client.jssdkConfig({ url: 'https://a.cn/', jsApiList: [] }, { timeout: 100 }),
    ).rejects.toBeInstanceOf(WeChatTimeoutError);
  });

  it('getCardTicket asks type=wx_card and caches apart from the jsapi ticket', async () => {
    expect(await client.getCardTicket()).toBe('wx_card-ticket-1');
    expect(await client.getJsapiTicket()).toBe('jsapi-ticket-1');
    expect(await client.getCardTicket()).toBe('wx_card-ticket-1');
    const requests = api.requestsTo('/cgi-bin/ticket/getticket');
    expect(requests.map((r) => r.query)).toEqual([
      { access_token: 'token-1', type: 'wx_card' },
      { access_token: 'token-1', type: 'jsapi' },
    ]);
  });

  it('cardExt signs with the card ticket: the sorted values, concatenated, SHA-1', async () => {
    const ext = await client.cardExt({
      cardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc',
      code: '123456',
      openid: 'o-user',
      outerStr: 'poster',
    });
    expect(onlyRequestTo('/cgi-bin/ticket/getticket').query.type).toBe('wx_card');
    expect(ext).toMatchObject({ code: '123456', openid: 'o-user', outer_str: 'poster' });
    expect(ext.timestamp).toMatch(/^\d{10}$/);
    expect(ext.nonce_str).toMatch(/^[A-Za-z0-9]{16}$/);
    const values = [
      'wx_card-ticket-1',
      ext.timestamp,
      'pFS7Fjg8kV1IdDz01r4SQwMkuCKc',
      '123456',
      'o-user',
      ext.nonce_str,
    ];
    const joined = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('');
    expect(ext.signature).toBe(await webSha1(joined));
    expect(cardSignature([...values, undefined])).toBe(ext.signature);

    const bare = await client.cardExt({ cardId: 'c1' });
    expect(Object.keys(bare).sort()).toEqual(['nonce_str', 'signature', 'timestamp']);
    expect(bare.signature).toBe(
      createHash('sha1')
        .update(['wx_card-ticket-1', bare.timestamp, 'c1', bare.nonce_str].sort().join(''))
        .digest('hex'),
    );
  });

  it('a subclass that keeps tickets its own way is used by jssdkConfig', async () => {
    class MyClient extends Client {
      override async getJsapiTicket(): Promise<string> {
        return 'my-ticket';
      }
    }
    const mine = new MyClient({ appId: 'wx-app', appSecret: 's', baseUrl: api.url });
    clients.push(mine);
    const config = await mine.jssdkConfig({ url: 'https://a.cn/', jsApiList: [] });
    expect(config.signature).toBe(
      jssdkSignature({
        ticket: 'my-ticket',
        nonceStr: config.nonceStr,
        timestamp: config.timestamp,
        url: 'https://a.cn/',
      }),
    );
    expect(api.requests).toHaveLength(0);
  });

  it('keeps tickets in the token store’s siblings, or in memory when it has none', async () => {
    const stores = new Map<string, MemoryTokenStore>();
    const main = new MemoryTokenStore();
    const withSiblings: TokenStore = {
      get: () => main.get(),
      set: (value: StoredToken) => main.set(value),
      sibling(name) {
        const store = new MemoryTokenStore();
        stores.set(name, store);
        return store;
      },
    };
    const a = makeClient({ tokenStore: withSiblings });
    await a.getJsapiTicket();
    await a.getCardTicket();
    expect((await stores.get('jsapi_ticket')?.get())?.token).toBe('jsapi-ticket-1');
    expect((await stores.get('wx_card_ticket')?.get())?.token).toBe('wx_card-ticket-1');
    expect((await main.get())?.token).toBe('token-1');

    const plain: TokenStore = { get: () => main.get(), set: (v) => main.set(v) };
    const b = makeClient({ tokenStore: plain });
    expect(await b.getJsapiTicket()).toBe('jsapi-ticket-2');
    expect(await b.getJsapiTicket()).toBe('jsapi-ticket-2');
  });
});

describe('coverage', () => {
  it('every method of the raw call, web authorization and JS-SDK was called above', () => {
    const missing = PLATFORM_METHODS.filter((name) => !called.has(name));
    expect(missing).toEqual([]);
    for (const name of PLATFORM_METHODS) {
      expect(typeof Client.prototype[name], name).toBe('function');
    }
  });
});
