import { LruOrder } from '../lru-order.js';
import type { DedupeClaim, DedupeStore, DeliveryChannel } from './store.js';

/** Options of {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** Most entries kept; the least recently used go first. Default 10 000. */
  max?: number;
  /**
   * Most bytes kept, counted as 2 × (key length + cached reply length), the UTF-16 size; the least
   * recently used go first. Default 32 MiB: 10 000 typical replies (~1 KiB) fit many times over,
   * while a burst of huge replies cannot hold more than this.
   */
  maxBytes?: number;
}

/** The default of {@link MemoryDedupeStoreOptions.max}. */
export const DEFAULT_MEMORY_DEDUPE_MAX = 10_000;
/** The default of {@link MemoryDedupeStoreOptions.maxBytes}. */
export const DEFAULT_MEMORY_DEDUPE_MAX_BYTES = 32 * 1024 * 1024;

/** The shortest pause between two sweeps of the whole map. */
const MIN_SWEEP_INTERVAL = 100;

const CLAIMED: DedupeClaim = Object.freeze({ state: 'claimed' });

interface Entry {
  readonly key: string;
  /** Its place in the least-recently-used order. */
  slot: number;
  /** The estimated bytes of this entry, as last counted. */
  bytes: number;
  body: string | undefined;
  expires: number;
  delivery: DeliveryChannel | undefined;
  /** Made when a retry first waits: most messages never have one. */
  waiters: Set<(body: string | undefined) => void> | undefined;
}

/**
 * The default dedupe store: an LRU map in this process, bounded by entries (`max`) and by bytes
 * (`maxBytes`), whose expired entries are swept without waiting for their key to come back.
 * Right for one instance; with several instances behind a load balancer, WeChat's retries may
 * land on another one, so use {@link RedisDedupeStore} there.
 *
 * @example
 * ```ts
 * const routes = new Router().text((ctx) => ctx.wechat.message.content);
 * app.use(pipeline({ token, routes, dedupe: { store: new MemoryDedupeStore({ max: 50_000 }) } }));
 * ```
 */
export class MemoryDedupeStore implements DedupeStore {
  readonly #entries = new Map<string, Entry>();
  readonly #order = new LruOrder<Entry>();
  readonly #max: number;
  readonly #maxBytes: number;
  #bytes = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #sweepDue = 0;
  #sweepInterval = Number.POSITIVE_INFINITY;

  constructor(options: MemoryDedupeStoreOptions = {}) {
    const max = options.max ?? DEFAULT_MEMORY_DEDUPE_MAX;
    if (!(Number.isInteger(max) && max > 0)) {
      throw new RangeError(`MemoryDedupeStore: max must be a positive whole number, got ${max}`);
    }
    const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_DEDUPE_MAX_BYTES;
    if (!(Number.isFinite(maxBytes) && maxBytes > 0)) {
      throw new RangeError(
        `MemoryDedupeStore: maxBytes must be a positive number, got ${maxBytes}`,
      );
    }
    this.#max = max;
    this.#maxBytes = maxBytes;
  }

  /** How many entries are held now (expired ones included until the next sweep). */
  get size(): number {
    return this.#entries.size;
  }

  /** The estimated bytes held now: 2 × (key + reply length) summed over the entries. */
  get bytes(): number {
    return this.#bytes;
  }

  // claim() and complete() answer at once, without a promise: this store has its answer, and the
  // deduper skips a turn of the microtask queue on every message when it gets it so.
  claim(key: string, window: number): DedupeClaim {
    const entry = this.#get(key);
    if (entry)
      return entry.body === undefined ? { state: 'pending' } : { state: 'done', body: entry.body };
    this.#add(key, undefined, window);
    return CLAIMED;
  }

  complete(key: string, body: string, window: number): void {
    const entry = this.#get(key) ?? this.#add(key, body, window);
    entry.body = body;
    entry.expires = Date.now() + window;
    this.#recount(key, entry);
    // Waiters get the reply even when it alone is past maxBytes and is dropped right after.
    this.#wake(entry, body);
    this.#evict();
  }

