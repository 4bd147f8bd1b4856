import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorBoundary } from '../../middleware/error-boundary.js';
import { pipeline } from '../../middleware/pipeline.js';
import { Router } from '../../middleware/routes.js';
import { InvalidEncodingAESKeyError, WechatError, XmlParseError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { MemoryStorage } from '../../src/core/session/memory.js';
import { encryptedRequest } from '../support/safe-mode.js';
import { AES_KEY, APP_ID, eventXml, signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { appOf, botApp, expectNoStackTrace, readReply, recordingLogger } from './helpers.js';

describe('pipeline()', () => {
  it('a malformed EncodingAESKey throws when the pipeline is built', () => {
    expect(() =>
      pipeline({ token: TOKEN, routes: new Router(), appId: APP_ID, encodingAESKey: 'short' }),
    ).toThrow(InvalidEncodingAESKeyError);
  });

  it('all stages together: verify, decrypt, parse, session, router, render, encrypt', async () => {
    const storage = new MemoryStorage();
    const routes = new Router().text((ctx) => {
      const n = (Number(ctx.wechat.session.n) || 0) + 1;
      ctx.wechat.session.n = n;
      return `${ctx.wechat.message.content} #${n}`;
    });
    const app = botApp({
      routes,
      token: TOKEN,
      appId: APP_ID,
      encodingAESKey: AES_KEY,
      // A plaintext and an encrypted message to one bot: 兼容模式.
      encryptMode: 'compatible',
      sessionStorage: storage,
    });
    const plain = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('a'));
    expect(readReply(plain.text).Content).toBe('a #1');
    const enc = encryptedRequest(textXml('b'), {
      token: TOKEN,
      encodingAESKey: AES_KEY,
      appId: APP_ID,
    });
    const secret = await request(app.callback()).post(`/?${enc.query}`).send(enc.body);
    expect(readReply(secret.text)).toHaveProperty('Encrypt');
    expect(await storage.get('gh_account:user_openid')).toEqual({ n: 2 });
  });
});

describe('never a stack trace, never a 500', () => {
  const throwing = new Router()
    .filter('throw', () => {
      const error = new Error('secret failure');
      error.stack = `Error: secret failure\n    at handler (/work/main/src/secret.ts:10:5)`;
      throw error;
    })
    .filter('bad value', () => Symbol('nope') as never)
    .filter('wechat error', () => {
      throw new WechatError('internal detail', { status: 500 });
    })
    .filter('expose false', () => {
      throw new XmlParseError('should not leak? it is a 400, exposed');
    })
    .text(() => 'ok');

  const cases: [string, (app: ReturnType<typeof botApp>) => request.Test][] = [
    ['bad signature', (app) => request(app.callback()).post('/?signature=x').send(textXml('x'))],
    ['malformed XML', (app) => request(app.callback()).post(`/?${signedQuery()}`).send('<xml><a>')],
    [
      'DOCTYPE',
      (app) =>
        request(app.callback())
          .post(`/?${signedQuery()}`)
          .send('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>&e;</xml>'),
    ],
    ['empty body', (app) => request(app.callback()).post(`/?${signedQuery()}`).send('')],
    [
      'body too large',
      (app) =>
        request(app.callback())
          .post(`/?${signedQuery()}`)
          .send(textXml('x'.repeat(2 * 1024 * 1024))),
    ],
    [
      'encrypted without a key',
      (app) =>
        request(app.callback())
          .post(`/?${signedQuery(TOKEN, { encrypt_type: 'aes', msg_signature: 'x' })}`)
          .send('<xml><Encrypt>abc</Encrypt></xml>'),
    ],
    [
      'handler throws',
      (app) => request(app.callback()).post(`/?${signedQuery()}`).send(textXml('throw')),
    ],
    [
      'handler returns a non-reply',
      (app) => request(app.callback()).post(`/?${signedQuery()}`).send(textXml('bad value')),
    ],
    [
      'handler throws a 500 WechatError',
      (app) => request(app.callback()).post(`/?${signedQuery()}`).send(textXml('wechat error')),
    ],
    [
      'handler throws a 400 WechatError',
      (app) => request(app.callback()).post(`/?${signedQuery()}`).send(textXml('expose false')),
    ],
    [
      'unknown event',
      (app) => request(app.callback()).post(`/?${signedQuery()}`).send(eventXml('x')),
    ],
    ['PUT', (app) => request(app.callback()).put(`/?${signedQuery()}`).send('x')],
  ];

  it.each(cases)('%s', async (_name, send) => {
    const logger = recordingLogger();
    const app = botApp({ routes: throwing, token: TOKEN, logger });
    const res = await send(app);
    expect(res.status).toBeLessThan(500);
    expectNoStackTrace(res.text);
    expect(res.text).not.toContain('secret failure');
    expect(res.text).not.toContain('internal detail');
  });
});

describe('errorBoundary()', () => {
  it('an unexpected error → 200 success, logged with the error', async () => {
    const logger = recordingLogger();
    const app = appOf(errorBoundary({ logger }), () => {
      throw new RangeError('unexpected');
    });
    const res = await request(app.callback()).post('/');
    expect(res.status).toBe(200);
    expect(res.text).toBe('success');
    expect(logger.entries.find((e) => e.level === 'error')?.err).toBeInstanceOf(RangeError);
  });

  it('a WechatError below 500 → its status; an unexposed one says only "bad request"', async () => {
    const app = appOf(errorBoundary({ logger: silentLogger }), () => {
      throw new WechatError('hidden detail', { status: 418, expose: false });
    });
    const res = await request(app.callback()).post('/');
    expect(res.status).toBe(418);
    expect(res.text).toBe('bad request');
  });

  it('each refusal is logged with the reason', async () => {
    const logger = recordingLogger();
    const app = botApp({ routes: new Router(), logger });
    await request(app.callback()).post(`/?${signedQuery()}`).send('<xml><a>');
    const refused = logger.entries.find((e) => e.level === 'warn');
    expect(refused?.msg).toBe('zgrobot: refused a request');
    expect(refused?.fields).toMatchObject({ method: 'POST', path: '/' });
    expect(String(refused?.err)).toMatch(/malformed XML/);
  });
});
