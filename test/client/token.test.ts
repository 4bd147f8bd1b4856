import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  type ClientOptions,
  MemoryTokenStore,
  type StoredToken,
  type TokenStore,
  WeChatApiError,
  WeChatTimeoutError,
} from '../../src/core/client/index.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';

let api: FakeWeChatApi;
const clients: Client[] = [];

function makeClient(options: Partial<ClientOptions> = {}, Ctor: typeof Client = Client): Client {
  const client = new Ctor({
    appId: 'wx-app',
    appSecret: 'wx-secret',
    baseUrl: api.url,
    ...options,
  });
  clients.push(client);
  return client;
}

beforeEach(async () => {
  api = await startFakeWeChatApi();
  api.on('GET', '/cgi-bin/getcallbackip', { json: { ip_list: ['127.0.0.1'] } });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await api.close();
});

const ipCalls = () => api.requestsTo('/cgi-bin/getcallbackip');

describe('caching', () => {
  it('reuses a token with more than 60 s left', async () => {
    const store = new MemoryTokenStore();
    await store.set({ token: 'cached', expiresAt: Date.now() + 61_000 });
    api.validTokens.add('cached');
    const client = makeClient({ tokenStore: store });
    await client.getIpList();
    expect(api.tokenRequests()).toHaveLength(0);
    expect(ipCalls()[0]!.query.access_token).toBe('cached');
  });

  it('refreshes a token within 60 s of expiry and stores the new expiry', async () => {
    const store = new MemoryTokenStore();
    await store.set({ token: 'old', expiresAt: Date.now() + 59_000 });
    const client = makeClient({ tokenStore: store });
    const before = Date.now();
    await client.getIpList();
    expect(api.tokenRequests()).toHaveLength(1);
    expect(ipCalls()[0]!.query.access_token).toBe('token-1');
    const stored = await store.get();
    expect(stored?.token).toBe('token-1');
    expect(stored!.expiresAt).toBeGreaterThanOrEqual(before + 7_200_000);
    expect(stored!.expiresAt).toBeLessThanOrEqual(Date.now() + 7_200_000);
  });
});

describe('single flight', () => {
  it('100 concurrent calls with an expired token make one token request', async () => {
    const store = new MemoryTokenStore();
    await store.set({ token: 'expired', expiresAt: Date.now() - 1000 });
    // A slow token endpoint keeps the refresh in flight while all callers arrive.
    api.on('GET', '/cgi-bin/token', () => {
      api.validTokens.add('token-slow');
      return { delay: 100, json: { access_token: 'token-slow', expires_in: 7200 } };
    });
    const client = makeClient({ tokenStore: store });
    const results = await Promise.all(Array.from({ length: 100 }, () => client.getIpList()));
    expect(results).toHaveLength(100);
    expect(api.tokenRequests()).toHaveLength(1);
    expect(ipCalls()).toHaveLength(100);
    expect(new Set(ipCalls().map((r) => r.query.access_token))).toEqual(new Set(['token-slow']));
  });

  it("a call's { timeout } bounds the token fetch it triggers; the refresh still lands", async () => {
    api.on('GET', '/cgi-bin/token', async () => {
      api.validTokens.add('slow-token');
      return { json: { access_token: 'slow-token', expires_in: 7200 }, delay: 1500 };
    });
    const client = makeClient({ timeout: 10_000 });
    const started = Date.now();
    const error = await client.getIpList({ timeout: 300 }).catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(WeChatTimeoutError);
    expect(error).toMatchObject({ timeout: 300, api: '/cgi-bin/getcallbackip' });
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(1000);
    expect(ipCalls()).toHaveLength(0);
    // The refresh goes on: the next call uses its token without asking again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await expect(client.getIpList({ timeout: 300 })).resolves.toMatchObject({
      ip_list: ['127.0.0.1'],
    });
    expect(api.tokenRequests()).toHaveLength(1);
  });

  it('a failed refresh rejects every waiting caller, and the next call tries again', async () => {
    let attempts = 0;
    api.on('GET', '/cgi-bin/token', () => {
      attempts++;
      if (attempts === 1) return { delay: 50, json: { errcode: 40013, errmsg: 'invalid appid' } };
      api.validTokens.add('token-ok');
      return { json: { access_token: 'token-ok', expires_in: 7200 } };
    });
    const client = makeClient();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => client.getIpList()));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const reason = (results[0] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(WeChatApiError);
    expect(reason).toMatchObject({ errcode: 40013, api: '/cgi-bin/token' });
    expect(attempts).toBe(1);
    await client.getIpList();
    expect(attempts).toBe(2);
  });

  it('clients sharing a store with a lock make one token request between them', async () => {
    const inner = new MemoryTokenStore();
    let locked = Promise.resolve();
    let lockCalls = 0;
    const shared: TokenStore = {
      get: () => inner.get(),
      set: (value) => inner.set(value),
      // A mutex standing in for a cross-process lock (e.g. Redis SET NX).
      lock<T>(fn: () => Promise<T>): Promise<T> {
        lockCalls++;
        const run = locked.then(fn);
        locked = run.then(
          () => undefined,
          () => undefined,
        );
        return run;
      },
    };
    api.on('GET', '/cgi-bin/token', () => {
      api.validTokens.add('shared');
      return { delay: 30, json: { access_token: 'shared', expires_in: 7200 } };
    });
    const a = makeClient({ tokenStore: shared });
    const b = makeClient({ tokenStore: shared });
    await Promise.all([a.getIpList(), b.getIpList(), a.getIpList(), b.getIpList()]);
    expect(api.tokenRequests()).toHaveLength(1);
    expect(lockCalls).toBe(2); // one refresh per process, the second finds the token stored
  });
});

