import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  type ClientOptions,
  WeChatApiError,
  WeChatNetworkError,
  WeChatResponseError,
  WeChatTimeoutError,
} from '../../src/core/client/index.js';
import { WechatError } from '../../src/core/errors.js';
import { recordingLogger } from '../middleware/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';

let api: FakeWeChatApi;
const clients: Client[] = [];

function makeClient(options: Partial<ClientOptions> = {}): Client {
  const client = new Client({
    appId: 'wx-app',
    appSecret: 'wx-secret',
    baseUrl: api.url,
    retryDelay: 5,
    ...options,
  });
  clients.push(client);
  return client;
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeEach(async () => {
  api = await startFakeWeChatApi();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await api.close();
});

describe('WeChat errors', () => {
  it('a non-zero errcode throws WeChatApiError { errcode, errmsg, api }', async () => {
    api.on('POST', '/cgi-bin/menu/create', {
      body: '{"errcode":40018,"errmsg":"invalid button name size"}',
      headers: { 'content-type': 'text/plain' },
    });
    const error = await makeClient()
      .createMenu({ button: [{ type: 'click', name: 'x'.repeat(40), key: 'k' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).toBeInstanceOf(WechatError);
    expect(error).toMatchObject({
      name: 'WeChatApiError',
      errcode: 40018,
      errmsg: 'invalid button name size',
      api: '/cgi-bin/menu/create',
      expose: false,
    });
    expect((error as Error).message).toContain('40018');
  });

  it('errcode 0 is success', async () => {
    api.on('GET', '/cgi-bin/menu/delete', { json: { errcode: 0, errmsg: 'ok' } });
    await expect(makeClient().deleteMenu()).resolves.toEqual({ errcode: 0, errmsg: 'ok' });
  });

  it('a token endpoint error is thrown from the call that needed the token', async () => {
    api.on('GET', '/cgi-bin/token', { json: { errcode: 40125, errmsg: 'invalid appsecret' } });
    api.on('GET', '/cgi-bin/menu/get', { json: {} });
    await expect(makeClient().getMenu()).rejects.toMatchObject({
      errcode: 40125,
      api: '/cgi-bin/token',
    });
    expect(api.requestsTo('/cgi-bin/menu/get')).toHaveLength(0);
  });
});

describe('answers that are not WeChat JSON', () => {
  it('an HTML page throws WeChatResponseError with the status', async () => {
    api.on('GET', '/cgi-bin/menu/get', {
      status: 502,
      body: '<html><body>Bad Gateway</body></html>',
      headers: { 'content-type': 'text/html' },
    });
    const error = await makeClient()
      .getMenu()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatResponseError);
    expect(error).toMatchObject({ httpStatus: 502, api: '/cgi-bin/menu/get' });
    expect((error as Error).message).toContain('not JSON');
    expect((error as WeChatResponseError).body).toContain('Bad Gateway');
  });

  it('malformed JSON with status 200 throws WeChatResponseError', async () => {
    api.on('GET', '/cgi-bin/menu/get', { body: '{"menu": {' });
    await expect(makeClient().getMenu()).rejects.toBeInstanceOf(WeChatResponseError);
  });

  it('an HTTP error status with a JSON body without errcode throws WeChatResponseError', async () => {
    api.on('GET', '/cgi-bin/menu/get', { status: 500, json: { message: 'internal' } });
    await expect(makeClient().getMenu()).rejects.toMatchObject({
      name: 'WeChatResponseError',
      httpStatus: 500,
    });
  });

  it('a JSON array is not a WeChat answer', async () => {
    api.on('GET', '/cgi-bin/menu/get', { json: [1, 2] });
    await expect(makeClient().getMenu()).rejects.toBeInstanceOf(WeChatResponseError);
  });

  it('a download with an HTTP error status throws', async () => {
    api.on('GET', '/cgi-bin/media/get', { status: 404, body: 'not found' });
    await expect(makeClient().downloadMedia('M')).rejects.toMatchObject({
      name: 'WeChatResponseError',
      httpStatus: 404,
    });
  });
});

describe('network failures', () => {
  it('connection refused throws WeChatNetworkError (after the GET retries)', async () => {
    const port = await closedPort();
    const client = makeClient({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await client.grantToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatNetworkError);
    expect(error).toBeInstanceOf(WechatError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', api: '/cgi-bin/token' });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('a GET is retried with backoff after a dropped connection', async () => {
    let calls = 0;
    api.on('GET', '/cgi-bin/menu/get', () => {
      calls++;
      return calls < 3 ? { destroy: true } : { json: { menu: { button: [] } } };
    });
    const client = makeClient({ retries: 2 });
    await client.getAccessToken();
    await expect(client.getMenu()).resolves.toEqual({ menu: { button: [] } });
    expect(api.requestsTo('/cgi-bin/menu/get')).toHaveLength(3);
  });

  it('reports retries and token refreshes to the logger', async () => {
    const logger = recordingLogger();
    let calls = 0;
    api.on('GET', '/cgi-bin/menu/get', () =>
      ++calls === 1 ? { destroy: true } : { json: { menu: { button: [] } } },
    );
    await makeClient({ logger }).getMenu();
    expect(logger.entries[0]).toMatchObject({
      level: 'debug',
      msg: expect.stringMatching(/new WeChat access token/),
      fields: { account: 'wx-app' },
    });
    const retry = logger.entries.find((e) => e.level === 'warn');
    expect(retry?.msg).toMatch(/WeChat API call failed, retrying/);
    // Every line names the account; the error itself goes under `err`.
    expect(retry?.fields).toMatchObject({
      account: 'wx-app',
      api: '/cgi-bin/menu/get',
      code: 'UND_ERR_SOCKET',
      retry: 1,
    });
    expect(retry?.err).toBeInstanceOf(Error);
  });

  it('a closed client fails at once, without retrying', async () => {
    const client = makeClient({ retries: 3, retryDelay: 1000 });
    await client.getAccessToken();
    await client.close();
    const started = Date.now();
    await expect(client.getMenu()).rejects.toBeInstanceOf(WeChatNetworkError);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('a GET gives up after `retries` retries', async () => {
    api.on('GET', '/cgi-bin/menu/get', { destroy: true });
    const client = makeClient({ retries: 2 });
    await client.getAccessToken();
    await expect(client.getMenu()).rejects.toBeInstanceOf(WeChatNetworkError);
    expect(api.requestsTo('/cgi-bin/menu/get')).toHaveLength(3);
  });

  it('a POST that may have reached WeChat is never resent', async () => {
    api.on('POST', '/cgi-bin/message/custom/send', { destroy: true });
    const client = makeClient({ retries: 5 });
    await client.getAccessToken();
    const error = await client.sendTextMessage('OPENID', 'once only').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatNetworkError);
    expect(api.requestsTo('/cgi-bin/message/custom/send')).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('a call slower than the timeout throws WeChatTimeoutError', async () => {
    api.on('GET', '/cgi-bin/menu/get', { delay: 1000, json: {} });
    const client = makeClient({ timeout: 100 });
    await client.getAccessToken();
    const started = Date.now();
    const error = await client.getMenu().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatTimeoutError);
    expect(error).toMatchObject({ timeout: 100, api: '/cgi-bin/menu/get' });
    expect(Date.now() - started).toBeLessThan(900);
    expect(api.requestsTo('/cgi-bin/menu/get')).toHaveLength(1); // a timeout is not retried
  });

  it('the per-call timeout overrides the client default', async () => {
    api.on('POST', '/cgi-bin/message/custom/send', { delay: 1000, json: { errcode: 0 } });
    const client = makeClient({ timeout: 10_000 });
    await client.getAccessToken();
    await expect(
      client.sendTextMessage('O', 'hi', undefined, { timeout: 50 }),
    ).rejects.toMatchObject({
      name: 'WeChatTimeoutError',
      timeout: 50,
    });
  });
});

describe('transport', () => {
  it('keeps connections alive across calls', async () => {
    api.on('GET', '/cgi-bin/menu/get', { json: { menu: { button: [] } } });
    const client = makeClient();
    await client.getMenu();
    const warm = api.connections;
    for (let i = 0; i < 10; i++) await client.getMenu();
    expect(api.requests).toHaveLength(12);
    expect(api.connections).toBe(warm); // no new connection per call
    expect(warm).toBeLessThanOrEqual(2);
  });

  it('accepts a base URL with a trailing slash', async () => {
    api.on('GET', '/cgi-bin/menu/get', { json: { menu: { button: [] } } });
    await makeClient({ baseUrl: `${api.url}/` }).getMenu();
    expect(api.requestsTo('/cgi-bin/menu/get')).toHaveLength(1);
  });

  it('uses a dispatcher passed in, and leaves closing it to its owner', async () => {
    const { Agent } = await import('undici');
    const agent = new Agent();
    let dispatched = 0;
    const counting = agent.compose((dispatch) => (opts, handler) => {
      dispatched++;
      return dispatch(opts, handler);
    });
    api.on('GET', '/cgi-bin/menu/get', { json: { menu: { button: [] } } });
    const client = makeClient({ dispatcher: counting });
    await client.getMenu();
    await client.close();
    expect(dispatched).toBe(2);
    expect(agent.closed).toBe(false);
    await agent.close();
  });

  it('needs appId and appSecret', () => {
    expect(() => new Client({ appId: '', appSecret: 's' })).toThrow(/appId and appSecret/);
  });
});
