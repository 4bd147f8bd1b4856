import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type RedisDedupeClient, RedisDedupeStore } from '../../src/core/dedupe/redis.js';
import { runTag, within } from '../session/helpers.js';
import { describeDedupeStoreContract, freshKey } from './contract.js';

const prefix = `zgrobot_test_dedupe_${runTag()}:`;
let redis: Redis;
let other: Redis;

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 2 });
  other = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 2 });
  await within(Promise.all([redis.connect(), other.connect()]), 5_000, 'connect to Redis');
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await Promise.all([redis.quit(), other.quit()]);
});

describeDedupeStoreContract('RedisDedupeStore', () => new RedisDedupeStore(redis, { prefix }));

describe('RedisDedupeStore', () => {
  it('takes an ioredis client as is (checked by tsc)', () => {
    expectTypeOf<Redis>().toExtend<RedisDedupeClient>();
  });

  it('is shared by stores on different connections (two instances)', async () => {
    const a = new RedisDedupeStore(redis, { prefix, pollInterval: 20 });
    const b = new RedisDedupeStore(other, { prefix, pollInterval: 20 });
    const key = freshKey('shared');
    expect(await a.claim(key, 30_000)).toEqual({ state: 'claimed' });
    expect(await b.claim(key, 30_000)).toEqual({ state: 'pending' });
    const waiting = b.wait(key, 5_000);
    setTimeout(() => void a.complete(key, '<xml>a</xml>', 30_000), 100);
    expect(await waiting).toBe('<xml>a</xml>');
    expect(await b.deliver(key, 'push', 30_000)).toBe(true);
    expect(await a.deliver(key, 'passive', 30_000)).toBe(false);
  });

  it('stores entries with the window as their TTL', async () => {
    const store = new RedisDedupeStore(redis, { prefix });
    const key = freshKey('ttl');
    await store.claim(key, 30_000);
    const ttl = await redis.pttl(store.key(key));
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });
});
