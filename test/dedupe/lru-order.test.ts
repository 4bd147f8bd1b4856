// LruOrder (the order of the memory dedupe and nonce stores) against a plain array model, through
// long random runs that cross its compactions (holes at the head, holes behind a head that does
// not move), and the stores on it keeping their bounds under churn.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDedupeStore } from '../../src/core/dedupe/memory.js';
import { LruOrder } from '../../src/core/lru-order.js';
import { MemoryNonceStore } from '../../src/core/security/nonce-store.js';
import { check } from '../fuzz/support.js';

interface Item {
  slot: number;
  id: number;
}

type Op = { op: 'add' } | { op: 'touch'; pick: number } | { op: 'remove'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ op: 'add' as const }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('touch' as const), pick: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }), weight: 2 },
);

describe('LruOrder', () => {
  it('orders as an array model does: add and touch put last, oldest is the first in', async () => {
    await check(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 6000 }),
        fc.boolean(),
        (ops, evictOldest) => {
          const order = new LruOrder<Item>();
          let model: Item[] = [];
          let next = 0;
          for (const step of ops) {
            if (step.op === 'add') {
              const item = { slot: -1, id: next++ };
              order.add(item);
              model.push(item);
            } else if (model.length > 0) {
              const item = model[step.pick % model.length]!;
              model = model.filter((m) => m !== item);
              if (step.op === 'touch') {
                order.touch(item);
                model.push(item);
              } else {
                order.remove(item);
              }
            }
            // A store evicting from the head keeps moving it (the holes before it go once).
            if (evictOldest && model.length > 50) {
              const oldest = order.oldest();
              expect(oldest).toBe(model[0]);
              if (oldest) order.remove(oldest);
              model.shift();
            }
            expect(order.oldest()).toBe(model[0]);
            expect(order.size).toBe(model.length);
          }
        },
      ),
      60,
    );
  });

  it('removing an entry twice, or one never added, changes nothing', () => {
    const order = new LruOrder<Item>();
    const a = { slot: -1, id: 1 };
    const b = { slot: -1, id: 2 };
    order.add(a);
    order.remove(b);
    order.add(b);
    order.remove(a);
    order.remove(a);
    expect(order.size).toBe(1);
    expect(order.oldest()).toBe(b);
  });
});

describe('the memory stores under churn', () => {
  it('MemoryDedupeStore keeps max entries and the most recent ones, over many windows of keys', async () => {
    const store = new MemoryDedupeStore({ max: 1000 });
    for (let i = 0; i < 50_000; i++) {
      await store.claim(`k${i}`, 30_000);
      await store.complete(`k${i}`, 'reply', 30_000);
      if (i % 7 === 0) await store.claim(`k${i - 500}`, 30_000); // a retry: used again
    }
    expect(store.size).toBe(1000);
    expect(await store.claim('k49999', 30_000)).toEqual({ state: 'done', body: 'reply' });
    expect(await store.claim('k48000', 30_000)).toEqual({ state: 'claimed' });
  });

  it('MemoryNonceStore keeps maxEntries and the most recent ones', async () => {
    const store = new MemoryNonceStore({ maxEntries: 1000 });
    for (let i = 0; i < 50_000; i++) {
      await store.remember(`n${i}`, `d${i}`, 600_000);
      if (i % 5 === 0) await store.remember(`n${i - 300}`, 'other', 600_000);
    }
    expect(store.size).toBe(1000);
    expect(await store.remember('n49999', 'x', 600_000)).toBe('d49999');
    expect(await store.remember('n40000', 'x', 600_000)).toBeUndefined();
  });
});
