import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { componentEvents } from '../../middleware/component-events.js';
import { MemoryTokenStore } from '../../src/core/client/token-store.js';
import { ComponentError } from '../../src/core/open-platform/component.js';
import type {
  AuthorizedEvent,
  ComponentVerifyTicketEvent,
  UnauthorizedEvent,
} from '../../src/core/open-platform/events.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import {
  authorizedXml,
  eventPush,
  makeComponent,
  post,
  serveStage,
  ticketXml,
  unauthorizedXml,
} from './helpers.js';

let api: FakeWeChatApi;

beforeAll(async () => {
  api = await startFakeWeChatApi();
});
afterEach(() => api.reset());
afterAll(() => api.close());

describe('the Open Platform flow, ticket push to an authorizer API call', () => {
  it('works end to end over HTTP', async () => {
    const component = makeComponent(api);
    const appId = component.appId;
    const tickets: ComponentVerifyTicketEvent[] = [];
    const authorized: AuthorizedEvent[] = [];
    const unauthorized: UnauthorizedEvent[] = [];
    const server = await serveStage(
      componentEvents({
        component,
        onTicket: (event) => {
          tickets.push(event);
        },
        onAuthorized: async (event) => {
          authorized.push(event);
          await component.queryAuth(event.authorizationCode);
        },
        onUnauthorized: (event) => {
          unauthorized.push(event);
        },
      }),
    );
    try {
      // Before any ticket: a clear error, and WeChat is not asked.
      await expect(component.getComponentAccessToken()).rejects.toThrow(ComponentError);
      await expect(component.getComponentAccessToken()).rejects.toThrow(
        /no component_verify_ticket yet/,
      );
      expect(api.requestsTo('/cgi-bin/component/api_component_token')).toHaveLength(0);

      // WeChat pushes a ticket, encrypted with the component's key.
      api.component.ticket = 'ticket@@@A';
      const pushed = await post(server.url, eventPush(ticketXml(appId, 'ticket@@@A'), { appId }));
      expect(pushed).toEqual({ status: 200, text: 'success' });
      expect(await component.getVerifyTicket()).toBe('ticket@@@A');
      expect(tickets).toHaveLength(1);
      expect(tickets[0]).toMatchObject({
        infoType: 'component_verify_ticket',
        componentAppId: appId,
        ticket: 'ticket@@@A',
      });

      // The component token is requested with that ticket, once.
      const componentToken = await component.getComponentAccessToken();
      expect(componentToken).toMatch(/^component-token-/);
      expect(await component.getComponentAccessToken()).toBe(componentToken);
      const tokenRequests = api.requestsTo('/cgi-bin/component/api_component_token');
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0]?.method).toBe('POST');
      expect(tokenRequests[0]?.query).toEqual({});
      expect(tokenRequests[0]?.json).toEqual({
        component_appid: appId,
        component_appsecret: api.component.appSecret,
        component_verify_ticket: 'ticket@@@A',
      });

      // The PC authorization URL, with a pre_auth_code created for it.
      const url = await component.authorizationUrl({
        redirectUri: 'https://example.com/back?x=1&y=二',
        authType: 1,
      });
      const preAuth = api.requestsTo('/cgi-bin/component/api_create_preauthcode');
      expect(preAuth).toHaveLength(1);
      expect(preAuth[0]?.query).toEqual({ component_access_token: componentToken });
      expect(preAuth[0]?.json).toEqual({ component_appid: appId });
      const preAuthCode = api.component.preAuthCodes[0];
      expect(url).toBe(
        `https://mp.example/cgi-bin/componentloginpage?component_appid=${appId}&pre_auth_code=${preAuthCode}` +
          `&redirect_uri=${encodeURIComponent('https://example.com/back?x=1&y=二')}&auth_type=1`,
      );
      // The mobile one, with a code given: no new pre_auth_code.
      const mobile = await component.mobileAuthorizationUrl({
        preAuthCode: 'given-code',
        redirectUri: 'https://example.com/m',
        bizAppId: 'wx_only_this',
      });
      expect(mobile).toBe(
        `https://open.example/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&component_appid=${appId}` +
          `&pre_auth_code=given-code&redirect_uri=${encodeURIComponent('https://example.com/m')}&biz_appid=wx_only_this#wechat_redirect`,
      );
      expect(api.requestsTo('/cgi-bin/component/api_create_preauthcode')).toHaveLength(1);

      // An account's admin authorizes; WeChat pushes `authorized`; the handler queries the auth.
      const code = api.component.authorize('wx_authorizer_1');
      const createTime = String(Math.floor(Date.now() / 1000));
      const auth = await post(
        server.url,
        eventPush(authorizedXml(appId, 'wx_authorizer_1', code, 'authorized', createTime), {
          appId,
        }),
      );
      expect(auth).toEqual({ status: 200, text: 'success' });
      expect(authorized).toHaveLength(1);
      expect(authorized[0]).toMatchObject({
        infoType: 'authorized',
        componentAppId: appId,
        authorizerAppId: 'wx_authorizer_1',
        authorizationCode: code,
        expiredTime: 1700003600,
        preAuthCode: 'preauth-x',
        createTime: Number(createTime),
      });
      const queries = api.requestsTo('/cgi-bin/component/api_query_auth');
      expect(queries).toHaveLength(1);
      expect(queries[0]?.query).toEqual({ component_access_token: componentToken });
      expect(queries[0]?.json).toEqual({ component_appid: appId, authorization_code: code });

      // The authorizer's client calls the API with the authorizer token from api_query_auth.
      const client = component.authorizerClient('wx_authorizer_1');
      expect(component.authorizerClient('wx_authorizer_1')).toBe(client);
      api.on('POST', '/cgi-bin/message/custom/send', { json: { errcode: 0, errmsg: 'ok' } });
      await client.sendTextMessage('openid-1', '你好');
      const sends = api.requestsTo('/cgi-bin/message/custom/send');
      expect(sends).toHaveLength(1);
      const authorizerToken = sends[0]?.query.access_token;
      expect(authorizerToken).toMatch(/^authorizer-wx_authorizer_1-/);
      expect(sends[0]?.json).toEqual({
        touser: 'openid-1',
        msgtype: 'text',
        text: { content: '你好' },
      });
      expect(await component.authorizerAccessToken('wx_authorizer_1')).toBe(authorizerToken);
      // Stored by queryAuth: no refresh, no /cgi-bin/token.
      expect(api.requestsTo('/cgi-bin/component/api_authorizer_token')).toHaveLength(0);
      expect(api.tokenRequests()).toHaveLength(0);

      // The account cancels: the component forgets it.
      const gone = await post(
        server.url,
        eventPush(unauthorizedXml(appId, 'wx_authorizer_1'), { appId }),
      );
      expect(gone).toEqual({ status: 200, text: 'success' });
      expect(unauthorized).toMatchObject([
        { infoType: 'unauthorized', authorizerAppId: 'wx_authorizer_1' },
      ]);
      await expect(component.authorizerAccessToken('wx_authorizer_1')).rejects.toThrow(
        /no refresh token for wx_authorizer_1/,
      );
      expect(api.requestsTo('/cgi-bin/component/api_authorizer_token')).toHaveLength(0);
    } finally {
      await server.close();
      await component.close();
    }
  });

  it('refreshes an authorizer token before it expires, once for 20 concurrent callers', async () => {
    const component = makeComponent(api);
    api.component.ticket = 't';
    await component.saveVerifyTicket('t');
    // Issued with 30 s left: inside the 60 s margin, so the next use refreshes it.
    api.component.expiresIn = 30;
    const { authorization_info: info } = await component.queryAuth(api.component.authorize('wx_a'));
    api.component.expiresIn = 7200;
    api.on('POST', '/cgi-bin/message/custom/send', { json: { errcode: 0, errmsg: 'ok' } });
    const client = component.authorizerClient('wx_a');
    const tokens = await Promise.all([
      ...Array.from({ length: 10 }, () => component.authorizerAccessToken('wx_a')),
      ...Array.from({ length: 10 }, async () => {
        await client.sendTextMessage('o', 'x');
        return api.requestsTo('/cgi-bin/message/custom/send').at(-1)?.query.access_token;
      }),
    ]);
    const refreshes = api.requestsTo('/cgi-bin/component/api_authorizer_token');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.query.component_access_token).toMatch(/^component-token-/);
    expect(refreshes[0]?.json).toEqual({
      component_appid: component.appId,
      authorizer_appid: 'wx_a',
      authorizer_refresh_token: info.authorizer_refresh_token,
    });
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(info.authorizer_access_token);
    expect(api.validTokens.has(String(tokens[0]))).toBe(true);

    // The refresh token WeChat returned replaced the old one: the next refresh uses it (the fake
    // refuses an outdated one with 61023).
    const rotated = api.component.refreshTokens.get('wx_a');
    expect(rotated).not.toBe(info.authorizer_refresh_token);
    api.revokeTokens(String(tokens[0]));
    await client.sendTextMessage('o', 'after a rejected token');
    const second = api.requestsTo('/cgi-bin/component/api_authorizer_token');
    expect(second).toHaveLength(2);
    expect(second[1]?.json).toMatchObject({ authorizer_refresh_token: rotated });
    await component.close();
  });

  it('authorizer info, options and the list carry the component token and exact bodies', async () => {
    const component = makeComponent(api);
    api.component.ticket = 't';
    await component.saveVerifyTicket('t');
    await component.queryAuth(api.component.authorize('wx_b'));
    const token = await component.getComponentAccessToken();
    const info = await component.getAuthorizerInfo('wx_b');
    expect(info.authorizer_info.user_name).toBe('gh_wx_b');
    await component.setAuthorizerOption('wx_b', 'voice_recognize', '1');
    expect((await component.getAuthorizerOption('wx_b', 'voice_recognize')).option_value).toBe('1');
    const list = await component.getAuthorizerList(0, 10);
    expect(list.total_count).toBe(1);
    expect(list.list[0]?.authorizer_appid).toBe('wx_b');
    const calls = api.requests.filter(
      (r) =>
        r.path.startsWith('/cgi-bin/component/api_get_authorizer') ||
        r.path === '/cgi-bin/component/api_set_authorizer_option',
    );
    expect(calls.map((r) => [r.path, r.query, r.json])).toEqual([
      [
        '/cgi-bin/component/api_get_authorizer_info',
        { component_access_token: token },
        { component_appid: component.appId, authorizer_appid: 'wx_b' },
      ],
      [
        '/cgi-bin/component/api_set_authorizer_option',
        { component_access_token: token },
        {
          component_appid: component.appId,
          authorizer_appid: 'wx_b',
          option_name: 'voice_recognize',
          option_value: '1',
        },
      ],
      [
        '/cgi-bin/component/api_get_authorizer_option',
        { component_access_token: token },
        {
          component_appid: component.appId,
          authorizer_appid: 'wx_b',
          option_name: 'voice_recognize',
        },
      ],
      [
        '/cgi-bin/component/api_get_authorizer_list',
        { component_access_token: token },
        { component_appid: component.appId, offset: 0, count: 10 },
      ],
    ]);
    await component.close();
  });

  it('a rejected component token is dropped and the call made once more', async () => {
    const component = makeComponent(api);
    api.component.ticket = 't';
    await component.saveVerifyTicket('t');
    const first = await component.getComponentAccessToken();
    api.component.componentTokens.delete(first);
    await component.createPreAuthCode();
    const tokenCalls = api.requestsTo('/cgi-bin/component/api_component_token');
    expect(tokenCalls).toHaveLength(2);
    const preAuth = api.requestsTo('/cgi-bin/component/api_create_preauthcode');
    expect(preAuth.map((r) => r.query.component_access_token)).toEqual([
      first,
      await component.getComponentAccessToken(),
    ]);
    await component.close();
  });

  it('calls for the component and all its authorizers over one keep-alive pool, closed by close()', async () => {
    const component = makeComponent(api, { maxClients: 2 });
    api.component.ticket = 't';
    await component.saveVerifyTicket('t');
    api.on('POST', '/cgi-bin/message/custom/send', { json: { errcode: 0, errmsg: 'ok' } });
    const clients = [];
    let warm = 0;
    for (const appId of ['wx_1', 'wx_2', 'wx_3']) {
      await component.queryAuth(api.component.authorize(appId));
      const client = component.authorizerClient(appId);
      clients.push(client);
      await client.sendTextMessage('o', `from ${appId}`);
      warm ||= api.connections;
    }
    // wx_1's client was dropped when wx_3's was made (maxClients 2): it still works.
    await clients[0]?.sendTextMessage('o', 'from a dropped client');
    expect(api.requestsTo('/cgi-bin/message/custom/send')).toHaveLength(4);
    // The connections the component's first calls opened carry every later call, whichever
    // client makes it (an Agent per client opened one more for each new account).
    expect(api.connections).toBe(warm);
    expect(warm).toBeLessThanOrEqual(2);

    await component.close();
    await expect(clients[1]?.sendTextMessage('o', 'after close')).rejects.toThrow();
    expect(api.requestsTo('/cgi-bin/message/custom/send')).toHaveLength(4);
  });

  it('forgetting an account drops the token it read, not one stored meanwhile', async () => {
    // The token store of every authorizer: a re-authorization stores a new token between the
    // forget's read and its wipe.
    let reauthorize = false;
    class RacingStore extends MemoryTokenStore {
      override async get() {
        const read = await super.get();
        if (reauthorize) await this.set({ token: 'new-token', expiresAt: Date.now() + 7_200_000 });
        return read;
      }
      override sibling() {
        return new RacingStore();
      }
    }
    const stores: RacingStore[] = [];
    const component = makeComponent(api, {
      tokenStore: Object.assign(new RacingStore(), {
        sibling: () => {
          const store = new RacingStore();
          stores.push(store);
          return store;
        },
      }),
    });
    api.component.ticket = 't';
    await component.saveVerifyTicket('t');
    await component.queryAuth(api.component.authorize('wx_gone'));
    const [store] = stores;
    if (!store) throw new Error('no authorizer token store was made');
    expect((await store.get())?.token).not.toBe('new-token');
    reauthorize = true;
    await component.forgetAuthorizer('wx_gone');
    reauthorize = false;
    expect(await store.get()).toMatchObject({ token: 'new-token' });
    expect((await store.get())?.expiresAt).toBeGreaterThan(Date.now());
    await component.close();
  });

  it('makes no new connections once closed, even when closed before its first call', async () => {
    const component = makeComponent(api);
    await component.saveVerifyTicket('t');
    await component.close();
    await expect(component.getComponentAccessToken()).rejects.toThrow();
    await expect(
      component.authorizerClient('wx_late').sendTextMessage('o', 'after close'),
    ).rejects.toThrow();
    expect(api.requests).toHaveLength(0);
  });

  it('keeps at most maxClients authorizer clients', async () => {
    const component = makeComponent(api, { maxClients: 2 });
    const a = component.authorizerClient('wx_1');
    const b = component.authorizerClient('wx_2');
    expect(component.authorizerClient('wx_1')).toBe(a); // wx_1 now the most recent
    const c = component.authorizerClient('wx_3'); // evicts wx_2, the least recent
    expect(component.authorizerClient('wx_1')).toBe(a);
    expect(component.authorizerClient('wx_3')).toBe(c);
    expect(component.authorizerClient('wx_2')).not.toBe(b);
    expect(component.authorizerClient('wx_2').appId).toBe('wx_2');
    expect(() => makeComponent(api, { maxClients: 0 })).toThrow(RangeError);
    await component.close();
  });
});
