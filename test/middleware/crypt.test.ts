import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { decrypt } from '../../middleware/decrypt.js';
import { encrypt } from '../../middleware/encrypt.js';
import { errorBoundary } from '../../middleware/error-boundary.js';
import { router } from '../../middleware/router.js';
import { Router } from '../../middleware/routes.js';
import { verify } from '../../middleware/verify.js';
import { MessageCrypt } from '../../src/core/crypto/message-crypt.js';
import { silentLogger } from '../../src/core/logger.js';
import { aesDecrypt, aesEncrypt, encryptedRequest, sha1Sorted } from '../support/safe-mode.js';
import { AES_KEY, APP_ID, signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { appOf, botApp, expectNoStackTrace, readReply, recordingLogger } from './helpers.js';

const KEYS = { token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID };

function echoRoutes(seen: string[] = []) {
  return new Router()
    .text((ctx) => {
      seen.push(ctx.wechat.message.content);
      return `echo: ${ctx.wechat.message.content}`;
    })
    .subscribe(() => undefined);
}

/** Checks an encrypted envelope against PROTOCOL.md §2 and returns the inner reply XML. */
function openEnvelope(body: string): Record<string, unknown> {
  const envelope = readReply(body);
  const { Encrypt, MsgSignature, TimeStamp, Nonce } = envelope as Record<string, string>;
  expect(typeof Encrypt).toBe('string');
  expect(TimeStamp).toMatch(/^\d+$/);
  expect(typeof Nonce).toBe('string');
  expect(MsgSignature).toBe(sha1Sorted(TOKEN, TimeStamp ?? '', Nonce ?? '', Encrypt ?? ''));
  const { text, appId } = aesDecrypt(Encrypt ?? '', AES_KEY);
  expect(appId).toBe(APP_ID);
  return readReply(text);
}

describe('decrypt() and encrypt() in the pipeline', () => {
  const app = () => botApp({ routes: echoRoutes(), appId: APP_ID, encodingAESKey: AES_KEY });

  it('safe mode: a request encrypted here (node:crypto) gets an encrypted, signed reply', async () => {
    const { query, body } = encryptedRequest(textXml('你好 safe'), KEYS);
    const res = await request(app().callback()).post(`/?${query}`).type('xml').send(body);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('echo');
    const reply = openEnvelope(res.text);
    expect(reply).toMatchObject({
      ToUserName: 'user_openid',
      FromUserName: 'gh_account',
      MsgType: 'text',
      Content: 'echo: 你好 safe',
    });
  });

  it('compatible mode (plain fields beside <Encrypt>) reads the encrypted part', async () => {
    const seen: string[] = [];
    const bot = botApp({ routes: echoRoutes(seen), appId: APP_ID, encodingAESKey: AES_KEY });
    // The plaintext copy says one thing, the encrypted part another: the encrypted one counts.
    const enc = aesEncrypt(textXml('secret'), AES_KEY, APP_ID);
    const signed = encryptedRequest(textXml('plain copy'), {
      ...KEYS,
      compatible: true,
      encrypt: enc,
    });
    expect(signed.body).toContain('plain copy');
    const res = await request(bot.callback()).post(`/?${signed.query}`).send(signed.body);
    expect(res.status).toBe(200);
    expect(openEnvelope(res.text)).toMatchObject({ Content: 'echo: secret' });
    expect(seen).toEqual(['secret']);
  });

  it('compatible mode: a plaintext request gets a plaintext reply even with a key configured', async () => {
    const bot = botApp({
      routes: echoRoutes(),
      appId: APP_ID,
      encodingAESKey: AES_KEY,
      encryptMode: 'compatible',
    });
    const res = await request(bot.callback()).post(`/?${signedQuery()}`).send(textXml('plain'));
    expect(res.status).toBe(200);
    expect(readReply(res.text)).toMatchObject({ Content: 'echo: plain' });
    expect(res.text).not.toContain('<Encrypt>');
  });

  it('no reply to an encrypted request → a bare success, not encrypted', async () => {
    const xml =
      '<xml><ToUserName>gh_account</ToUserName><FromUserName>user_openid</FromUserName>' +
      '<CreateTime>1700000000</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>';
    const { query, body } = encryptedRequest(xml, KEYS);
    const res = await request(app().callback()).post(`/?${query}`).send(body);
    expect(res.status).toBe(200);
    expect(res.text).toBe('success');
  });

  it.each([
    ['a wrong msg_signature', { msg_signature: 'f'.repeat(40) }],
    ['a msg_signature of another token', { msg_signature: sha1Sorted('x', 'y') }],
    ['no msg_signature', { msg_signature: '' }],
  ])('%s → 403, handler not run, reason logged', async (_name, overrides) => {
    const seen: string[] = [];
    const logger = recordingLogger();
    const bot = botApp({
      routes: echoRoutes(seen),
      appId: APP_ID,
      encodingAESKey: AES_KEY,
      logger,
    });
    const { query, body } = encryptedRequest(textXml('x'), { ...KEYS, overrides });
    const params = new URLSearchParams(query);
    const res = await request(bot.callback()).post(`/?${query}`).send(body);
    expect(res.status).toBe(403);
    expect(seen).toEqual([]);
    expectNoStackTrace(res.text);
    expect(logger.text('warn')).toMatch(/msg_signature/);
    // The expected msg_signature is never logged: it would let a log reader forge this request.
    const expected = sha1Sorted(
      TOKEN,
      params.get('timestamp')!,
      params.get('nonce')!,
      encryptOf(body),
    );
    expect(logger.text()).not.toContain(expected);
  });

  it.each([
    ['not base64', '!!!not*base64!!!'],
    ['a length that is not a block multiple', Buffer.from('short').toString('base64')],
    ['the ciphertext of another key', aesEncrypt(textXml('x'), 'B'.repeat(43), APP_ID)],
    ['another AppID', aesEncrypt(textXml('x'), AES_KEY, 'wx_someone_else')],
    ['random bytes', Buffer.alloc(64, 7).toString('base64')],
  ])(
    'broken ciphertext (%s) with a valid msg_signature → 400, short plain message',
    async (_name, enc) => {
      const seen: string[] = [];
      const bot = botApp({ routes: echoRoutes(seen), appId: APP_ID, encodingAESKey: AES_KEY });
      const { query, body } = encryptedRequest('', { ...KEYS, encrypt: enc });
      const res = await request(bot.callback()).post(`/?${query}`).send(body);
      expect(res.status).toBe(400);
      expect(res.type).toBe('text/plain');
      expect(res.text.length).toBeLessThan(120);
      expectNoStackTrace(res.text);
      expect(seen).toEqual([]);
    },
  );

  it('an envelope without <Encrypt> → 400', async () => {
    const { query } = encryptedRequest(textXml('x'), KEYS);
    const res = await request(app().callback())
      .post(`/?${query}`)
      .send('<xml><ToUserName>gh</ToUserName></xml>');
    expect(res.status).toBe(400);
  });

  it('an encrypted request without a key configured → 400', async () => {
    const seen: string[] = [];
    const bot = botApp({ routes: echoRoutes(seen) });
    const { query, body } = encryptedRequest(textXml('x'), KEYS);
    const res = await request(bot.callback()).post(`/?${query}`).send(body);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/EncodingAESKey/);
    expect(seen).toEqual([]);
  });

  it('the reply is decryptable by MessageCrypt as well (interoperability)', async () => {
    const { query, body } = encryptedRequest(textXml('interop'), KEYS);
    const res = await request(app().callback()).post(`/?${query}`).send(body);
    const envelope = readReply(res.text) as Record<string, string>;
    const crypt = new MessageCrypt(KEYS);
    const inner = crypt.decryptMessage({
      encrypt: envelope.Encrypt,
      timestamp: envelope.TimeStamp,
      nonce: envelope.Nonce,
      msgSignature: envelope.MsgSignature,
    });
    expect(readReply(inner)).toMatchObject({ Content: 'echo: interop' });
  });
});

