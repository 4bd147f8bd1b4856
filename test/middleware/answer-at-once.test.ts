import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpContext } from '../../middleware/context.js';
import { checkReplay } from '../../middleware/replay.js';
import { verify } from '../../middleware/verify.js';
import { Deduper } from '../../src/core/dedupe/deduper.js';
import { MemoryDedupeStore } from '../../src/core/dedupe/memory.js';
import { RedisDedupeStore } from '../../src/core/dedupe/redis.js';
import { SignatureError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { MemoryNonceStore } from '../../src/core/security/nonce-store.js';
import { RedisNonceStore } from '../../src/core/security/redis-nonce-store.js';
import { TurnClock } from '../../src/core/turn/clock.js';
import { runTag, within } from '../session/helpers.js';
import { sha1Sorted } from '../support/safe-mode.js';

// The memory stores answer at once; the stages and the deduper take their answers without a
// promise (a turn of the microtask queue and a promise per call, on every message). A shared
// store still gets the asynchronous path. The answers themselves are the same either way.

const contextWith = (query: Record<string, string>) => ({ query }) as unknown as HttpContext;

const prefix = `zgrobot_test_at_once_${runTag()}:`;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 2 });
  await within(redis.connect(), 5_000, 'connect to Redis');
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('the replay check with the memory store', () => {
  it('answers the digest at once, and refuses a replay with another body by throwing', () => {
    const store = new MemoryNonceStore();
    const ctx = contextWith({ timestamp: '1700000000', nonce: 'n1' });
    const first = checkReplay(ctx, '<xml>a</xml>', store, 60_000, silentLogger);
    expect(typeof first).toBe('string');
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    expect(checkReplay(ctx, '<xml>a</xml>', store, 60_000, silentLogger)).toBe(first);
    expect(() => checkReplay(ctx, '<xml>b</xml>', store, 60_000, silentLogger)).toThrow(
      SignatureError,
    );
  });

  it('calls a subclass that overrides remember(), once a request', () => {
    const seen: string[] = [];
    class CountingStore extends MemoryNonceStore {
      override remember(key: string, digest: string, ttl: number) {
        seen.push(key);
        return super.remember(key, digest, ttl);
      }
    }
    const ctx = contextWith({ timestamp: '1700000000', nonce: 'n2' });
    const digest = checkReplay(ctx, '<xml>a</xml>', new CountingStore(), 60_000, silentLogger);
    expect(digest).toMatch(/^[0-9a-f]{40}$/);
    expect(seen).toEqual(['1700000000:n2']);
  });

  it('goes through a promise with a shared store (Redis), with the same answers', async () => {
    const store = new RedisNonceStore(redis, { prefix });
    const ctx = contextWith({ timestamp: '1700000000', nonce: `n3_${runTag()}` });
    const first = checkReplay(ctx, '<xml>a</xml>', store, 60_000, silentLogger);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toMatch(/^[0-9a-f]{40}$/);
    expect(await checkReplay(ctx, '<xml>a</xml>', store, 60_000, silentLogger)).toBe(await first);
    await expect(checkReplay(ctx, '<xml>b</xml>', store, 60_000, silentLogger)).rejects.toThrow(
      SignatureError,
    );
  });
});

describe('Deduper with the memory store', () => {
  const started = () => {
    const clock = new TurnClock();
    clock.start({ replyTimeout: 1000 });
    return clock;
  };

  it('decides a new message and keeps its reply without a promise; a retry claims once', async () => {
    const claims: string[] = [];
    class CountingStore extends MemoryDedupeStore {
      override claim(key: string, window: number) {
        claims.push(key);
        return super.claim(key, window);
      }
    }
    const store = new CountingStore();
    const deduper = new Deduper({ store });
    const decision = deduper.decide('p:gh:1', started(), silentLogger);
    expect(decision).toMatchObject({ run: true, ticket: { key: 'p:gh:1', store } });
    if (decision instanceof Promise || !decision.run) throw new Error('expected a ticket at once');
    expect(deduper.remember(decision.ticket, '<xml>reply</xml>', silentLogger)).toBeUndefined();
    // The retry: the first try's reply, through the same (one) claim.
    const retry = deduper.decide('p:gh:1', started(), silentLogger);
    expect(retry).toBeInstanceOf(Promise);
    expect(await retry).toEqual({ run: false, answer: '<xml>reply</xml>' });
    expect(claims).toEqual(['p:gh:1', 'p:gh:1']);
  });

  it('goes through promises with a shared store (Redis), with the same answers', async () => {
    const deduper = new Deduper({ store: new RedisDedupeStore(redis, { prefix }) });
    const key = `p:gh:${runTag()}`;
    const decided = deduper.decide(key, started(), silentLogger);
    expect(decided).toBeInstanceOf(Promise);
    const decision = await decided;
    if (!decision.run) throw new Error('expected a ticket');
    const kept = deduper.remember(decision.ticket, '<xml>shared</xml>', silentLogger);
    expect(kept).toBeInstanceOf(Promise);
    await kept;
    expect(await deduper.decide(key, started(), silentLogger)).toEqual({
      run: false,
      answer: '<xml>shared</xml>',
    });
  });
});

describe('a stage without async', () => {
  it('verify() answers with a rejected promise when the error page throws, never a throw', async () => {
    const stage = verify({
      token: 't',
      errorPage: () => {
        throw new Error('page broken');
      },
    });
    const ctx = {
      method: 'POST',
      path: '/',
      ip: '127.0.0.1',
      href: 'http://127.0.0.1/',
      query: { timestamp: String(Math.floor(Date.now() / 1000)), nonce: 'n', signature: 'bad' },
      set() {},
    } as unknown as HttpContext;
    let answer: Promise<void> | undefined;
    expect(() => {
      answer = stage(ctx, async () => {});
    }).not.toThrow();
    await expect(answer).rejects.toThrow('page broken');
  });

  it('verify() passes a signed POST on to the next stage and returns its promise', async () => {
    const stage = verify({ token: 't' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const ctx = {
      method: 'POST',
      path: '/',
      query: { timestamp, nonce: 'n', signature: sha1Sorted('t', timestamp, 'n') },
    } as unknown as HttpContext;
    let ran = false;
    await stage(ctx, async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });
});
