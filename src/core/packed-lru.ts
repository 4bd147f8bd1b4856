/** Options of a {@link PackedLru}. */
export interface PackedLruOptions {
  /** Most entries held, a positive whole number; past it the least recently used goes. */
  maxEntries: number;
  /**
   * Most bytes the arena (keys and values in UTF-8, 8 bytes of header each) may take; counted in
   * whole bytes, at most 2 GiB.
   */
  maxBytes: number;
  /**
   * Called with an entry's slot just before the table drops it to make room (not on `remove`).
   * It may read the entry (`key`, `value`…) but must not change the table: `insert` holds the new
   * key's bytes in a scratch buffer while it runs.
   */
  onEvict?: (slot: number) => void;
}

/** "No slot": what `find`, `insert` and `oldest` answer when there is none. */
export const NO_SLOT = -1;
/** An empty slot in the index, and "no slot" in the lists. */
const NONE = NO_SLOT;
/** Record offsets are 32-bit, and a slot's tag is twice its number. */
const MAX_BYTES = 2 ** 31 - 1;
const MAX_ENTRIES = 2 ** 29;
/**
 * Bytes in front of every record in the arena: whose it is (slot × 2, + 1 for a value) and the
 * record's length.
 */
const HEADER = 8;
const FIRST_SLOTS = 64;
const FIRST_ARENA = 16 * 1024;

/**
 * A least-recently-used table of string keys, each with an optional string value, an expiry and
 * a byte of flags, that holds no JavaScript object per entry: the entries live in typed arrays
 * (a doubly linked list for the order, an open-addressing index on a seeded hash of the key's
 * UTF-8 bytes), the keys and values as UTF-8 records in one Buffer, a record each.
 *
 * Why: the memory dedupe and nonce stores keep every message for tens of seconds. As objects
 * (an entry, its key, the reply string, a Map slot) each one survives the young generation, is
 * copied by every scavenge until it is promoted, then has to be collected from the old one: the
 * most of dedup's cost in a profile. Here a message costs a few typed-array writes and a copy
 * of its bytes, and the collector never sees it.
 *
 * The arena is appended to; a value set again, or an entry gone, leaves its records behind. When
 * the end is reached the live records are compacted to the front (the buffer grows, doubling up to
 * `maxBytes`, while they fill more than half of it); when it is full, the least recently used
 * entries are dropped until a quarter of it is free. Keys are compared byte for byte, so a hash
 * collision never mixes two entries up; compared as UTF-8, a key with a lone surrogate is the same
 * key as with U+FFFD in its place.
 *
 * @example
 * ```ts
 * const table = new PackedLru({ maxEntries: 10_000, maxBytes: 1 << 20 });
 * const slot = table.find('k') ?? table.insert('k', 'v', Date.now() + 60_000);
 * table.value(slot); // 'v'
 * ```
 */
export class PackedLru {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #onEvict: ((slot: number) => void) | undefined;
  readonly #seed = (Math.random() * 0x1_0000_0000) >>> 0;

  // One entry per slot.
  #hashes = new Int32Array(0);
  #prev = new Int32Array(0);
  /** The next newer slot; for a free slot, the next free one. */
  #next = new Int32Array(0);
  #expires = new Float64Array(0);
  #flags = new Uint8Array(0);
  /** Where the slot's key record starts in the arena (NONE while it is being added). */
  #keyAt = new Int32Array(0);
  /** Where the slot's value record starts in the arena, NONE when it has no value. */
  #valueAt = new Int32Array(0);
  #keyBytes = new Int32Array(0);
  #valueBytes = new Int32Array(0);
  /** Index position → slot + 1 (0: empty); linear probing, never more than half full. */
  #index = new Int32Array(0);

  #oldest = NONE;
  #newest = NONE;
  #free = NONE;
  #size = 0;

  #arena: Buffer = Buffer.alloc(0);
  /** Where the next record goes. */
  #end = 0;
  /** Bytes of the records still owned. */
  #live = 0;
  /** The last key looked for, in UTF-8: `insert` reuses it when it is the same key. */
  #scratch = Buffer.allocUnsafeSlow(256);
  #scratchKey: string | undefined;
  #scratchBytes = 0;
  #scratchHash = 0;