describe('decrypt() and encrypt() composed by hand', () => {
  const crypt = new MessageCrypt(KEYS);
  const handmade = (mode?: 'compatible') =>
    appOf(
      errorBoundary({ logger: silentLogger }),
      verify({ token: TOKEN, logger: silentLogger }),
      encrypt({ crypt }),
      decrypt({ crypt, encryptMode: mode, logger: silentLogger }),
      router(echoRoutes(), { logger: silentLogger }),
    );

  it('verify → encrypt → decrypt → router: encrypted in, encrypted out', async () => {
    const { query, body } = encryptedRequest(textXml('by hand'), KEYS);
    const res = await request(handmade().callback()).post(`/?${query}`).send(body);
    expect(openEnvelope(res.text)).toMatchObject({ Content: 'echo: by hand' });
  });

  it("mode 'compatible': plaintext through the same stages stays plaintext", async () => {
    const res = await request(handmade('compatible').callback())
      .post(`/?${signedQuery()}`)
      .send(textXml('plain'));
    expect(readReply(res.text)).toMatchObject({ Content: 'echo: plain' });
  });

  it("decrypt({ crypt }) is 'safe' by default: plaintext → 403", async () => {
    const res = await request(handmade().callback())
      .post(`/?${signedQuery()}`)
      .send(textXml('plain'));
    expect(res.status).toBe(403);
  });

  it("decrypt({ encryptMode: 'safe' }) without a crypt throws at once", () => {
    expect(() => decrypt({ crypt: undefined, encryptMode: 'safe' })).toThrow(/EncodingAESKey/);
  });

  it('encrypt() with no crypt does nothing', async () => {
    const bot = appOf(encrypt({ crypt: undefined }), (ctx) => {
      ctx.body = '<xml/>';
    });
    const res = await request(bot.callback()).post('/');
    expect(res.text).toBe('<xml/>');
  });

  it('without errorBoundary, a bad msg_signature still answers 403 without a stack', async () => {
    const bot = appOf(
      verify({ token: TOKEN, logger: silentLogger }),
      encrypt({ crypt }),
      decrypt({ crypt, logger: silentLogger }),
      router(echoRoutes(), { logger: silentLogger }),
    );
    bot.silent = true;
    const { query, body } = encryptedRequest(textXml('x'), {
      ...KEYS,
      overrides: { msg_signature: '0'.repeat(40) },
    });
    const res = await request(bot.callback()).post(`/?${query}`).send(body);
    expect(res.status).toBe(403);
    expectNoStackTrace(res.text);
  });
});

/** The `<Encrypt>` value of an encrypted request body. */
function encryptOf(body: string): string {
  return /<Encrypt><!\[CDATA\[(.*?)\]\]><\/Encrypt>/.exec(body)?.[1] ?? '';
}
