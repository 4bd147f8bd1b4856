// PackedLru (the table of the memory dedupe and nonce stores) against a plain model (an array in
// least-recently-used order), through long random runs that cross its growth, compactions and
// evictions; then the stores on it keeping their bounds under churn.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDedupeStore } from '../../src/core/dedupe/memory.js';
import { PackedLru } from '../../src/core/packed-lru.js';
import { MemoryNonceStore } from '../../src/core/security/nonce-store.js';
import { check } from '../fuzz/support.js';

interface Held {
  key: string;
  value: string | undefined;
  expires: number;
  flags: number;
}

type Op =
  | { op: 'insert'; key: string; value: string | undefined }
  | { op: 'set'; pick: number; value: string }
  | { op: 'touch'; pick: number }
  | { op: 'remove'; pick: number }
  | { op: 'flags'; pick: number; flags: number };

// Keys collide on purpose (a small alphabet, short): several are looked up that are not held.
// Values run from empty to a few kilobytes, with characters of 1 to 4 UTF-8 bytes.
const key = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '微', '😀'), maxLength: 6 });
const value = fc.oneof(
  fc.string({ unit: fc.constantFrom('x', 'ü', '信', '🎉'), maxLength: 40 }),
  fc.nat({ max: 3000 }).map((n) => 'v'.repeat(n)),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      key,
      value: fc.option(value, { nil: undefined }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('touch' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant('flags' as const),
      pick: fc.nat(),
      flags: fc.nat({ max: 255 }),
    }),
    weight: 1,
  },
);

// A record for the key, and one for the value: 8 bytes of header each.
const recordBytes = (held: Held) =>
  8 +
  Buffer.byteLength(held.key) +
  (held.value === undefined ? 0 : 8 + Buffer.byteLength(held.value));

/** A table that notes the key of every entry it evicts, oldest first. */
function recordingTable(maxEntries: number, maxBytes: number) {
  const evicted: string[] = [];
  const table: PackedLru = new PackedLru({
    maxEntries,
    maxBytes,
    onEvict: (slot) => evicted.push(table.key(slot)),
  });
  return { table, evicted };
}

