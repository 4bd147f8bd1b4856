import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/core/client/client.js';
import type { AccessTokenResult } from '../../src/core/client/core.js';
import { MemoryTokenStore } from '../../src/core/client/token-store.js';
import { makeComponent } from '../open-platform/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';

let api: FakeWeChatApi;

beforeAll(async () => {
  api = await startFakeWeChatApi();
});
afterEach(() => api.reset());
afterAll(() => api.close());

/** A grantToken issuing `granted-N`, which the fake accepts; counts its calls. */
function granter(): { grant: () => Promise<AccessTokenResult>; calls: number } {
  const state = {
    calls: 0,
    grant: async (): Promise<AccessTokenResult> => {
      state.calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const token = `granted-${state.calls}`;
      api.validTokens.add(token);
      return { access_token: token, expires_in: 7200 };
    },
  };
  return state;
}

describe('Client with grantToken', () => {
  it('takes its tokens from grantToken, never from /cgi-bin/token', async () => {
    const g = granter();
    const client = new Client({ appId: 'wx_granted', grantToken: g.grant, baseUrl: api.url });
    api.on('GET', '/cgi-bin/menu/get', { json: { menu: { button: [] } } });
    await client.getMenu();
    expect(api.requestsTo('/cgi-bin/menu/get')[0]?.query.access_token).toBe('granted-1');
    expect(api.tokenRequests()).toHaveLength(0);
    expect(g.calls).toBe(1);
    await client.close();
  });

  it('shares one grant among 20 concurrent calls and keeps it in its tokenStore', async () => {
    const g = granter();
    const tokenStore = new MemoryTokenStore();
    const one = new Client({ appId: 'wx_g', grantToken: g.grant, baseUrl: api.url, tokenStore });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => one.getAccessToken()));
    expect(new Set(tokens)).toEqual(new Set(['granted-1']));
    expect(g.calls).toBe(1);
    expect((await tokenStore.get())?.token).toBe('granted-1');
    // Another client on the same store finds it there.
    const two = new Client({ appId: 'wx_g', grantToken: g.grant, baseUrl: api.url, tokenStore });
    expect(await two.getAccessToken()).toBe('granted-1');
    expect(g.calls).toBe(1);
    await Promise.all([one.close(), two.close()]);
  });

  it('asks again once when WeChat rejects the granted token', async () => {
    const g = granter();
    const client = new Client({ appId: 'wx_g', grantToken: g.grant, baseUrl: api.url });
    api.on('POST', '/cgi-bin/menu/create', { json: { errcode: 0, errmsg: 'ok' } });
    await client.createMenu({ button: [] });
    api.revokeTokens('granted-1');
    await client.createMenu({ button: [] });
    expect(api.requestsTo('/cgi-bin/menu/create').map((r) => r.query.access_token)).toEqual([
      'granted-1',
      'granted-1',
      'granted-2',
    ]);
    expect(g.calls).toBe(2);
    await client.close();
  });

  it('ignores useStableToken and needs no AppSecret, except for exchangeOAuthCode', async () => {
    const g = granter();
    const client = new Client({
      appId: 'wx_g',
      grantToken: g.grant,
      useStableToken: true,
      baseUrl: api.url,
    });
    expect(await client.getAccessToken()).toBe('granted-1');
    expect(api.tokenRequests()).toHaveLength(0);
    await expect(client.exchangeOAuthCode('code')).rejects.toThrow(TypeError);
    await expect(client.exchangeOAuthCode('code')).rejects.toThrow(/needs the AppSecret/);
    expect(api.requestsTo('/sns/oauth2/access_token')).toHaveLength(0);
    await client.close();
  });

  it('with both, grantToken wins and the AppSecret still serves exchangeOAuthCode', async () => {
    const g = granter();
    const client = new Client({
      appId: 'wx_g',
      appSecret: 'secret',
      grantToken: g.grant,
      baseUrl: api.url,
    });
    expect(await client.getAccessToken()).toBe('granted-1');
    await client.exchangeOAuthCode('unknown-code').catch(() => undefined);
    expect(api.requestsTo('/sns/oauth2/access_token')[0]?.query.secret).toBe('secret');
    await client.close();
  });

  it('refuses to be made with neither an AppSecret nor a grantToken', () => {
    // @ts-expect-error: one of the two is required
    expect(() => new Client({ appId: 'wx' })).toThrow(/appSecret \(or a grantToken/);
    expect(
      () => new Client({ appId: 'wx', appSecret: '', grantToken: undefined as never }),
    ).toThrow(TypeError);
  });
});

describe('every kind of client call works with an authorizer token', () => {
  it('JSON GET/POST, multipart upload, download, tickets, raw calls', async () => {
    const component = makeComponent(api);
    api.component.ticket = 't';
    await component.saveVerifyTicket('t');
    await component.queryAuth(api.component.authorize('wx_auth'));
    const client = component.authorizerClient('wx_auth');
    const token = await component.authorizerAccessToken('wx_auth');
    api
      .on('GET', '/cgi-bin/menu/get', { json: { menu: { button: [] } } })
      .on('POST', '/cgi-bin/tags/create', { json: { tag: { id: 100, name: 'vip' } } })
      .on('GET', '/cgi-bin/user/info', { json: { subscribe: 1, openid: 'o1' } })
      .on('POST', '/cgi-bin/media/upload', {
        json: { type: 'image', media_id: 'm1', created_at: 1 },
      })
      .on('GET', '/cgi-bin/media/get', {
        headers: { 'content-type': 'image/jpeg' },
        body: Buffer.from([0xff, 0xd8]),
      })
      .on('POST', '/cgi-bin/custom/path', { json: { errcode: 0, ok: true } });
    await client.getMenu();
    await client.createTag('vip');
    await client.getUserInfo('o1');
    await client.uploadMedia('image', Buffer.from('img'), { filename: 'a.jpg' });
    const file = await client.downloadMedia('m1');
    expect([...file.data]).toEqual([0xff, 0xd8]);
    expect(await client.getJsapiTicket()).toBe('jsapi-ticket-1');
    await client.post('/cgi-bin/custom/path', { a: 1 });
    const paths = [
      '/cgi-bin/menu/get',
      '/cgi-bin/tags/create',
      '/cgi-bin/user/info',
      '/cgi-bin/media/upload',
      '/cgi-bin/media/get',
      '/cgi-bin/ticket/getticket',
      '/cgi-bin/custom/path',
    ];
    for (const path of paths) {
      expect(api.requestsTo(path).map((r) => r.query.access_token)).toEqual([token]);
    }
    expect(api.requestsTo('/cgi-bin/media/upload')[0]?.parts?.[0]?.filename).toBe('a.jpg');
    expect(api.tokenRequests()).toHaveLength(0);
    await component.close();
  });
});
