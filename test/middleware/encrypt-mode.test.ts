import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { pipeline } from '../../middleware/pipeline.js';
import { Router } from '../../middleware/routes.js';
import { Config } from '../../src/config.js';
import { PipelineError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { EncryptMode } from '../../src/core/security/encrypt-mode.js';
import { ZgRoBot } from '../../src/robot.js';
import { aesDecrypt, encryptedRequest } from '../support/safe-mode.js';
import { AES_KEY, APP_ID, signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { botApp, readReply, recordingLogger } from './helpers.js';

const KEYS = { token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID };
const echo = () => new Router().text((ctx) => `echo: ${ctx.wechat.message.content}`);

function keyedBot(encryptMode?: EncryptMode) {
  const logger = recordingLogger();
  const app = botApp({
    routes: echo(),
    appId: APP_ID,
    encodingAESKey: AES_KEY,
    encryptMode,
    logger,
  });
  return { app, logger };
}

function innerContent(body: string): unknown {
  const envelope = readReply(body) as Record<string, string>;
  return readReply(aesDecrypt(envelope.Encrypt ?? '', AES_KEY).text).Content;
}

describe("encryptMode 'safe'", () => {
  it.each([
    ['the default with a key', undefined],
    ['set explicitly', 'safe' as const],
  ])('%s: a plaintext POST → 403, handler not run, a warn line says why', async (_n, mode) => {
    const { app, logger } = keyedBot(mode);
    const res = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('forged'));
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('echo');
    expect(logger.text('warn')).toMatch(/plaintext request refused.*'safe'/);
  });

  it('an encrypted POST gets an encrypted reply', async () => {
    const { app } = keyedBot('safe');
    const { query, body } = encryptedRequest(textXml('hi'), KEYS);
    const res = await request(app.callback()).post(`/?${query}`).send(body);
    expect(res.status).toBe(200);
    expect(innerContent(res.text)).toBe('echo: hi');
  });
});

describe("encryptMode 'compatible'", () => {
  it('accepts both: encrypted → encrypted reply, plaintext → plaintext reply', async () => {
    const { app } = keyedBot('compatible');
    const { query, body } = encryptedRequest(textXml('enc'), { ...KEYS, compatible: true });
    const enc = await request(app.callback()).post(`/?${query}`).send(body);
    expect(enc.status).toBe(200);
    expect(innerContent(enc.text)).toBe('echo: enc');
    const plain = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('p'));
    expect(plain.status).toBe(200);
    expect(readReply(plain.text)).toMatchObject({ Content: 'echo: p' });
    expect(plain.text).not.toContain('<Encrypt>');
  });
});

describe("encryptMode 'plain'", () => {
  it('with a key configured, an encrypted request is refused (400) and plaintext works', async () => {
    const { app } = keyedBot('plain');
    const { query, body } = encryptedRequest(textXml('x'), KEYS);
    const enc = await request(app.callback()).post(`/?${query}`).send(body);
    expect(enc.status).toBe(400);
    const plain = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('p'));
    expect(readReply(plain.text)).toMatchObject({ Content: 'echo: p' });
  });
});

describe('encryptMode configuration', () => {
  it.each(['safe', 'compatible'] as const)(
    "'%s' without an EncodingAESKey throws when the pipeline is built",
    (encryptMode) => {
      expect(() => pipeline({ token: TOKEN, routes: echo(), encryptMode })).toThrow(PipelineError);
      expect(() => pipeline({ token: TOKEN, routes: echo(), encryptMode })).toThrow(
        /needs an EncodingAESKey/,
      );
    },
  );

  it.each(['plain', 'compatible', 'safe', undefined] as const)(
    'the GET echostr URL check works in mode %s',
    async (mode) => {
      const { app } = keyedBot(mode);
      const res = await request(app.callback()).get(`/?${signedQuery(TOKEN, { echostr: 'E1' })}`);
      expect(res.status).toBe(200);
      expect(res.text).toBe('E1');
    },
  );

  it('is a config setting: our key, the seed-style key and the environment', () => {
    expect(new Config({ encryptMode: 'compatible' }).encryptMode).toBe('compatible');
    expect(new Config({ ENCRYPT_MODE: 'plain' }).encryptMode).toBe('plain');
    expect(Config.fromEnv({ ZGROBOT_ENCRYPT_MODE: 'safe' }).encryptMode).toBe('safe');
    expect(() => new Config({ ENCRYPT_MODE: 'secure' })).toThrow(/encryptMode/);
    expect(new Config().encryptMode).toBeUndefined();
  });

  it('ZgRoBot passes it to the pipeline', async () => {
    const robot = new ZgRoBot({
      ...KEYS,
      encryptMode: 'compatible',
      sessionStorage: false,
      logger: silentLogger,
    });
    robot.text((ctx) => `echo: ${ctx.wechat.message.content}`);
    const plain = await request(robot.callback()).post(`/?${signedQuery()}`).send(textXml('p'));
    expect(readReply(plain.text)).toMatchObject({ Content: 'echo: p' });
    robot.config.encryptMode = 'safe';
    const refused = await request(robot.callback()).post(`/?${signedQuery()}`).send(textXml('p'));
    expect(refused.status).toBe(403);
    robot.config.encryptMode = undefined;
    robot.config.encodingAESKey = undefined;
    robot.config.encryptMode = 'safe';
    await expect(robot.run({ host: '127.0.0.1', port: 0 })).rejects.toThrow(PipelineError);
  });
});
