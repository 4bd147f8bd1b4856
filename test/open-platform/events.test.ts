import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { componentEvents } from '../../middleware/component-events.js';
import type { Component } from '../../src/core/open-platform/component.js';
import { parseComponentEvent } from '../../src/core/open-platform/events.js';
import { recordingLogger } from '../middleware/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { aesEncrypt, sha1Sorted } from '../support/safe-mode.js';
import {
  authorizedXml,
  COMPONENT_AES_KEY,
  COMPONENT_TOKEN,
  eventPush,
  makeComponent,
  post,
  serveStage,
  ticketXml,
} from './helpers.js';

let api: FakeWeChatApi;
let component: Component;
let server: { url: string; close(): Promise<void> };
let logger: ReturnType<typeof recordingLogger>;
const calls: string[] = [];

beforeAll(async () => {
  api = await startFakeWeChatApi();
  component = makeComponent(api);
  logger = recordingLogger();
  server = await serveStage(
    componentEvents({
      component,
      logger,
      onAuthorized: (event) => {
        calls.push(`authorized ${event.authorizerAppId}`);
        throw new Error('database down');
      },
      onUpdateAuthorized: (event) => {
        calls.push(`${event.infoType} ${event.authorizerAppId}`);
      },
      onOther: (event) => {
        calls.push(`other ${event.type}`);
      },
    }),
  );
});
afterEach(() => {
  calls.length = 0;
  logger.entries.length = 0;
});
afterAll(async () => {
  await server.close();
  await component.close();
  await api.close();
});

const appId = () => component.appId;

describe('componentEvents refuses what is not WeChat', () => {
  it('a bad signature: 403, nothing stored', async () => {
    const push = eventPush(ticketXml(appId(), 'forged'), {
      appId: appId(),
      overrides: { signature: 'f'.repeat(40) },
    });
    const res = await post(server.url, push);
    expect(res.status).toBe(403);
    expect(await component.getVerifyTicket()).toBeUndefined();
    expect(logger.entries.map((e) => e.msg)).toEqual(['zgrobot: refused an authorization event']);
  });

  it('a missing signature, or a token other than the component’s: 403', async () => {
    const { query, body } = eventPush(ticketXml(appId(), 'x'), { appId: appId() });
    const unsigned = new URLSearchParams(query);
    unsigned.delete('signature');
    expect((await post(server.url, { query: unsigned.toString(), body })).status).toBe(403);
    const other = eventPush(ticketXml(appId(), 'x'), { appId: appId(), token: 'other_token' });
    expect((await post(server.url, other)).status).toBe(403);
    expect(await component.getVerifyTicket()).toBeUndefined();
  });

  it('a bad msg_signature: 403', async () => {
    const push = eventPush(ticketXml(appId(), 'x'), {
      appId: appId(),
      overrides: { msg_signature: '0'.repeat(40) },
    });
    expect((await post(server.url, push)).status).toBe(403);
    expect(await component.getVerifyTicket()).toBeUndefined();
  });

  it('a stale timestamp, correctly signed: 403', async () => {
    const xml = ticketXml(appId(), 'x');
    const encrypt = aesEncrypt(xml, COMPONENT_AES_KEY, appId());
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    const push = eventPush(xml, {
      appId: appId(),
      encrypt,
      overrides: {
        timestamp: stale,
        nonce: '42',
        signature: sha1Sorted(COMPONENT_TOKEN, stale, '42'),
        msg_signature: sha1Sorted(COMPONENT_TOKEN, stale, '42', encrypt),
      },
    });
    expect((await post(server.url, push)).status).toBe(403);
    expect(await component.getVerifyTicket()).toBeUndefined();
  });

  it('broken ciphertext (signed correctly): 400', async () => {
    const push = eventPush('', { appId: appId(), encrypt: 'bm90IGEgY2lwaGVydGV4dA==' });
    const res = await post(server.url, push);
    expect(res.status).toBe(400);
    expect(await component.getVerifyTicket()).toBeUndefined();
  });

  it('encrypted for another AppID: 400', async () => {
    const push = eventPush(ticketXml('wx_other', 'x'), {
      appId: appId(),
      encrypt: aesEncrypt(ticketXml('wx_other', 'x'), COMPONENT_AES_KEY, 'wx_other'),
    });
    expect((await post(server.url, push)).status).toBe(400);
  });

  it('no <Encrypt>, or not an authorization event: 400', async () => {
    const noEncrypt = eventPush(ticketXml(appId(), 'x'), { appId: appId() });
    const plain = {
      query: noEncrypt.query,
      body: `<xml><AppId>${appId()}</AppId></xml>`,
    };
    expect((await post(server.url, plain)).status).toBe(400);
    const malformed = eventPush(`<xml><AppId>${appId()}</AppId><CreateTime>1</CreateTime></xml>`, {
      appId: appId(),
    });
    expect((await post(server.url, malformed)).status).toBe(400);
    const notXml = eventPush('not xml at all <', { appId: appId() });
    expect((await post(server.url, notXml)).status).toBe(400);
  });

  it('only POST', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(405);
  });

  it('a body still trickling in after bodyTimeout: 408 and the connection dropped', async () => {
    const slow = await serveStage(componentEvents({ component, logger, bodyTimeout: 300 }));
    try {
      const { query } = eventPush(ticketXml(component.appId, 'never'), { appId: component.appId });
      const url = new URL(slow.url);
      const socket = connect(Number(url.port), '127.0.0.1');
      socket.on('error', () => {});
      let answer = '';
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString();
      });
      const timer = setInterval(() => socket.writable && socket.write('x'), 100);
      socket.write(
        `POST ${url.pathname}?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000\r\n\r\n<xml>`,
      );
      const started = Date.now();
      await once(socket, 'close');
      clearInterval(timer);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(Date.now() - started).toBeLessThan(2_000); // the default would wait 10 s
    } finally {
      await slow.close();
    }
  });
});

