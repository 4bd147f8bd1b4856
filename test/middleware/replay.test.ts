import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../middleware/routes.js';
import { Config } from '../../src/config.js';
import type { NonceStore } from '../../src/core/security/nonce-store.js';
import { RedisNonceStore } from '../../src/core/security/redis-nonce-store.js';
import { runTag, within } from '../session/helpers.js';
import { encryptedRequest } from '../support/safe-mode.js';
import { AES_KEY, APP_ID, signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { botApp, readReply, recordingLogger } from './helpers.js';

const KEYS = { token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID };

function bot(options: { nonceStore?: NonceStore | false; key?: boolean } = {}) {
  const seen: string[] = [];
  const logger = recordingLogger();
  const routes = new Router().text((ctx) => {
    seen.push(ctx.wechat.message.content);
    return `echo: ${ctx.wechat.message.content}`;
  });
  const keys = options.key ? { appId: APP_ID, encodingAESKey: AES_KEY } : {};
  const app = botApp({ routes, nonceStore: options.nonceStore, logger, ...keys });
  return { app, seen, logger };
}

describe('nonce replay check', () => {
  it('a signed URL seen before with a different body → 403, handler not run', async () => {
    const { app, seen, logger } = bot();
    const query = signedQuery();
    const first = await request(app.callback()).post(`/?${query}`).send(textXml('real'));
    expect(readReply(first.text)).toMatchObject({ Content: 'echo: real' });
    const forged = await request(app.callback()).post(`/?${query}`).send(textXml('forged'));
    expect(forged.status).toBe(403);
    expect(seen).toEqual(['real']);
    expect(logger.text('warn')).toMatch(/replayed timestamp and nonce/);
  });

  it('the same body again passes (a WeChat retry; dedupe answers it)', async () => {
    const { app, seen } = bot();
    const query = signedQuery();
    const xml = textXml('again');
    const first = await request(app.callback()).post(`/?${query}`).send(xml);
    const retry = await request(app.callback()).post(`/?${query}`).send(xml);
    expect(retry.status).toBe(200);
    expect(retry.text).toBe(first.text);
    expect(seen).toEqual(['again']);
  });

  it('applies to encrypted POSTs as well (the envelope is the body)', async () => {
    const { app, seen } = bot({ key: true });
    const real = encryptedRequest(textXml('real'), KEYS);
    const res = await request(app.callback()).post(`/?${real.query}`).send(real.body);
    expect(res.status).toBe(200);
    // Same signed URL, another envelope: its msg_signature would not match anyway, but the
    // replay check refuses it before anything is decrypted.
    const other = encryptedRequest(textXml('forged'), KEYS);
    const forged = await request(app.callback()).post(`/?${real.query}`).send(other.body);
    expect(forged.status).toBe(403);
    expect(seen).toEqual(['real']);
  });

  it('nonceStore: false turns it off', async () => {
    const { app, seen } = bot({ nonceStore: false });
    const query = signedQuery();
    await request(app.callback()).post(`/?${query}`).send(textXml('one'));
    const second = await request(app.callback()).post(`/?${query}`).send(textXml('two'));
    expect(second.status).toBe(200);
    expect(seen).toEqual(['one', 'two']);
  });

  it('a failing store is logged and skipped', async () => {
    const broken: NonceStore = {
      remember: () => Promise.reject(new Error('store down')),
    };
    const { app, logger } = bot({ nonceStore: broken });
    const res = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('x'));
    expect(res.status).toBe(200);
    expect(logger.text('warn')).toMatch(/replay check skipped.*store down/);
  });

  it('is a config setting (nonceStore; ZGROBOT_NONCE_STORE=false)', () => {
    expect(new Config().nonceStore).toBeUndefined();
    expect(new Config({ nonceStore: false }).nonceStore).toBe(false);
    expect(new Config({ NONCE_STORE: false }).nonceStore).toBe(false);
    expect(Config.fromEnv({ ZGROBOT_NONCE_STORE: 'false' }).nonceStore).toBe(false);
    expect(() => new Config({ NONCE_STORE: {} })).toThrow(/nonceStore/);
  });
});

describe('nonce replay check with RedisNonceStore (real Redis, two instances)', () => {
  const prefix = `zgrobot_test_nonce_pipeline_${runTag()}:`;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis({
      host: '127.0.0.1',
      port: 6379,
      lazyConnect: true,
      maxRetriesPerRequest: 2,
    });
    await within(redis.connect(), 5_000, 'connect to Redis');
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('a forged body on a URL another instance saw → 403', async () => {
    const a = bot({ nonceStore: new RedisNonceStore(redis, { prefix }) });
    const b = bot({ nonceStore: new RedisNonceStore(redis, { prefix }) });
    const query = signedQuery();
    expect((await request(a.app.callback()).post(`/?${query}`).send(textXml('r'))).status).toBe(
      200,
    );
    const forged = await request(b.app.callback()).post(`/?${query}`).send(textXml('f'));
    expect(forged.status).toBe(403);
    expect(b.seen).toEqual([]);
    expect(await redis.keys(`${prefix}*`)).toHaveLength(1);
  });
});
