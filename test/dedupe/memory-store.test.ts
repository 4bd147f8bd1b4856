import { describe, expect, it } from 'vitest';
import { MemoryDedupeStore } from '../../src/dedupe/memory.js';
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
});