  /** @throws {RangeError} for a `maxEntries` that is not a positive whole number, or no `maxBytes`. */
  constructor(options: PackedLruOptions) {
    const { maxEntries } = options;
    if (!(Number.isInteger(maxEntries) && maxEntries > 0 && maxEntries <= MAX_ENTRIES)) {
      throw new RangeError(
        `PackedLru: maxEntries must be a positive whole number, got ${maxEntries}`,
      );
    }
    const maxBytes = Math.min(Math.floor(options.maxBytes), MAX_BYTES);
    if (!(maxBytes > 0)) {
      throw new RangeError(`PackedLru: maxBytes must be at least 1, got ${options.maxBytes}`);
    }
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
    this.#onEvict = options.onEvict;
    this.#resize(Math.min(FIRST_SLOTS, this.#maxEntries));
  }

  /** How many entries are held. */
  get size(): number {
    return this.#size;
  }

  /** The bytes of the records held: keys and values in UTF-8, plus 8 for each. */
  get bytes(): number {
    return this.#live;
  }

  /** The slot of `key`, or NONE (-1). Does not touch it. */
  find(key: string): number {
    this.#encode(key);
    const bytes = this.#scratchBytes;
    const hash = this.#scratchHash;
    const index = this.#index;
    const mask = index.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const slot = index[at]! - 1;
      if (slot === NONE) return NONE;
      if (this.#hashes[slot] === hash && this.#keyBytes[slot] === bytes && this.#sameKey(slot)) {
        return slot;
      }
    }
  }

  /**
   * Adds `key`, which must not be held, as the most recently used; drops the least recently used
   * past `maxEntries`. Returns its slot, or NONE when its record alone is past `maxBytes`.
   */
  insert(key: string, value: string | undefined, expires: number): number {
    this.#encode(key);
    const bytes = HEADER + this.#scratchBytes;
    // A key that can never be held evicts nobody.
    if (bytes > this.#maxBytes) return NONE;
    if (this.#size >= this.#maxEntries) this.#evict(this.#oldest);
    if (this.#free === NONE) this.#resize(Math.min(this.#maxEntries, this.#hashes.length * 2));
    const slot = this.#free;
    this.#free = this.#next[slot]!;
    this.#size++;
    this.#hashes[slot] = this.#scratchHash;
    this.#keyBytes[slot] = this.#scratchBytes;
    this.#expires[slot] = expires;
    this.#flags[slot] = 0;
    this.#keyAt[slot] = NONE;
    this.#valueAt[slot] = NONE;
    this.#link(slot);
    this.#indexAdd(slot);
    const start = this.#reserve(bytes, slot);
    this.#arena.writeInt32LE(2 * slot, start);
    this.#arena.writeInt32LE(bytes, start + 4);
    this.#scratch.copy(this.#arena, start + HEADER, 0, this.#scratchBytes);
    this.#keyAt[slot] = start;
    this.#live += bytes;
    if (value !== undefined && !this.setValue(slot, value)) return NONE;
    return slot;
  }

  /** The value of `slot`, or `undefined` when it has none. */
  value(slot: number): string | undefined {
    const at = this.#valueAt[slot]!;
    if (at === NONE) return undefined;
    return this.#arena.toString('utf8', at + HEADER, at + HEADER + this.#valueBytes[slot]!);
  }

  /** The key of `slot`. */
  key(slot: number): string {
    const start = this.#keyAt[slot]! + HEADER;
    return this.#arena.toString('utf8', start, start + this.#keyBytes[slot]!);
  }

  /**
   * Sets the value of `slot`. Returns false when the entry had to go instead: its record alone
   * is past `maxBytes`.
   */
  setValue(slot: number, value: string): boolean {
    // The old value is dead from here: making room may evict everything else, never this entry.
    if (this.#valueAt[slot] !== NONE) this.#live -= HEADER + this.#valueBytes[slot]!;
    this.#valueAt[slot] = NONE;
    const valueBytes = Buffer.byteLength(value, 'utf8');
    const bytes = HEADER + valueBytes;
    if (HEADER + this.#keyBytes[slot]! + bytes > this.#maxBytes) {
      this.remove(slot);
      return false;
    }
    const start = this.#reserve(bytes, slot);
    const arena = this.#arena;
    arena.writeInt32LE(2 * slot + 1, start);
    arena.writeInt32LE(bytes, start + 4);
    arena.write(value, start + HEADER, valueBytes, 'utf8');
    this.#valueAt[slot] = start;
    this.#valueBytes[slot] = valueBytes;
    this.#live += bytes;
    return true;
  }

  expires(slot: number): number {
    return this.#expires[slot]!;
  }

  setExpires(slot: number, expires: number): void {
    this.#expires[slot] = expires;
  }

  flags(slot: number): number {
    return this.#flags[slot]!;
  }

  setFlags(slot: number, flags: number): void {
    this.#flags[slot] = flags;
  }

  /** The least recently used slot, or NONE when the table is empty. */
  oldest(): number {
    return this.#oldest;
  }

  /**
   * Drops the expired entries at the old end, each through `onEvict`, and stops at the first live
   * one: cheap enough for every insert. An entry used again moves to the new end with its old
   * expiry, so an expired entry may still sit behind a live one.
   */
  evictExpired(now: number): void {
    for (let oldest = this.#oldest; oldest !== NONE; oldest = this.#oldest) {
      if (this.#expires[oldest]! > now) return;
      this.#evict(oldest);
    }
  }

  /** Makes `slot` the most recently used. */
  touch(slot: number): void {
    if (slot === this.#newest) return;
    this.#unlink(slot);
    this.#link(slot);
  }

  /** Drops `slot`. */
  remove(slot: number): void {
    this.#indexRemove(slot);
    this.#unlink(slot);
    if (this.#keyAt[slot] !== NONE) this.#live -= HEADER + this.#keyBytes[slot]!;
    if (this.#valueAt[slot] !== NONE) this.#live -= HEADER + this.#valueBytes[slot]!;
    this.#keyAt[slot] = NONE;
    this.#valueAt[slot] = NONE;
    this.#next[slot] = this.#free;
    this.#free = slot;
    this.#size--;
    // An empty table gives back an arena grown by a burst of large values.
    if (this.#size === 0) {
      this.#end = 0;
      if (this.#arena.length > FIRST_ARENA) this.#arena = Buffer.alloc(0);
    }
  }

  /** Calls `visit` with every slot held, oldest first; `visit` may remove the slot it is given. */
  forEach(visit: (slot: number) => void): void {
    for (let slot = this.#oldest; slot !== NONE; ) {
      const newer = this.#next[slot]!;
      visit(slot);
      slot = newer;
    }
  }

  #evict(slot: number): void {
    this.#onEvict?.(slot);
    this.remove(slot);
  }

  /** Room for `bytes` at the end of the arena, compacting, growing or evicting (never `keep`). */
  #reserve(bytes: number, keep: number): number {
    if (this.#end + bytes > this.#arena.length) {
      const needed = this.#live + bytes;
      let capacity = this.#arena.length;
      if (2 * needed > capacity && capacity < this.#maxBytes) {
        capacity = Math.min(this.#maxBytes, Math.max(FIRST_ARENA, 2 * capacity, 2 * needed));
      }
      // Full: the least recently used go until a quarter is free, so compactions stay rare.
      const target = Math.max(bytes, Math.floor((capacity * 3) / 4));
      let victim = this.#oldest;
      while (this.#live + bytes > target) {
        if (victim === keep) victim = this.#next[victim]!;
        if (victim === NONE) break;
        const newer = this.#next[victim]!;
        this.#evict(victim);
        victim = newer;
      }
      this.#compact(capacity);
    }
    const start = this.#end;
    this.#end += bytes;
    return start;
  }

  /**
   * Moves the live records, in arena order, to the front of an arena of `capacity` bytes. The
   * records that stay together (most of them: entries go oldest first) move in one copy.
   */
  #compact(capacity: number): void {
    const from = this.#arena;
    const to = capacity === from.length ? from : Buffer.allocUnsafeSlow(capacity);
    let write = 0;
    // The run of live records being gathered: from `runStart` to `read` in the old arena.
    let runStart = 0;
    let runTo = 0;
    const flush = (runEnd: number) => {
      if (runEnd > runStart && (to !== from || runTo !== runStart)) {
        if (to === from) from.copyWithin(runTo, runStart, runEnd);
        else to.set(from.subarray(runStart, runEnd), runTo);
      }
    };
    let read = 0;
    while (read < this.#end) {
      const owner = from.readInt32LE(read);
      const bytes = from.readInt32LE(read + 4);
      // Cannot happen; a guard against looping forever on a damaged arena all the same.
      if (bytes < HEADER) throw new Error(`PackedLru: damaged record at ${read}`);
      const slot = owner >> 1;
      const places = owner & 1 ? this.#valueAt : this.#keyAt;
      if (places[slot] === read) {
        places[slot] = write;
        write += bytes;
      } else {
        flush(read);
        runStart = read + bytes;
        runTo = write;
      }
      read += bytes;
    }
    flush(read);
    this.#arena = to;
    this.#end = write;
  }

  /** Puts `key` in UTF-8 into the scratch buffer and hashes it, unless it is there already. */
  #encode(key: string): void {
    if (key === this.#scratchKey) return;
    if (this.#scratch.length < 3 * key.length) {
      this.#scratch = Buffer.allocUnsafeSlow(3 * key.length);
    }
    const scratch = this.#scratch;
    const bytes = scratch.write(key, 0, 'utf8');
    // FNV-1a from a seed of this table, then murmur3's finaliser to spread the low bits the
    // index uses. The seed keeps colliding keys from being made ahead (keys come from signed
    // requests only).
    let hash = this.#seed ^ 0x811c9dc5;
    for (let i = 0; i < bytes; i++) hash = Math.imul(hash ^ scratch[i]!, 0x01000193);
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    this.#scratchKey = key;
    this.#scratchBytes = bytes;
    this.#scratchHash = hash;
  }

  /** Whether the key of `slot` is the one in the scratch buffer (same length checked before). */
  #sameKey(slot: number): boolean {
    const arena = this.#arena;
    const scratch = this.#scratch;
    const start = this.#keyAt[slot]! + HEADER;
    for (let i = this.#scratchBytes - 1; i >= 0; i--) {
      if (arena[start + i] !== scratch[i]) return false;
    }
    return true;
  }

  #link(slot: number): void {
    this.#prev[slot] = this.#newest;
    this.#next[slot] = NONE;
    if (this.#newest === NONE) this.#oldest = slot;
    else this.#next[this.#newest] = slot;
    this.#newest = slot;
  }

  #unlink(slot: number): void {
    const prev = this.#prev[slot]!;
    const next = this.#next[slot]!;
    if (prev === NONE) this.#oldest = next;
    else this.#next[prev] = next;
    if (next === NONE) this.#newest = prev;
    else this.#prev[next] = prev;
  }

  #indexAdd(slot: number): void {
    const index = this.#index;
    const mask = index.length - 1;
    let at = this.#hashes[slot]! & mask;
    while (index[at] !== 0) at = (at + 1) & mask;
    index[at] = slot + 1;
  }

  /** Takes `slot` out of the index, shifting back the entries probed past it (no tombstones). */
  #indexRemove(slot: number): void {
    const index = this.#index;
    const mask = index.length - 1;
    let hole = this.#hashes[slot]! & mask;
    while (index[hole] !== slot + 1) hole = (hole + 1) & mask;
    for (let at = (hole + 1) & mask; index[at] !== 0; at = (at + 1) & mask) {
      const home = this.#hashes[index[at]! - 1]! & mask;
      // The entry at `at` may fill the hole unless its home lies cyclically in (hole, at].
      const stays = hole <= at ? hole < home && home <= at : hole < home || home <= at;
      if (!stays) {
        index[hole] = index[at]!;
        hole = at;
      }
    }
    index[hole] = 0;
  }

  /** Grows the per-slot arrays to `capacity` slots and rebuilds the index for it. */
  #resize(capacity: number): void {
    const old = this.#hashes.length;
    const grown = <T extends Int32Array | Float64Array | Uint8Array>(array: T, make: T): T => {
      make.set(array);
      return make;
    };
    this.#hashes = grown(this.#hashes, new Int32Array(capacity));
    this.#prev = grown(this.#prev, new Int32Array(capacity));
    this.#next = grown(this.#next, new Int32Array(capacity));
    this.#expires = grown(this.#expires, new Float64Array(capacity));
    this.#flags = grown(this.#flags, new Uint8Array(capacity));
    this.#keyAt = grown(this.#keyAt, new Int32Array(capacity));
    this.#valueAt = grown(this.#valueAt, new Int32Array(capacity));
    this.#keyBytes = grown(this.#keyBytes, new Int32Array(capacity));
    this.#valueBytes = grown(this.#valueBytes, new Int32Array(capacity));
    // The new slots join the free list, lowest first.
    for (let slot = capacity - 1; slot >= old; slot--) {
      this.#next[slot] = this.#free;
      this.#free = slot;
    }
    let indexSize = 16;
    while (indexSize < 2 * capacity) indexSize *= 2;
    this.#index = new Int32Array(indexSize);
    this.forEach((slot) => {
      this.#indexAdd(slot);
    });
  }
}
