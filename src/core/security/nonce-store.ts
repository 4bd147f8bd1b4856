import { NO_SLOT, PackedLru } from '../packed-lru.js';

/**
 * Where the replay check remembers the signed requests it has seen: `timestamp + nonce +
 * signature` → a digest of the body. `signature` covers only token, timestamp and nonce, so a
 * leaked signed URL could carry any body; remembering the first body under that URL refuses a
 * different one. Implement it to share the memory between instances (see {@link RedisNonceStore}).
 *
 * @example
 * ```ts
 * const earlier = await store.remember(key, sha1(body), 600_000);
 * if (earlier !== undefined && earlier !== sha1(body)) refuse();
 * ```
 */
export interface NonceStore {
  /**
   * Remembers `digest` under `key` for `ttl` ms unless something is remembered there already.
   * Answers (or resolves with) the digest remembered before (a repeat), or `undefined` (first
   * sight); a store that has its answer at once may give it without a promise.
   */
  remember(
    key: string,
    digest: string,
    ttl: number,
  ): string | undefined | Promise<string | undefined>;
}

/** Options of {@link MemoryNonceStore}. */
export interface MemoryNonceStoreOptions {
  /** Most entries kept, a positive whole number; the least recently used goes first. Default 10 000. */
  maxEntries?: number;
}

/** Bytes of buffer the memory nonce store may take for each entry it keeps. */
const BYTES_PER_ENTRY = 256;

/**
 * The default {@link NonceStore}: an LRU table in this process, bounded by count, each entry
 * expiring after its `ttl`. No timer: expired entries go when they are met or evicted. Its
 * entries are kept outside the JavaScript heap (see `PackedLru`), so remembering every request
 * costs the garbage collector nothing; it takes at most 256 bytes of buffer per entry (a WeChat
 * request's key and digest take about 70), and drops the least recently used sooner only for
 * keys made of very long nonces.
 *
 * @example
 * ```ts
 * const robot = new ZgRoBot({ token, nonceStore: new MemoryNonceStore({ maxEntries: 50_000 }) });
 * ```
 */
export class MemoryNonceStore implements NonceStore {
  readonly #table: PackedLru;

  /** @throws {RangeError} for a `maxEntries` that is not a positive whole number. */
  constructor(options: MemoryNonceStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    if (!(Number.isInteger(maxEntries) && maxEntries > 0)) {
      throw new RangeError(
        `MemoryNonceStore: maxEntries must be a positive whole number, got ${maxEntries}`,
      );
    }
    this.#table = new PackedLru({ maxEntries, maxBytes: maxEntries * BYTES_PER_ENTRY });
  }

  /** How many entries are kept right now (expired ones included until met). */
  get size(): number {
    return this.#table.size;
  }

  // Answers at once, without a promise: the replay check takes the answer on every request.
  remember(key: string, digest: string, ttl: number): string | undefined {
    const now = Date.now();
    const table = this.#table;
    const slot = table.find(key);
    if (slot !== NO_SLOT) {
      if (table.expires(slot) > now) {
        table.touch(slot);
        return table.value(slot);
      }
      table.remove(slot);
    }
    // The expired entries at the old end go first; the table drops the least recently used.
    table.evictExpired(now);
    table.insert(key, digest, now + ttl);
    return undefined;
  }
}
