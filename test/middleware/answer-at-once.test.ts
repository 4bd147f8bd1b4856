import { describe, expect, it } from 'vitest';
import type { HttpContext } from '../../middleware/context.js';
import { checkReplay } from '../../middleware/replay.js';
import { verify } from '../../middleware/verify.js';
import { Deduper } from '../../src/core/dedupe/deduper.js';
import { MemoryDedupeStore } from '../../src/core/dedupe/memory.js';
import type { DedupeClaim, DedupeStore } from '../../src/core/dedupe/store.js';
import { SignatureError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { MemoryNonceStore, type NonceStore } from '../../src/core/security/nonce-store.js';
import { TurnClock } from '../../src/core/turn/clock.js';
import { sha1Sorted } from '../support/safe-mode.js';

// The memory stores answer at once; the stages and the deduper take their answers without a
// promise (a turn of the microtask queue and a promise per call, on every message). A shared
// store still gets the asynchronous path. The answers themselves are the same either way.

const contextWith = (query: Record<string, string>) => ({ query }) as unknown as HttpContext;

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

  it('calls a subclass that overrides remember(), as any other store', async () => {
    const seen: string[] = [];
    class CountingStore extends MemoryNonceStore {
      override remember(key: string, digest: string, ttl: number) {
        seen.push(key);
        return super.remember(key, digest, ttl);
      }
    }
    const ctx = contextWith({ timestamp: '1700000000', nonce: 'n2' });
    const digest = checkReplay(ctx, '<xml>a</xml>', new CountingStore(), 60_000, silentLogger);
    expect(digest).toBeInstanceOf(Promise);
    expect(await digest).toMatch(/^[0-9a-f]{40}$/);
    expect(seen).toEqual(['1700000000:n2']);
  });

  it('goes through a promise for any other store, with the same answers', async () => {
    const remembered = new Map<string, string>();
    const store: NonceStore = {
      async remember(key, digest) {
        const earlier = remembered.get(key);
        if (earlier === undefined) remembered.set(key, digest);
        return earlier;
      },
    };
    const ctx = contextWith({ timestamp: '1700000000', nonce: 'n1' });
    const first = checkReplay(ctx, '<xml>a</xml>', store, 60_000, silentLogger);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toMatch(/^[0-9a-f]{40}$/);
    await expect(checkReplay(ctx, '<xml>b</xml>', store, 60_000, silentLogger)).rejects.toThrow(
      SignatureError,
    );
  });
});

describe('Deduper with the memory store', () => {
  it('decides a new message at once; a retry of it is left to decide()', async () => {
    const store = new MemoryDedupeStore();
    const deduper = new Deduper({ store });
    const decision = deduper.decideAtOnce('p:gh:1');
    expect(decision).toMatchObject({ run: true, ticket: { key: 'p:gh:1', store } });
    if (!decision?.run) throw new Error('expected a ticket');
    // The retry, before the reply is kept: not decided at once (it must wait), and not claimed
    // a second time either.
    expect(deduper.decideAtOnce('p:gh:1')).toBeUndefined();
    expect(deduper.rememberAtOnce(decision.ticket, '<xml>reply</xml>')).toBe(true);
    const clock = new TurnClock();
    clock.start({ replyTimeout: 1000 });
    expect(await deduper.decide('p:gh:1', clock, silentLogger)).toEqual({
      run: false,
      answer: '<xml>reply</xml>',
    });
    expect(store.size).toBe(1);
  });

  it('calls a subclass that overrides claim() or complete(), as any other store', async () => {
    const calls: string[] = [];
    class LoggingStore extends MemoryDedupeStore {
      override claim(key: string, window: number) {
        calls.push(`claim ${key}`);
        return super.claim(key, window);
      }
      override complete(key: string, body: string, window: number) {
        calls.push(`complete ${key}`);
        return super.complete(key, body, window);
      }
    }
    const deduper = new Deduper({ store: new LoggingStore() });
    expect(deduper.decideAtOnce('p:gh:3')).toBeUndefined();
    const clock = new TurnClock();
    clock.start({ replyTimeout: 1000 });
    const decision = await deduper.decide('p:gh:3', clock, silentLogger);
    if (!decision.run) throw new Error('expected a ticket');
    expect(deduper.rememberAtOnce(decision.ticket, 'x')).toBe(false);
    await deduper.remember(decision.ticket, 'x', silentLogger);
    expect(calls).toEqual(['claim p:gh:3', 'complete p:gh:3']);
  });

  it('leaves a shared store to the asynchronous path', async () => {
    const claims: string[] = [];
    const store: DedupeStore = {
      async claim(key): Promise<DedupeClaim> {
        claims.push(key);
        return { state: 'claimed' };
      },
      async complete() {},
      async wait() {
        return undefined;
      },
      async deliver() {
        return true;
      },
      async release() {},
    };
    const deduper = new Deduper({ store });
    expect(deduper.decideAtOnce('p:gh:2')).toBeUndefined();
    expect(claims).toEqual([]);
    const clock = new TurnClock();
    clock.start({ replyTimeout: 1000 });
    const decision = await deduper.decide('p:gh:2', clock, silentLogger);
    expect(claims).toEqual(['p:gh:2']);
    if (!decision.run) throw new Error('expected a ticket');
    expect(deduper.rememberAtOnce(decision.ticket, 'x')).toBe(false);
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
