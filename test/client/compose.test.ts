import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AREAS } from '../../src/core/client/client.js';
import type { ApiCaller, CallSpec } from '../../src/core/client/core.js';
import { Client, type ClientOptions, type WeChatResult } from '../../src/core/client/index.js';
import { MenuApi } from '../../src/core/client/menu.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';

// Client is composed of independent area classes (see client.ts); these tests check that the
// composition is invisible from outside: same methods, same subclassing, same lifecycle.

const OK = { errcode: 0, errmsg: 'ok' };
let api: FakeWeChatApi;
const clients: Client[] = [];

function makeClient<C extends Client>(
  Ctor: new (options: ClientOptions) => C,
  options: Partial<ClientOptions> = {},
): C {
  const client = new Ctor({
    appId: 'wx-app',
    appSecret: 'wx-secret',
    baseUrl: api.url,
    mpBaseUrl: api.url,
    ...options,
  });
  clients.push(client);
  return client;
}

beforeEach(async () => {
  api = await startFakeWeChatApi();
  api.on('POST', '/cgi-bin/menu/create', { json: OK });
  api.on('POST', '/cgi-bin/message/custom/send', { json: OK });
  api.on('POST', '/cgi-bin/tags/create', { json: { tag: { id: 100, name: 't' } } });
  api.on('POST', '/cgi-bin/media/upload', {
    json: { type: 'image', media_id: 'M', created_at: 1 },
  });
  api.on('POST', '/cgi-bin/material/get_material', {
    body: Buffer.from('jpeg'),
    headers: { 'content-type': 'image/jpeg' },
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await api.close();
});

/** One call through each of several areas: JSON, customer-service message, upload, download. */
async function callSeveralAreas(client: Client): Promise<void> {
  await client.createMenu({ button: [] });
  await client.sendTextMessage('OPENID', 'hi');
  await client.createTag('t');
  await client.uploadMedia('image', Buffer.from('jpeg'), { filename: 'a.jpg' });
  await client.downloadPermanentMedia('P');
}

describe('the composed Client', () => {
  it('has every area method on its prototype, non-enumerable like a class method', () => {
    for (const Area of AREAS) {
      for (const name of Object.getOwnPropertyNames(Area.prototype)) {
        if (name === 'constructor') continue;
        const descriptor = Object.getOwnPropertyDescriptor(Client.prototype, name);
        expect(typeof descriptor?.value, name).toBe('function');
        expect(descriptor?.enumerable, name).toBe(false);
        expect(descriptor?.value.name).toBe(name);
      }
    }
  });

  it('is an instance of Client, and of a subclass', () => {
    class MyClient extends Client {}
    const client = makeClient(MyClient);
    expect(client).toBeInstanceOf(Client);
    expect(client).toBeInstanceOf(MyClient);
  });

  it('keeps each client to its own token and server', async () => {
    const other = await startFakeWeChatApi();
    try {
      other.on('POST', '/cgi-bin/menu/create', { json: OK });
      const a = makeClient(Client);
      const b = makeClient(Client, { baseUrl: other.url, appId: 'wx-other' });
      await a.createMenu({ button: [] });
      await b.createMenu({ button: [] });
      expect(api.requestsTo('/cgi-bin/menu/create')).toHaveLength(1);
      expect(other.requestsTo('/cgi-bin/menu/create')).toHaveLength(1);
      expect(other.tokenRequests()[0]!.query.appid).toBe('wx-other');
    } finally {
      await other.close();
    }
  });

  it('close() closes, twice is fine, and a call after it fails', async () => {
    const client = makeClient(Client);
    await client.createMenu({ button: [] });
    await client.close();
    await client.close();
    await expect(client.createMenu({ button: [] })).rejects.toThrow();
  });
});

describe('the documented custom token storage (Client TSDoc)', () => {
  /** The `myCache` of the TSDoc example. */
  const myCache = new Map<string, string>();
  class MyClient extends Client {
    override async getAccessToken(): Promise<string> {
      return myCache.get('token') ?? super.getAccessToken();
    }
  }
  afterEach(() => myCache.clear());

  it('every area gets its token from the override', async () => {
    myCache.set('token', 'cached-token');
    api.validTokens.add('cached-token');
    await callSeveralAreas(makeClient(MyClient));
    expect(api.tokenRequests()).toHaveLength(0);
    const tokens = api.requests.map((r) => r.query.access_token);
    expect(tokens).toEqual(Array(5).fill('cached-token'));
  });

  it('falls back to super, which caches, when the cache is empty', async () => {
    await callSeveralAreas(makeClient(MyClient));
    expect(api.tokenRequests()).toHaveLength(1);
    const calls = api.requests.filter((r) => r.path !== '/cgi-bin/token');
    expect(calls.map((r) => r.query.access_token)).toEqual(Array(5).fill('token-1'));
  });
});

describe('subclasses', () => {
  it('may override an area method and call super', async () => {
    class Audited extends Client {
      readonly log: string[] = [];
      override async createMenu(...args: Parameters<Client['createMenu']>): Promise<WeChatResult> {
        this.log.push('createMenu');
        return super.createMenu(...args);
      }
    }
    const client = makeClient(Audited);
    expect(await client.createMenu({ button: [] })).toEqual(OK);
    expect(client.log).toEqual(['createMenu']);
    expect(api.requestsTo('/cgi-bin/menu/create')).toHaveLength(1);
  });
});

describe('an area alone', () => {
  it('needs only an ApiCaller', async () => {
    const specs: CallSpec[] = [];
    const caller: ApiCaller = {
      call: async <T>(spec: CallSpec) => {
        specs.push(spec);
        return OK as T;
      },
      download: () => Promise.reject(new Error('unused')),
      upload: () => Promise.reject(new Error('unused')),
    };
    const menus = new MenuApi(caller);
    expect(await menus.deleteCustomMenu('42', { timeout: 100 })).toEqual(OK);
    expect(specs).toEqual([
      {
        method: 'POST',
        path: '/cgi-bin/menu/delconditional',
        body: { menuid: '42' },
        timeout: 100,
      },
    ]);
  });
});
