import { describe, expect, it } from 'vitest';
import { MemoryDedupeStore } from '../../src/core/dedupe/memory.js';
import { describeDedupeStoreContract } from './contract.js';

describeDedupeStoreContract('MemoryDedupeStore', () => new MemoryDedupeStore());

describe('MemoryDedupeStore', () => {
  it('keeps at most max entries, dropping the least recently used', async () => {
    const store = new MemoryDedupeStore({ max: 3 });
    for (const key of ['a', 'b', 'c']) await store.claim(key, 30_000);
    await store.claim('a', 30_000); // touch a: b is now the oldest
    await store.claim('d', 30_000);
    expect(store.size).toBe(3);
    expect(await store.claim('b', 30_000)).toEqual({ state: 'claimed' }); // b was dropped
    expect(await store.claim('a', 30_000)).toEqual({ state: 'pending' });
  });

  it('keeps the bound when complete or deliver meet a key it no longer holds', async () => {
    const store = new MemoryDedupeStore({ max: 2 });
    await store.complete('a', 'x', 30_000);
    await store.deliver('b', 'push', 30_000);
    await store.deliver('c', 'passive', 30_000);
    expect(store.size).toBe(2);
    expect(await store.claim('a', 30_000)).toEqual({ state: 'claimed' }); // a was dropped
  });

  it('defaults to 10 000 entries', async () => {
    const store = new MemoryDedupeStore();
    for (let i = 0; i < 10_050; i++) await store.claim(`k${i}`, 30_000);
    expect(store.size).toBe(10_000);
  });

  it('refuses a max that is not a positive whole number', () => {
    for (const max of [0, -1, 1.5])
      expect(() => new MemoryDedupeStore({ max })).toThrow(RangeError);
  });

  it('keeps its buffer within maxBytes (keys and replies in UTF-8, + 8 for each); when full, the least recently used go until a quarter is free', async () => {
    const store = new MemoryDedupeStore({ maxBytes: 10_000 });
    const reply = 'r'.repeat(1_000); // 1 017 bytes with its key of 1 character
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    for (const key of keys) {
      await store.claim(key, 30_000);
      await store.complete(key, reply, 30_000);
    }
    expect(store.bytes).toBe(9 * 1_017);
    await store.claim('a', 30_000); // touch a: b is now the oldest
    await store.complete('j', reply, 30_000); // 10 × 1 017 > 10 000: b, c and d go (7 119 ≤ 7 500)
    expect(store.size).toBe(7);
    expect(store.bytes).toBe(7 * 1_017);
    for (const key of ['b', 'c', 'd']) {
      expect(await store.claim(key, 30_000)).toEqual({ state: 'claimed' });
    }
    expect(await store.claim('a', 30_000)).toEqual({ state: 'done', body: reply });
  });

  it('defaults to 32 MiB: 300 replies of 512 KiB are not all kept, the newest are', async () => {
    const store = new MemoryDedupeStore();
    const reply = 'x'.repeat(512 * 1024);
    for (let i = 0; i < 300; i++) await store.complete(`k${i}`, `${reply}${i}`, 30_000);
    expect(store.bytes).toBeLessThanOrEqual(32 * 1024 * 1024);
    // 63 fit in 32 MiB; when full, down to three quarters (48).
    expect(store.size).toBeGreaterThanOrEqual(48);
    expect(store.size).toBeLessThanOrEqual(63);
    for (let i = 300 - store.size; i < 300; i++) {
      expect(await store.claim(`k${i}`, 30_000)).toEqual({ state: 'done', body: `${reply}${i}` });
    }
    expect(await store.claim('k0', 30_000)).toEqual({ state: 'claimed' });
  });

  it('a reply alone past maxBytes still reaches the retries waiting for it, then is dropped', async () => {
    const store = new MemoryDedupeStore({ maxBytes: 100 });
    await store.claim('k', 30_000);
    const waiting = store.wait('k', 5_000);
    await store.complete('k', 'y'.repeat(200), 30_000);
    expect(await waiting).toBe('y'.repeat(200));
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });

  it('counts bytes back down on release and expiry', async () => {
    const store = new MemoryDedupeStore();
    await store.claim('a', 30_000);
    await store.complete('a', 'xyz', 30_000);
    await store.claim('b', 100);
    expect(store.bytes).toBe(8 + 1 + (8 + 3) + (8 + 1));
    await store.release('a');
    expect(store.bytes).toBe(8 + 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await store.claim('c', 30_000); // sweeps the expired head (b)
    expect(store.bytes).toBe(8 + 1);
  });

  it('sweeps expired entries without their keys being looked up again', async () => {
    const store = new MemoryDedupeStore();
    for (let i = 0; i < 50; i++) await store.complete(`k${i}`, 'reply', 200);
    expect(store.size).toBe(50);
    await new Promise((resolve) => setTimeout(resolve, 500)); // idle: only the timer runs
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });

  it('sweeps an expired entry stuck behind a live one at the head', async () => {
    const store = new MemoryDedupeStore();
    await store.claim('live', 30_000);
    await store.claim('short', 200);
    await store.claim('live', 30_000); // live moves to the tail: short is at the head
    await store.claim('short', 200); // short moves to the tail, behind live, with its old expiry
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(store.size).toBe(1);
    expect(await store.claim('live', 30_000)).toEqual({ state: 'pending' });
  });

  it('ends a wait, with undefined, when its entry expires', async () => {
    const store = new MemoryDedupeStore();
    await store.claim('k', 150);
    const started = Date.now();
    expect(await store.wait('k', 5_000)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('wakes the waiters of an entry evicted to make room (by count or by bytes) with undefined', async () => {
    const byCount = new MemoryDedupeStore({ max: 1 });
    await byCount.claim('a', 30_000);
    const started = Date.now();
    const waiting = byCount.wait('a', 5_000);
    await byCount.claim('b', 30_000); // a goes
    expect(await waiting).toBeUndefined();
    const byBytes = new MemoryDedupeStore({ maxBytes: 1_000 });
    await byBytes.claim('c', 30_000);
    const waitingToo = byBytes.wait('c', 5_000);
    // 9 + 9 + 988 bytes do not fit in 1 000, d's own 997 do: c goes to make room.
    await byBytes.complete('d', 'r'.repeat(980), 30_000);
    expect(await waitingToo).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses a maxBytes that is not a positive number', () => {
    for (const maxBytes of [0, -1, Number.NaN])
      expect(() => new MemoryDedupeStore({ maxBytes })).toThrow(RangeError);
  });
});
