import { LruOrder } from '../lru-order.js';

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
  /** Most entries kept; the least recently used goes first. Default 10 000. */
  maxEntries?: number;
}

/**
 * The default {@link NonceStore}: an LRU map in this process, bounded by count, each entry
 * expiring after its `ttl`. No timer: expired entries go when they are met or evicted.
 *
 * @example
 * ```ts
 * const robot = new ZgRoBot({ token, nonceStore: new MemoryNonceStore({ maxEntries: 50_000 }) });
 * ```
 */
export class MemoryNonceStore implements NonceStore {
  readonly #max: number;
  readonly #entries = new Map<string, NonceEntry>();
  readonly #order = new LruOrder<NonceEntry>();

  constructor(options: MemoryNonceStoreOptions = {}) {
    this.#max = Math.max(1, options.maxEntries ?? 10_000);
  }

  /** How many entries are kept right now (expired ones included until met). */
  get size(): number {
    return this.#entries.size;
  }

  // Answers at once, without a promise: the replay check takes the answer on every request.
  remember(key: string, digest: string, ttl: number): string | undefined {
    const now = Date.now();
    const entry = this.#entries.get(key);
    if (entry && entry.expires > now) {
      this.#order.touch(entry);
      return entry.digest;
    }
    if (entry) this.#order.remove(entry);
    const added: NonceEntry = { key, digest, expires: now + ttl, slot: 0 };
    this.#entries.set(key, added);
    this.#order.add(added);
    this.#evict(now);
    return undefined;
  }

  // Drops expired entries at the old end, then the least recently used beyond the bound.
  #evict(now: number): void {
    for (;;) {
      const oldest = this.#order.oldest();
      if (!oldest || (this.#entries.size <= this.#max && oldest.expires > now)) return;
      this.#entries.delete(oldest.key);
      this.#order.remove(oldest);
    }
  }
}

interface NonceEntry {
  readonly key: string;
  readonly digest: string;
  readonly expires: number;
  slot: number;
}