describe('PackedLru', () => {
  it('holds what a model holds: values, order, bounds (entries and bytes), evicting the least recently used', async () => {
    await check(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 800, size: 'max' }),
        // Small tables evict all the time; large ones fill an index where probe runs wrap around.
        fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 100, max: 300 })),
        fc.constantFrom(64, 4_000, 20_000, 1 << 20),
        (ops, maxEntries, maxBytes) => {
          let model: Held[] = [];
          const { table, evicted } = recordingTable(maxEntries, maxBytes);
          const slotOf = (held: Held) => {
            const slot = table.find(held.key);
            expect(slot).toBeGreaterThanOrEqual(0);
            expect(table.key(slot)).toBe(held.key);
            return slot;
          };
          let tick = 0;
          for (const step of ops) {
            evicted.length = 0;
            if (step.op === 'insert') {
              // A key not held is not found (and one held is).
              const present = model.some((m) => m.key === step.key);
              expect(table.find(step.key) >= 0).toBe(present);
              if (present) continue;
              const held = { key: step.key, value: step.value, expires: ++tick, flags: 0 };
              model.push(held);
              const fits = recordBytes(held) <= maxBytes;
              expect(table.insert(step.key, step.value, tick) >= 0).toBe(fits);
              if (!fits) model.pop();
              // Evicted: only the oldest (by count), or the oldest ones until a quarter is free.
              for (const key of evicted) {
                expect(model[0]?.key).toBe(key);
                model.shift();
              }
            } else if (model.length > 0) {
              const held = model[step.pick % model.length]!;
              const slot = slotOf(held);
              if (step.op === 'set') {
                held.value = step.value;
                const kept = table.setValue(slot, step.value);
                expect(kept).toBe(recordBytes(held) <= maxBytes);
                // The entry set is never evicted to make room for itself; the others go oldest first.
                const rest = model.filter((m) => m !== held);
                for (const key of evicted) expect(rest.shift()?.key).toBe(key);
                model = model.filter((m) => (m === held ? kept : !evicted.includes(m.key)));
                // Evicting for bytes leaves a quarter of the buffer free, so compactions stay rare.
                if (kept && evicted.length > 0) {
                  const target = Math.max(recordBytes(held), Math.floor((maxBytes * 3) / 4));
                  expect(table.bytes).toBeLessThanOrEqual(target);
                }
              } else if (step.op === 'touch') {
                table.touch(slot);
                model = [...model.filter((m) => m !== held), held];
              } else if (step.op === 'remove') {
                table.remove(slot);
                model = model.filter((m) => m !== held);
              } else {
                table.setFlags(slot, step.flags);
                held.flags = step.flags;
              }
            }
            expect(table.size).toBe(model.length);
            expect(table.size).toBeLessThanOrEqual(maxEntries);
            expect(table.bytes).toBe(model.reduce((sum, m) => sum + recordBytes(m), 0));
            expect(table.bytes).toBeLessThanOrEqual(maxBytes);
          }
          // Everything held reads back, in order, oldest first.
          const order: string[] = [];
          table.forEach((slot) => {
            order.push(table.key(slot));
          });
          expect(order).toEqual(model.map((m) => m.key));
          for (const held of model) {
            const slot = slotOf(held);
            expect(table.value(slot)).toBe(held.value);
            expect(table.expires(slot)).toBe(held.expires);
            expect(table.flags(slot)).toBe(held.flags);
          }
          expect(table.oldest() === -1).toBe(model.length === 0);
        },
      ),
      150,
    );
  }, 60_000);

  it('evicting for bytes, frees a quarter of the buffer at once (the oldest first), not just the room needed', () => {
    const { table, evicted } = recordingTable(100, 4_000);
    for (let i = 0; i < 10; i++) table.insert(`k${i}`, 'v'.repeat(300), i); // 10 + 308 bytes
    expect(table.bytes).toBe(3_180);
    table.setValue(table.find('k5'), 'v'.repeat(1_500)); // 3 180 - 308 + 1 508 > 4 000
    // Room alone needed two to go; down to 3 000 (three quarters) takes five.
    expect(evicted).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(table.bytes).toBe(4 * 318 + 10 + 1_508);
  });

  it('finds nothing for a key with the same hash bucket but other bytes, and keeps both apart', () => {
    const table = new PackedLru({ maxEntries: 10_000, maxBytes: 1 << 22 });
    // 5000 keys in a 16 384-position index: many share a bucket and probe past each other.
    for (let i = 0; i < 5_000; i++) table.insert(`k${i}`, `v${i}`, i);
    for (let i = 0; i < 5_000; i += 2) table.remove(table.find(`k${i}`));
    for (let i = 0; i < 5_000; i++) {
      const slot = table.find(`k${i}`);
      if (i % 2 === 0) expect(slot).toBe(-1);
      else expect(table.value(slot)).toBe(`v${i}`);
    }
    expect(table.find('k5000')).toBe(-1);
  });

  it('starts over once empty (a large buffer given back), and goes on working', () => {
    const table = new PackedLru({ maxEntries: 10, maxBytes: 1 << 24 });
    const slot = table.insert('big', 'x'.repeat(4 << 20), 1);
    expect(table.bytes).toBeGreaterThan(4 << 20);
    table.remove(slot);
    expect(table.bytes).toBe(0);
    const again = table.insert('small', 'y', 1);
    expect(table.value(again)).toBe('y');
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

describe('PackedLru bounds', () => {
  it('refuses a maxEntries that is not a positive whole number, and a maxBytes under 1', () => {
    for (const maxEntries of [0, -1, 2.5, Number.NaN]) {
      expect(() => new PackedLru({ maxEntries, maxBytes: 1_000 })).toThrow(RangeError);
    }
    for (const maxBytes of [0, 0.5, Number.NaN]) {
      expect(() => new PackedLru({ maxEntries: 10, maxBytes })).toThrow(RangeError);
    }
  });

  it('evictExpired drops the expired entries at the old end through onEvict, up to the first live one', () => {
    const { table, evicted } = recordingTable(10, 1_000);
    for (const [key, expires] of [
      ['a', 1],
      ['b', 2],
      ['c', 9],
      ['d', 1],
    ] as const) {
      table.insert(key, undefined, expires);
    }
    table.evictExpired(5);
    expect(evicted).toEqual(['a', 'b']); // d is expired too, but behind the live c
    expect(table.size).toBe(2);
  });

  it('evicts nobody for a key that can never be held', () => {
    const evicted: number[] = [];
    const table = new PackedLru({
      maxEntries: 1,
      maxBytes: 20,
      onEvict: (slot) => evicted.push(slot),
    });
    table.insert('a', undefined, 1);
    expect(table.insert('a key longer than twenty bytes', undefined, 1)).toBe(-1);
    expect(evicted).toEqual([]);
    expect(table.find('a')).toBeGreaterThanOrEqual(0);
  });
});