  wait(key: string, timeout: number): Promise<string | undefined> {
    const entry = this.#get(key);
    if (!entry) return Promise.resolve(undefined);
    if (entry.body !== undefined) return Promise.resolve(entry.body);
    return new Promise((resolve) => {
      const waiters = entry.waiters ?? new Set();
      entry.waiters = waiters;
      const done = (body: string | undefined) => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve(body);
      };
      const timer = setTimeout(done, Math.max(0, timeout), undefined);
      waiters.add(done);
    });
  }

  async deliver(key: string, channel: DeliveryChannel, window: number): Promise<boolean> {
    const entry = this.#get(key) ?? this.#add(key, undefined, window);
    if (entry.delivery === undefined) {
      entry.delivery = channel;
      return true;
    }
    return channel === 'passive' && entry.delivery === 'passive';
  }

  async release(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (entry) this.#drop(entry);
  }

  /** The live entry of `key`, marked as most recently used; expired entries are dropped. */
  #get(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.#drop(entry);
      return undefined;
    }
    this.#order.touch(entry);
    return entry;
  }

  /** A new entry for `key`, as the most recently used; the least recently used go past a bound. */
  #add(key: string, body: string | undefined, window: number): Entry {
    const now = Date.now();
    this.#sweepHead(now);
    const entry: Entry = {
      key,
      slot: 0,
      bytes: 0,
      body,
      expires: now + window,
      delivery: undefined,
      waiters: undefined,
    };
    this.#entries.set(key, entry);
    this.#order.add(entry);
    this.#recount(key, entry);
    this.#evict();
    this.#scheduleSweep(window);
    return entry;
  }

  #recount(key: string, entry: Entry): void {
    const bytes = 2 * (key.length + (entry.body?.length ?? 0));
    this.#bytes += bytes - entry.bytes;
    entry.bytes = bytes;
  }

  #evict(): void {
    while (this.#entries.size > this.#max || this.#bytes > this.#maxBytes) {
      const oldest = this.#order.oldest();
      if (!oldest) return;
      this.#drop(oldest);
    }
  }

  /**
   * Drops the expired entries at the head (the least recently used). Cheap on every add, but it
   * stops at the first live entry, and an entry used again moves to the tail with its old expiry,
   * so an expired entry may sit behind a live one: the timed full sweep catches those.
   */
  #sweepHead(now: number): void {
    for (;;) {
      const oldest = this.#order.oldest();
      if (!oldest || oldest.expires > now) return;
      this.#drop(oldest);
    }
  }

  /**
   * Full sweeps while entries are held, so an idle bot frees them too: each at the earliest expiry
   * left, but never more often than every quarter of the shortest window seen (at least 100 ms),
   * which keeps a scan of the map cheap however expiries are spread. An expired entry stays at
   * most a quarter window. The timer is unref'd (it never keeps the process alive) and stops once
   * the map is empty, so it does not keep a store its owner dropped alive past its entries.
   */
  #scheduleSweep(window: number): void {
    this.#sweepInterval = Math.min(this.#sweepInterval, Math.max(MIN_SWEEP_INTERVAL, window / 4));
    this.#sweepAt(Date.now() + this.#sweepInterval);
  }

  #sweepAt(due: number): void {
    if (this.#sweeper && due >= this.#sweepDue) return;
    clearTimeout(this.#sweeper);
    this.#sweepDue = due;
    this.#sweeper = setTimeout(() => this.#sweep(), Math.max(0, due - Date.now()));
    this.#sweeper.unref?.();
  }

  #sweep(): void {
    this.#sweeper = undefined;
    const now = Date.now();
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of this.#entries.values()) {
      if (entry.expires <= now) this.#drop(entry);
      else earliest = Math.min(earliest, entry.expires);
    }
    if (this.#entries.size > 0) this.#sweepAt(Math.max(now + this.#sweepInterval, earliest));
  }

  #drop(entry: Entry): void {
    this.#entries.delete(entry.key);
    this.#order.remove(entry);
    this.#bytes -= entry.bytes;
    this.#wake(entry, undefined);
  }

  #wake(entry: Entry, body: string | undefined): void {
    if (!entry.waiters) return;
    for (const waiter of [...entry.waiters]) waiter(body);
  }
}
