import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { Client } from '../../src/core/client/client.js';
import { type RedisTokenClient, RedisTokenStore } from '../../src/core/client/redis-token-store.js';
import { runTag, within } from '../session/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';

const prefix = `zgrobot_test_token_${runTag()}:`;
let redis: Redis;
let api: FakeWeChatApi;
let n = 0;
const freshKey = () => `${prefix}${++n}`;

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 2 });
  await within(redis.connect(), 5_000, 'connect to Redis');
  api = await startFakeWeChatApi();
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await api.close();
});

describe('RedisTokenStore', () => {
  it('takes an ioredis client as is (checked by tsc)', () => {
    expectTypeOf<Redis>().toExtend<RedisTokenClient>();
  });

  it('stores the token as JSON with a TTL until it expires', async () => {
    const store = new RedisTokenStore(redis, { key: freshKey() });
    expect(await store.get()).toBeUndefined();
    const expiresAt = Date.now() + 60_000;
    await store.set({ token: 't1', expiresAt });
    expect(await store.get()).toEqual({ token: 't1', expiresAt });
    const ttl = await redis.pttl(store.key);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('invalidates only the token it was asked to (compare-and-drop)', async () => {
    const store = new RedisTokenStore(redis, { key: freshKey() });
    await store.set({ token: 'new', expiresAt: Date.now() + 60_000 });
    await store.invalidate('old');
    expect((await store.get())?.token).toBe('new');
    await store.invalidate('new');
    expect(await store.get()).toBeUndefined();
  });

  it('lets one holder in at a time, across store objects and connections', async () => {
    const key = freshKey();
    const other = redis.duplicate();
    try {
      const stores = [new RedisTokenStore(redis, { key }), new RedisTokenStore(other, { key })];
      let inside = 0;
      let most = 0;
      const order: number[] = [];
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          stores[i % 2]!.lock(async () => {
            inside++;
            most = Math.max(most, inside);
            await new Promise((r) => setTimeout(r, 30));
            order.push(i);
            inside--;
          }),
        ),
      );
      expect(most).toBe(1);
      expect(order).toHaveLength(6);
      expect(await redis.get(`${key}:lock`)).toBeNull(); // released
    } finally {
      other.disconnect();
    }
  });

  it('releases the lock when fn throws', async () => {
    const store = new RedisTokenStore(redis, { key: freshKey() });
    await expect(store.lock(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await redis.get(`${store.key}:lock`)).toBeNull();
  });

  it('skips the write of a holder that lost its lock (fencing), and does not free the new holder', async () => {
    const store = new RedisTokenStore(redis, { key: freshKey(), lockTtl: 200 });
    await store.set({ token: 'kept', expiresAt: Date.now() + 60_000 });
    await store.lock(async () => {
      await new Promise((r) => setTimeout(r, 350)); // our lock expired meanwhile…
      await redis.set(`${store.key}:lock`, 'someone-else', 'PX', 5_000); // …and another took it
      await store.set({ token: 'stale', expiresAt: Date.now() + 60_000 });
    });
    expect((await store.get())?.token).toBe('kept');
    expect(await redis.get(`${store.key}:lock`)).toBe('someone-else');
  });

  it('gives up waiting for the lock after lockWait', async () => {
    const store = new RedisTokenStore(redis, { key: freshKey(), lockWait: 300 });
    await redis.set(`${store.key}:lock`, 'held', 'PX', 5_000);
    await expect(store.lock(async () => 1)).rejects.toThrow(/could not get the lock/);
  });

  it('makes siblings on <key>:<name> with the same options', async () => {
    const store = new RedisTokenStore(redis, { key: freshKey(), lockWait: 300 });
    const sibling = store.sibling('jsapi_ticket');
    expect(sibling.key).toBe(`${store.key}:jsapi_ticket`);
    await sibling.set({ token: 'ticket', expiresAt: Date.now() + 60_000 });
    expect(await store.get()).toBeUndefined();
    expect((await sibling.get())?.token).toBe('ticket');
    await redis.set(`${sibling.key}:lock`, 'held', 'PX', 5_000);
    await expect(sibling.lock(async () => 1)).rejects.toThrow(/within 300 ms/);
    expect(await store.lock(async () => 2)).toBe(2);
  });

  it('gives a Client its token from the store and refreshes through the lock', async () => {
    api.reset();
    const store = new RedisTokenStore(redis, { key: freshKey() });
    const client = new Client({
      appId: 'wx1',
      appSecret: 's',
      baseUrl: api.url,
      tokenStore: store,
    });
    try {
      const token = await client.getAccessToken();
      expect((await store.get())?.token).toBe(token);
      expect(await client.getAccessToken()).toBe(token);
      expect(api.tokenRequests()).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});

/** Run 4 worker processes at once against `key`; what each got (see fixtures/token-worker.ts). */
async function runWorkers(
  key: string,
  what: 'token' | 'jsapi',
): Promise<{ pid: number; token: string; again: string }[]> {
  const worker = fileURLToPath(new URL('./fixtures/token-worker.ts', import.meta.url));
  const children = Array.from({ length: 4 }, () =>
    spawn(process.execPath, ['--import', 'tsx', worker, api.url, key, what], {
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const runs = children.map((child) => {
    let out = '';
    let err = '';
    let signalReady = () => {};
    const ready = new Promise<void>((resolve) => {
      signalReady = resolve;
    });
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.startsWith('ready\n')) signalReady();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const done = new Promise<{ pid: number; token: string; again: string }>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code === 0) resolve(JSON.parse(out.slice('ready\n'.length).trim()));
        else reject(new Error(`worker exited with ${code}: ${err}`));
      });
    });
    return {
      child,
      ready: within(ready, 12_000, 'worker ready'),
      done: within(done, 15_000, 'worker'),
    };
  });
  try {
    await Promise.all(runs.map((r) => r.ready));
    for (const r of runs) r.child.stdin.write('go\n'); // all at once
  } catch (error) {
    for (const child of children) child.kill('SIGKILL');
    throw error;
  }
  const results = await Promise.all(runs.map((r) => r.done));
  expect(new Set(results.map((r) => r.pid)).size).toBe(4);
  return results;
}

describe('RedisTokenStore shared by several processes', () => {
  it('makes 4 processes sharing one AppID ask WeChat once and use the same token', async () => {
    api.reset();
    let issued = 0;
    api.on('GET', '/cgi-bin/token', () => {
      const token = `shared-${++issued}`;
      api.validTokens.add(token);
      return { json: { access_token: token, expires_in: 7200 }, delay: 300 };
    });
    const key = freshKey();
    const results = await runWorkers(key, 'token');
    expect(api.tokenRequests()).toHaveLength(1);
    for (const r of results) {
      expect(r.token).toBe('shared-1');
      expect(r.again).toBe('shared-1');
    }
    expect(JSON.parse((await redis.get(key)) ?? '{}').token).toBe('shared-1');
  });

  it('shares the JS-SDK ticket the same way: one getticket for 4 processes, under its own key', async () => {
    api.reset();
    let issued = 0;
    api.on('GET', '/cgi-bin/ticket/getticket', (req) => {
      expect(req.query.type).toBe('jsapi');
      return { json: { ticket: `ticket-${++issued}`, expires_in: 7200 }, delay: 300 };
    });
    const key = freshKey();
    const results = await runWorkers(key, 'jsapi');
    expect(api.requestsTo('/cgi-bin/ticket/getticket')).toHaveLength(1);
    expect(api.tokenRequests()).toHaveLength(1);
    for (const r of results) {
      expect(r.token).toBe('ticket-1');
      expect(r.again).toBe('ticket-1');
    }
    expect(JSON.parse((await redis.get(`${key}:jsapi_ticket`)) ?? '{}').token).toBe('ticket-1');
    expect(JSON.parse((await redis.get(key)) ?? '{}').token).toBe('token-1');
  });
});
