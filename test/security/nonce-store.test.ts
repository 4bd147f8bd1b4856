import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { MemoryNonceStore } from '../../src/core/security/nonce-store.js';
import {
  type RedisNonceClient,
  RedisNonceStore,
} from '../../src/core/security/redis-nonce-store.js';
import { runTag, within } from '../session/helpers.js';

describe('MemoryNonceStore', () => {
  it('answers undefined on first sight, then the first digest', async () => {
    const store = new MemoryNonceStore();
    expect(await store.remember('k', 'aaa', 60_000)).toBeUndefined();
    expect(await store.remember('k', 'bbb', 60_000)).toBe('aaa');
    expect(await store.remember('k', 'aaa', 60_000)).toBe('aaa');
    expect(await store.remember('other', 'bbb', 60_000)).toBeUndefined();
  });

  it('forgets an entry after its ttl', async () => {
    const store = new MemoryNonceStore();
    await store.remember('k', 'aaa', 20);
    await new Promise((r) => setTimeout(r, 40));
    expect(await store.remember('k', 'bbb', 20)).toBeUndefined();
  });

  it('refuses a maxEntries that is not a positive whole number (2.5 used to hang the second remember)', () => {
    for (const maxEntries of [0, -1, 2.5, Number.NaN]) {
      expect(() => new MemoryNonceStore({ maxEntries })).toThrow(RangeError);
    }
  });

  it('is bounded by count, dropping the least recently used', async () => {
    const store = new MemoryNonceStore({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await store.remember(k, k, 60_000);
    await store.remember('a', 'x', 60_000); // a is used again: b is now the oldest
    await store.remember('d', 'd', 60_000);
    expect(store.size).toBe(3);
    expect(await store.remember('b', 'new', 60_000)).toBeUndefined();
    expect(await store.remember('a', 'x', 60_000)).toBe('a');
  });
});

describe('RedisNonceStore (real Redis at 127.0.0.1:6379)', () => {
  const prefix = `zgrobot_test_nonce_${runTag()}:`;
  let redis: Redis;
  let other: Redis;

  beforeAll(async () => {
    const options = { host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 2 };
    redis = new Redis(options);
    other = new Redis(options);
    await within(Promise.all([redis.connect(), other.connect()]), 5_000, 'connect to Redis');
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([redis.quit(), other.quit()]);
  });

  it('takes an ioredis client as is (checked by tsc)', () => {
    expectTypeOf<Redis>().toExtend<RedisNonceClient>();
  });

  it('remembers the first digest, shared between connections (two instances)', async () => {
    const a = new RedisNonceStore(redis, { prefix });
    const b = new RedisNonceStore(other, { prefix });
    expect(await a.remember('k1', 'aaa', 60_000)).toBeUndefined();
    expect(await b.remember('k1', 'bbb', 60_000)).toBe('aaa');
    expect(await b.remember('k1', 'aaa', 60_000)).toBe('aaa');
    expect(await redis.get(`${prefix}k1`)).toBe('aaa');
  });

  it('sets the ttl on the key, so Redis forgets it', async () => {
    const store = new RedisNonceStore(redis, { prefix });
    await store.remember('k2', 'aaa', 50);
    const ttl = await redis.pttl(`${prefix}k2`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(50);
    await new Promise((r) => setTimeout(r, 100));
    expect(await store.remember('k2', 'bbb', 60_000)).toBeUndefined();
  });
});