describe('componentEvents answers success whatever its handlers do', () => {
  it('a handler that throws is logged; the answer is still success', async () => {
    const push = eventPush(authorizedXml(appId(), 'wx_acc', 'code-1'), { appId: appId() });
    const res = await post(server.url, push);
    expect(res).toEqual({ status: 200, text: 'success' });
    expect(calls).toEqual(['authorized wx_acc']);
    const failed = logger.entries.filter((e) => e.level === 'error');
    expect(failed.map((e) => e.msg)).toEqual([
      'zgrobot: an authorization event handler failed; answered success',
    ]);
    expect(failed[0]?.err).toMatchObject({ message: 'database down' });
    expect(failed[0]?.fields.infoType).toBe('authorized');
  });

  it('updateauthorized and unknown InfoTypes reach their handlers', async () => {
    await post(
      server.url,
      eventPush(authorizedXml(appId(), 'wx_acc', 'code-2', 'updateauthorized'), {
        appId: appId(),
      }),
    );
    const other = `<xml><AppId>${appId()}</AppId><CreateTime>1700000000</CreateTime><InfoType>notify_third_fasteregister</InfoType><status>0</status></xml>`;
    const res = await post(server.url, eventPush(other, { appId: appId() }));
    expect(res).toEqual({ status: 200, text: 'success' });
    expect(calls).toEqual(['updateauthorized wx_acc', 'other notify_third_fasteregister']);
  });
});

describe('parseComponentEvent', () => {
  it('types the fields of each InfoType', () => {
    const event = parseComponentEvent(authorizedXml('wx_c', 'wx_a', 'code', 'authorized', '17'));
    expect(event).toEqual({
      infoType: 'authorized',
      componentAppId: 'wx_c',
      createTime: 17,
      authorizerAppId: 'wx_a',
      authorizationCode: 'code',
      expiredTime: 1700003600,
      preAuthCode: 'preauth-x',
      fields: {
        AppId: 'wx_c',
        CreateTime: '17',
        InfoType: 'authorized',
        AuthorizerAppid: 'wx_a',
        AuthorizationCode: 'code',
        AuthorizationCodeExpiredTime: '1700003600',
        PreAuthCode: 'preauth-x',
      },
    });
  });

  it('refuses an event without the fields its InfoType needs', () => {
    expect(() =>
      parseComponentEvent(
        '<xml><AppId>a</AppId><CreateTime>1</CreateTime><InfoType>authorized</InfoType></xml>',
      ),
    ).toThrow(/AuthorizerAppid/);
    expect(() =>
      parseComponentEvent(
        '<xml><AppId>a</AppId><CreateTime>soon</CreateTime><InfoType>unauthorized</InfoType></xml>',
      ),
    ).toThrow(/CreateTime/);
  });
});
