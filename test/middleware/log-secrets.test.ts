import { inspect } from 'node:util';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ZgRoBot } from '../../src/robot.js';
import { aesEncrypt, encryptedRequest } from '../support/safe-mode.js';
import { AES_KEY, APP_ID, sha1Sorted, TOKEN, textXml } from '../support/wechat.js';
import { type LogEntry, recordingLogger } from './helpers.js';

const APP_SECRET = 'app_secret_0123456789abcdef0123';
const KEYS = { token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID };

/** Everything a log line shows: the message and each argument, errors with message and stack. */
function shown(entry: LogEntry): string {
  const fields = Object.values(entry.fields).map((value) =>
    value instanceof Error
      ? `${String(value)}\n${value.stack ?? ''}\n${inspect(value, { depth: 5 })}`
      : typeof value === 'string'
        ? value
        : inspect(value, { depth: 5 }),
  );
  return [entry.msg, ...fields].join('\n');
}

/** Signs a query for a fresh timestamp/nonce, and notes the signatures a correct request has. */
function signer(secrets: string[]) {
  return (extra: Record<string, string> = {}, encrypt?: string) => {
    const timestamp = extra.timestamp ?? String(Math.floor(Date.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const signature = sha1Sorted(TOKEN, timestamp, nonce);
    secrets.push(signature);
    const params: Record<string, string> = { signature, timestamp, nonce, openid: 'u' };
    if (encrypt !== undefined) {
      const msgSignature = sha1Sorted(TOKEN, timestamp, nonce, encrypt);
      secrets.push(msgSignature);
      Object.assign(params, { encrypt_type: 'aes', msg_signature: msgSignature });
    }
    return new URLSearchParams({ ...params, ...extra }).toString();
  };
}

describe('no secret in any log line, at debug level', () => {
  it('good and refused requests of every kind log no token, key, secret or signature', async () => {
    const logger = recordingLogger();
    const robot = new ZgRoBot({
      ...KEYS,
      appSecret: APP_SECRET,
      encryptMode: 'compatible',
      sessionStorage: false,
      logger,
    });
    robot.filter('boom', () => {
      throw new Error('handler failed');
    });
    robot.text((ctx) => `echo: ${ctx.wechat.message.content}`);
    const secrets = [TOKEN, AES_KEY, APP_SECRET];
    const sign = signer(secrets);
    const post = (query: string, body: string) =>
      request(robot.callback()).post(`/?${query}`).send(body);

    // Good requests: plaintext (compatible), encrypted, a URL check, a throwing handler.
    expect((await post(sign(), textXml('plain'))).status).toBe(200);
    const enc = aesEncrypt(textXml('enc'), AES_KEY, APP_ID);
    const body = encryptedRequest('', { ...KEYS, encrypt: enc }).body;
    expect((await post(sign({}, enc), body)).status).toBe(200);
    expect((await request(robot.callback()).get(`/?${sign({ echostr: 'E' })}`)).text).toBe('E');
    expect((await post(sign(), textXml('boom'))).status).toBe(200);
    // A bad signature and a bad msg_signature.
    expect((await post(sign({ signature: 'f'.repeat(40) }), textXml('x'))).status).toBe(403);
    expect((await post(sign({ msg_signature: '0'.repeat(40) }, enc), body)).status).toBe(403);
    // A stale timestamp.
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    expect((await post(sign({ timestamp: stale }), textXml('x'))).status).toBe(403);
    // A replayed nonce with another body.
    const replayed = sign();
    expect((await post(replayed, textXml('first'))).status).toBe(200);
    expect((await post(replayed, textXml('second'))).status).toBe(403);
    // Broken ciphertext under a valid msg_signature.
    const broken = Buffer.alloc(64, 7).toString('base64');
    const brokenBody = encryptedRequest('', { ...KEYS, encrypt: broken }).body;
    expect((await post(sign({}, broken), brokenBody)).status).toBe(400);
    // A refused plaintext in safe mode.
    robot.config.encryptMode = 'safe';
    expect((await post(sign(), textXml('plain'))).status).toBe(403);

    const levels = new Set(logger.entries.map((e) => e.level));
    expect(levels.has('warn')).toBe(true);
    expect(levels.has('error')).toBe(true);
    for (const entry of logger.entries) {
      const text = shown(entry);
      for (const secret of secrets) expect(text, `${entry.level}: ${text}`).not.toContain(secret);
    }
    await robot.close();
  });
});