describe('invalid token: drop, refresh, retry once', () => {
  it.each([40001, 40014, 42001])('retries once after errcode %i and succeeds', async (errcode) => {
    let calls = 0;
    api.on('GET', '/cgi-bin/getcallbackip', () => {
      calls++;
      return calls === 1
        ? { json: { errcode, errmsg: 'invalid credential' } }
        : { json: { ip_list: ['10.0.0.1'] } };
    });
    const client = makeClient();
    const result = await client.getIpList();
    expect(result).toEqual({ ip_list: ['10.0.0.1'] });
    expect(ipCalls().map((r) => r.query.access_token)).toEqual(['token-1', 'token-2']);
    expect(api.tokenRequests()).toHaveLength(2);
  });

  it('retries a POST once too (WeChat rejected it without acting)', async () => {
    api.on('POST', '/cgi-bin/message/custom/send', { json: { errcode: 0, errmsg: 'ok' } });
    const client = makeClient();
    await client.getAccessToken();
    api.revokeTokens('token-1'); // the fake now answers 40001 to token-1
    await client.sendTextMessage('OPENID', 'hi');
    const sends = api.requestsTo('/cgi-bin/message/custom/send');
    expect(sends.map((r) => r.query.access_token)).toEqual(['token-1', 'token-2']);
    expect(sends[1]!.json).toEqual(sends[0]!.json);
  });

  it('does not retry twice: a second invalid-token answer is thrown', async () => {
    api.on('GET', '/cgi-bin/getcallbackip', {
      json: { errcode: 40001, errmsg: 'invalid credential' },
    });
    const client = makeClient();
    const error = await client.getIpList().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).toMatchObject({ errcode: 40001, api: '/cgi-bin/getcallbackip' });
    expect(ipCalls()).toHaveLength(2);
    expect(api.tokenRequests()).toHaveLength(2);
  });

  it('does not retry on other errcodes', async () => {
    api.on('GET', '/cgi-bin/getcallbackip', {
      json: { errcode: 48001, errmsg: 'api unauthorized' },
    });
    const client = makeClient();
    await expect(client.getIpList()).rejects.toMatchObject({ errcode: 48001 });
    expect(ipCalls()).toHaveLength(1);
    expect(api.tokenRequests()).toHaveLength(1);
  });

  it.each([
    ['a store with invalidate()', () => new MemoryTokenStore()],
    [
      'a store with only get/set (compare done by the client)',
      (): TokenStore => {
        let value: StoredToken | undefined;
        return {
          get: async () => value,
          set: async (v) => {
            value = v;
          },
        };
      },
    ],
  ])(
    'compare-and-swap with %s: a newer token stored meanwhile survives',
    async (_name, makeStore) => {
      const store = makeStore();
      const client = makeClient({ tokenStore: store });
      await client.getAccessToken(); // token-1
      let calls = 0;
      api.on('GET', '/cgi-bin/getcallbackip', async () => {
        calls++;
        if (calls === 1) {
          // Another process refreshed while this call was in flight.
          api.validTokens.add('other-process');
          await store.set({ token: 'other-process', expiresAt: Date.now() + 7_200_000 });
          return { json: { errcode: 40001, errmsg: 'invalid credential' } };
        }
        return { json: { ip_list: [] } };
      });
      await client.getIpList();
      expect(ipCalls().map((r) => r.query.access_token)).toEqual(['token-1', 'other-process']);
      expect(api.tokenRequests()).toHaveLength(1); // no refresh of our own: the newer token was kept
      expect((await store.get())?.token).toBe('other-process');
    },
  );

  it('compare-and-swap drops the failed token when it is still the stored one', async () => {
    const store = new MemoryTokenStore();
    const client = makeClient({ tokenStore: store });
    await client.getAccessToken();
    api.revokeTokens();
    await client.getIpList();
    expect((await store.get())?.token).toBe('token-2');
  });
});

