import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type RedisClientLike, RedisStorage } from '../../src/core/session/redis.js';
import { freePort, PrivateRedisServer } from '../support/redis-server.js';
import { describeStorageContract, SAMPLE } from './contract.js';
import { eventually, runTag, within } from './helpers.js';

const prefix = `zgrobot_test_${runTag()}_`;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 2 });
  await within(redis.connect(), 5_000, 'connect to Redis at 127.0.0.1:6379');
});

afterAll(async () => {
  // Remove every key this run wrote, then let the process exit.
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describeStorageContract('RedisStorage', () => new RedisStorage(redis, { prefix }));

describe('RedisStorage', () => {
  it('takes an ioredis Redis or Cluster as is (checked by tsc)', () => {
    expectTypeOf<Redis>().toExtend<RedisClientLike>();
    expectTypeOf<Cluster>().toExtend<RedisClientLike>();
  });

  it('stores JSON under <prefix><id>', async () => {
    const storage = new RedisStorage(redis, { prefix });
    await storage.set('o6_key', SAMPLE);
    expect(storage.key('o6_key')).toBe(`${prefix}o6_key`);
    expect(JSON.parse((await redis.get(`${prefix}o6_key`)) ?? 'null')).toEqual(SAMPLE);
    expect(await redis.ttl(`${prefix}o6_key`)).toBe(-1); // no ttl: never expires
  });

  it('defaults the prefix to ws_', () => {
    expect(new RedisStorage(redis).key('abc')).toBe('ws_abc');
  });

  it('sets the expiry with SET … EX when a ttl is given, and renews it on each write', async () => {
    const storage = new RedisStorage(redis, { prefix, ttl: 300 });
    await storage.set('o6_ttl', { a: 1 });
    await redis.expire(`${prefix}o6_ttl`, 10);
    await storage.set('o6_ttl', { a: 2 });
    const ttl = await redis.ttl(`${prefix}o6_ttl`);
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('really expires the session', async () => {
    const storage = new RedisStorage(redis, { prefix, ttl: 1 });
    await storage.set('o6_expire', { a: 1 });
    await eventually(
      async () => expect(await storage.get('o6_expire')).toEqual({}),
      4_000,
      'key expiry',
    );
  });

  it('refuses a ttl that is not a positive whole number of seconds', () => {
    for (const ttl of [0, -1, 1.5, Number.NaN]) {
      expect(() => new RedisStorage(redis, { ttl })).toThrow(RangeError);
    }
  });

  it('passes a Redis error through as a rejection', async () => {
    await redis.hset(`${prefix}o6_hash`, 'f', 'v');
    const storage = new RedisStorage(redis, { prefix });
    await expect(storage.get('o6_hash')).rejects.toThrow(/WRONGTYPE/);
  });
});

describe('RedisStorage faults', () => {
  it('rejects quickly when Redis is unreachable (closed port)', async () => {
    const dead = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 1_000,
      retryStrategy: () => null,
    });
    dead.on('error', () => {}); // the storage's rejection is what we check
    const storage = new RedisStorage(dead, { prefix });
    const started = Date.now();
    await expect(within(storage.get('u'), 3_000, 'get')).rejects.not.toThrow(/no answer/);
    await expect(within(storage.set('u', { a: 1 }), 3_000, 'set')).rejects.not.toThrow(/no answer/);
    expect(Date.now() - started).toBeLessThan(3_000);
    dead.disconnect();
  });

  describe('with a Redis server of our own that goes down and comes back', () => {
    let server: PrivateRedisServer;

    beforeAll(async () => {
      server = new PrivateRedisServer(await freePort());
    });
    afterAll(() => server.stop());

    it('rejects while it is down, then works again with the same storage and client', async () => {
      await server.start();
      const client = new Redis({
        host: '127.0.0.1',
        port: server.port,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: 1_000,
        retryStrategy: () => 100, // keep trying to reconnect, every 100 ms
      });
      client.on('error', () => {});
      try {
        const storage = new RedisStorage(client, { prefix });
        await eventually(() => storage.set('o6_up', { n: 1 }), 5_000, 'first write');
        await expect(storage.get('o6_up')).resolves.toEqual({ n: 1 });

        await server.stop();
        await expect(
          within(storage.set('o6_up', { n: 2 }), 3_000, 'set while down'),
        ).rejects.not.toThrow(/no answer/);
        await expect(within(storage.get('o6_up'), 3_000, 'get while down')).rejects.not.toThrow(
          /no answer/,
        );

        await server.start(); // empty: --save "" keeps nothing across the restart
        await eventually(() => storage.set('o6_up', { n: 3 }), 10_000, 'write after restart');
        await expect(storage.get('o6_up')).resolves.toEqual({ n: 3 });
      } finally {
        client.disconnect();
      }
    });

    it('sends its lock scripts by SHA-1, and again whole after SCRIPT FLUSH or a restart', async () => {
      await server.stop(); // a fresh server, whatever the test before left running
      await server.start();
      const client = new Redis({
        host: '127.0.0.1',
        port: server.port,
        maxRetriesPerRequest: 1,
        connectTimeout: 1_000,
        retryStrategy: () => 100,
      });
      client.on('error', () => {});
      // Which script command each call used: the client as the storage sees it, counting.
      const sent: string[] = [];
      const counting: RedisClientLike = {
        get: (key) => client.get(key),
        set: (key: string, value: string) => client.set(key, value),
        del: (key) => client.del(key),
        eval: (script, numKeys, ...args) => {
          sent.push('eval');
          return client.eval(script, numKeys, ...args);
        },
        evalsha: (sha1, numKeys, ...args) => {
          sent.push('evalsha');
          return client.evalsha(sha1, numKeys, ...args);
        },
      };
      const storage = new RedisStorage(counting, { prefix });
      const turn = async (n: number) => {
        const lease = await storage.acquire('o6_sha', 'owner', 5_000);
        expect(lease).toEqual({ acquired: true, data: n === 1 ? {} : { n: n - 1 } });
        expect(await storage.release('o6_sha', 'owner', { n })).toBe(true);
      };
      try {
        await eventually(() => client.ping(), 5_000, 'connect');
        await turn(1); // each script unknown: EVALSHA → NOSCRIPT → EVAL
        expect(sent).toEqual(['evalsha', 'eval', 'evalsha', 'eval']);
        sent.length = 0;
        await turn(2); // now cached on the server: the SHA-1 alone
        expect(sent).toEqual(['evalsha', 'evalsha']);

        sent.length = 0;
        await client.script('FLUSH');
        await turn(3);
        expect(sent).toEqual(['evalsha', 'eval', 'evalsha', 'eval']);
        expect(await storage.get('o6_sha')).toEqual({ n: 3 });

        await server.stop();
        await server.start(); // empty: no session, no scripts
        sent.length = 0;
        await eventually(() => turn(1), 10_000, 'turn after restart');
        expect(sent.slice(-4)).toEqual(['evalsha', 'eval', 'evalsha', 'eval']);
        sent.length = 0;
        await turn(2);
        expect(sent).toEqual(['evalsha', 'evalsha']);
      } finally {
        client.disconnect();
      }
    });
  });
});
