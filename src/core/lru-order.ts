/** An entry an {@link LruOrder} keeps: its slot is the order's to set. */
export interface Ordered {
  slot: number;
}

/** Slots a compaction leaves free at the front before the array is cut. */
const MIN_COMPACT = 1024;

/**
 * The least-recently-used order of a memory store's entries: `add` and `touch` put an entry last,
 * `oldest` is the first still in. A Map keeps insertion order too, but a store that evicts from
 * its head leaves deleted slots there that every walk from the head steps over again, up to the
 * Map's size each time; here the order is an array of entries whose head moves past removed ones
 * once, and whose holes are cut away as they pile up (amortised O(1) per operation).
 *
 * @example
 * ```ts
 * const order = new LruOrder<{ slot: number; key: string }>();
 * const a = { slot: 0, key: 'a' };
 * order.add(a);
 * order.oldest(); // a
 * ```
 */
export class LruOrder<E extends Ordered> {
  #items: (E | undefined)[] = [];
  /** The absolute slot of `#items[0]`. */
  #base = 0;
  /** Index of the first item that may still be in (the ones before are gone). */
  #head = 0;
  #live = 0;

  /** How many entries are in. */
  get size(): number {
    return this.#live;
  }

  /** Puts `entry` last. It must not be in already (see {@link LruOrder.touch}). */
  add(entry: E): void {
    entry.slot = this.#base + this.#items.length;
    this.#items.push(entry);
    this.#live++;
  }

  /** Takes `entry` out; nothing when it is not in. */
  remove(entry: E): void {
    const index = entry.slot - this.#base;
    if (index < this.#head || this.#items[index] !== entry) return;
    this.#items[index] = undefined;
    this.#live--;
    // Holes from entries used again or released pile up behind a head that does not move.
    if (this.#items.length - this.#head > 2 * this.#live + MIN_COMPACT) this.#compact();
  }

  /** Puts `entry`, which is in, last: it was just used. */
  touch(entry: E): void {
    this.remove(entry);
    this.add(entry);
  }

  /** The least recently used entry still in, or `undefined` when none is. */
  oldest(): E | undefined {
    const items = this.#items;
    let head = this.#head;
    while (head < items.length && items[head] === undefined) head++;
    this.#head = head;
    if (head >= MIN_COMPACT && head * 2 >= items.length) {
      this.#items = items.slice(head);
      this.#base += head;
      this.#head = 0;
    }
    return this.#items[this.#head];
  }

  /** Moves the entries to the front of a new array, in order, their slots renumbered. */
  #compact(): void {
    const kept: E[] = [];
    for (let index = this.#head; index < this.#items.length; index++) {
      const entry = this.#items[index];
      if (entry === undefined) continue;
      entry.slot = this.#base + kept.length;
      kept.push(entry);
    }
    this.#items = kept;
    this.#head = 0;
  }
}