describe('stable_token', () => {
  it('gets tokens with POST /cgi-bin/stable_token', async () => {
    const client = makeClient({ useStableToken: true });
    await client.getIpList();
    const [req] = api.tokenRequests();
    expect(api.tokenRequests()).toHaveLength(1);
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/cgi-bin/stable_token');
    expect(req!.query).toEqual({});
    expect(req!.json).toEqual({
      grant_type: 'client_credential',
      appid: 'wx-app',
      secret: 'wx-secret',
      force_refresh: false,
    });
    expect(ipCalls()[0]!.query.access_token).toBe('stable-1');
  });

  it('grantToken(true) asks for a forced refresh', async () => {
    const client = makeClient({ useStableToken: true });
    const result = await client.grantToken(true);
    expect(result).toEqual({ access_token: 'stable-1', expires_in: 7200 });
    expect((api.tokenRequests()[0]!.json as { force_refresh: boolean }).force_refresh).toBe(true);
  });
});

describe('overriding getAccessToken (seed Q&A 17.1)', () => {
  it('every call uses the subclass token', async () => {
    let asked = 0;
    class MyClient extends Client {
      override async getAccessToken(): Promise<string> {
        asked++;
        return 'my-own-token';
      }
    }
    api.validTokens.add('my-own-token');
    api.on('POST', '/cgi-bin/menu/create', { json: { errcode: 0, errmsg: 'ok' } });
    const client = makeClient({}, MyClient);
    await client.getIpList();
    await client.createMenu({ button: [] });
    expect(asked).toBe(2);
    expect(api.tokenRequests()).toHaveLength(0);
    expect(api.requests.map((r) => r.query.access_token)).toEqual(['my-own-token', 'my-own-token']);
  });

  it('an override that delegates to super keeps caching', async () => {
    class LoggingClient extends Client {
      seen: string[] = [];
      override async getAccessToken(): Promise<string> {
        const token = await super.getAccessToken();
        this.seen.push(token);
        return token;
      }
    }
    const client = makeClient({}, LoggingClient) as LoggingClient;
    await client.getIpList();
    await client.getIpList();
    expect(client.seen).toEqual(['token-1', 'token-1']);
    expect(api.tokenRequests()).toHaveLength(1);
  });
});
