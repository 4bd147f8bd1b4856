import { describe, expect, it } from 'vitest';
import type { DedupeStore } from '../../src/core/dedupe/store.js';

let counter = 0;
/** A key no other case (or run) uses. */
export const freshKey = (label: string) =>
  `${label}:${process.pid}:${Date.now()}:${++counter}:${Math.random().toString(36).slice(2, 8)}`;

/** The cases every dedupe store passes. */
export function describeDedupeStoreContract(name: string, make: () => DedupeStore): void {
  describe(`${name} (dedupe store contract)`, () => {
    it('claims a new key once; later claims see it pending, then done with the body', async () => {
      const store = make();
      const key = freshKey('claim');
      expect(await store.claim(key, 30_000)).toEqual({ state: 'claimed' });
      expect(await store.claim(key, 30_000)).toEqual({ state: 'pending' });
      await store.complete(key, '<xml>回复 ]]> 😀</xml>', 30_000);
      expect(await store.claim(key, 30_000)).toEqual({
        state: 'done',
        body: '<xml>回复 ]]> 😀</xml>',
      });
    });

    it('lets only one of many concurrent claims win', async () => {
      const store = make();
      const key = freshKey('race');
      const claims = await Promise.all(Array.from({ length: 20 }, () => store.claim(key, 30_000)));
      expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.state === 'pending')).toHaveLength(19);
    });

    it('wakes a waiter when the reply is stored', async () => {
      const store = make();
      const key = freshKey('wait');
      await store.claim(key, 30_000);
      const waiting = store.wait(key, 5_000);
      setTimeout(() => void store.complete(key, 'reply', 30_000), 100);
      const started = Date.now();
      expect(await waiting).toBe('reply');
      expect(Date.now() - started).toBeLessThan(4_000);
    });

    it('gives up waiting after the timeout', async () => {
      const store = make();
      const key = freshKey('timeout');
      await store.claim(key, 30_000);
      const started = Date.now();
      expect(await store.wait(key, 200)).toBeUndefined();
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    });

    it('answers a wait on a done key at once, and on an unknown key with undefined', async () => {
      const store = make();
      const key = freshKey('done');
      await store.claim(key, 30_000);
      await store.complete(key, 'x', 30_000);
      expect(await store.wait(key, 5_000)).toBe('x');
      expect(await store.wait(freshKey('unknown'), 5_000)).toBeUndefined();
    });

    it('releases a key so it can be claimed again, waking waiters with undefined', async () => {
      const store = make();
      const key = freshKey('release');
      await store.claim(key, 30_000);
      const waiting = store.wait(key, 5_000);
      const released = Date.now();
      await store.release(key);
      expect(await waiting).toBeUndefined();
      // Woken by the release, not by the end of its own wait.
      expect(Date.now() - released).toBeLessThan(1_000);
      expect(await store.claim(key, 30_000)).toEqual({ state: 'claimed' });
    });

    it('lets exactly one channel deliver; passive may deliver again, push never twice', async () => {
      const store = make();
      const a = freshKey('deliver-a');
      expect(await store.deliver(a, 'passive', 30_000)).toBe(true);
      expect(await store.deliver(a, 'passive', 30_000)).toBe(true);
      expect(await store.deliver(a, 'push', 30_000)).toBe(false);
      const b = freshKey('deliver-b');
      expect(await store.deliver(b, 'push', 30_000)).toBe(true);
      expect(await store.deliver(b, 'push', 30_000)).toBe(false);
      expect(await store.deliver(b, 'passive', 30_000)).toBe(false);
    });

    it('forgets a key after its window', async () => {
      const store = make();
      const key = freshKey('expire');
      await store.claim(key, 300);
      await store.complete(key, 'x', 300);
      await new Promise((r) => setTimeout(r, 600));
      expect(await store.claim(key, 30_000)).toEqual({ state: 'claimed' });
    });
  });
}
