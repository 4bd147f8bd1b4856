import { NO_SLOT as NONE, PackedLru } from '../packed-lru.js';
import type { DedupeClaim, DedupeStore, DeliveryChannel } from './store.js';

/** Options of {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** Most entries kept; the least recently used go first. Default 10 000. */
  max?: number;
  /**
   * Most bytes the store's buffer takes: the keys and cached replies in UTF-8, plus 8 bytes each.
   * When it is full, the least recently used go until a quarter of it is free. Default 32 MiB:
   * 10 000 typical replies (~1 KiB) fit three times over, while a burst of huge replies cannot
   * hold more than this.
   */
  maxBytes?: number;
}

/** The default of {@link MemoryDedupeStoreOptions.max}. */
export const DEFAULT_MEMORY_DEDUPE_MAX = 10_000;
/** The default of {@link MemoryDedupeStoreOptions.maxBytes}. */
export const DEFAULT_MEMORY_DEDUPE_MAX_BYTES = 32 * 1024 * 1024;

/** The shortest pause between two sweeps of the whole table. */
const MIN_SWEEP_INTERVAL = 100;

const CLAIMED: DedupeClaim = Object.freeze({ state: 'claimed' });
const PENDING: DedupeClaim = Object.freeze({ state: 'pending' });
/** The entry's flags: who won the delivery of its late reply, if anyone did. */
const DELIVERED_PASSIVE = 1;
const DELIVERED_PUSH = 2;

type Waiter = (body: string | undefined) => void;

/**
 * The default dedupe store: an LRU table in this process, bounded by entries (`max`) and by bytes
 * (`maxBytes`), whose expired entries are swept without waiting for their key to come back.
 * Right for one instance; with several instances behind a load balancer, WeChat's retries may
 * land on another one, so use {@link RedisDedupeStore} there.
 *
 * Its entries are kept outside the JavaScript heap (see `PackedLru`): the keys and replies as
 * UTF-8 bytes in one buffer, the rest in typed arrays. Every message is remembered for tens of
 * seconds, and as objects they would be copied by every garbage collection until promoted.
 *
 * @example
 * ```ts
 * const routes = new Router().text((ctx) => ctx.wechat.message.content);
 * app.use(pipeline({ token, routes, dedupe: { store: new MemoryDedupeStore({ max: 50_000 }) } }));
 * ```
 */
export class MemoryDedupeStore implements DedupeStore {
  readonly #table: PackedLru;
  /** The retries waiting for a reply, by key: made only while one waits. */
  readonly #waiters = new Map<string, Set<Waiter>>();
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
    this.#table = new PackedLru({
      maxEntries: max,
      maxBytes,
      onEvict: (slot) => this.#wakeSlot(slot),
    });
  }

  /** How many entries are held now (expired ones included until the next sweep). */
  get size(): number {
    return this.#table.size;
  }

  /** The bytes held now: each entry's key and reply in UTF-8, plus 8. */
  get bytes(): number {
    return this.#table.bytes;
  }

  // claim() and complete() answer at once, without a promise: this store has its answer, and the
  // deduper skips a turn of the microtask queue on every message when it gets it so.
  claim(key: string, window: number): DedupeClaim {
    const slot = this.#get(key);
    if (slot === NONE) {
      this.#add(key, undefined, window);
      return CLAIMED;
    }
    const body = this.#table.value(slot);
    return body === undefined ? PENDING : { state: 'done', body };
  }

  complete(key: string, body: string, window: number): void {
    const slot = this.#get(key);
    if (slot === NONE) this.#add(key, body, window);
    else {
      this.#table.setExpires(slot, Date.now() + window);
      this.#table.setValue(slot, body);
    }
    // Waiters get the reply even when it alone is past maxBytes and was not kept.
    this.#wake(key, body);
  }

  wait(key: string, timeout: number): Promise<string | undefined> {
    const slot = this.#get(key);
    if (slot === NONE) return Promise.resolve(undefined);
    const body = this.#table.value(slot);
    if (body !== undefined) return Promise.resolve(body);
    // The entry's expiry ends the wait too: nothing can complete it after that.
    const left = Math.min(timeout, this.#table.expires(slot) - Date.now());
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(key) ?? new Set<Waiter>();
      this.#waiters.set(key, waiters);
      const done = (reply: string | undefined) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
        resolve(reply);
      };
      const timer = setTimeout(done, Math.max(0, left), undefined);
      waiters.add(done);
    });
  }

  async deliver(key: string, channel: DeliveryChannel, window: number): Promise<boolean> {
    let slot = this.#get(key);
    if (slot === NONE) slot = this.#add(key, undefined, window);
    const won = channel === 'passive' ? DELIVERED_PASSIVE : DELIVERED_PUSH;
    if (slot === NONE) return true; // a key past maxBytes alone: nothing can be remembered
    const delivered = this.#table.flags(slot);
    if (delivered === 0) {
      this.#table.setFlags(slot, won);
      return true;
    }
    return won === DELIVERED_PASSIVE && delivered === DELIVERED_PASSIVE;
  }

  async release(key: string): Promise<void> {
    const slot = this.#table.find(key);
    if (slot !== NONE) this.#drop(slot);
  }

  /** The live slot of `key`, marked as most recently used; an expired entry is dropped. */
  #get(key: string): number {
    const table = this.#table;
    const slot = table.find(key);
    if (slot === NONE) return NONE;
    if (table.expires(slot) <= Date.now()) {
      this.#drop(slot);
      return NONE;
    }
    table.touch(slot);
    return slot;
  }

  /** A new entry for `key`, as the most recently used (NONE when it alone is past maxBytes). */
  #add(key: string, body: string | undefined, window: number): number {
    const now = Date.now();
    // The expired entries at the head go (their waiters woken by onEvict); one stuck behind a
    // live entry is left to the timed full sweep.
    this.#table.evictExpired(now);
    const slot = this.#table.insert(key, body, now + window);
    this.#scheduleSweep(window, now);
    return slot;
  }

  /**
   * Full sweeps while entries are held, so an idle bot frees them too: each at the earliest expiry
   * left, but never more often than every quarter of the shortest window seen (at least 100 ms),
   * which keeps a scan of the table cheap however expiries are spread. An expired entry stays at
   * most a quarter window. The timer is unref'd (it never keeps the process alive) and stops once
   * the table is empty, so it does not keep a store its owner dropped alive past its entries.
   */
  #scheduleSweep(window: number, now: number): void {
    const interval = Math.max(MIN_SWEEP_INTERVAL, window / 4);
    if (interval < this.#sweepInterval) this.#sweepInterval = interval;
    this.#sweepAt(now + this.#sweepInterval, now);
  }

  #sweepAt(due: number, now: number): void {
    if (this.#sweeper && due >= this.#sweepDue) return;
    clearTimeout(this.#sweeper);
    this.#sweepDue = due;
    this.#sweeper = setTimeout(() => this.#sweep(), Math.max(0, due - now));
    this.#sweeper.unref?.();
  }

  #sweep(): void {
    this.#sweeper = undefined;
    const table = this.#table;
    const now = Date.now();
    let earliest = Number.POSITIVE_INFINITY;
    table.forEach((slot) => {
      const expires = table.expires(slot);
      if (expires <= now) this.#drop(slot);
      else if (expires < earliest) earliest = expires;
    });
    if (table.size > 0) this.#sweepAt(Math.max(now + this.#sweepInterval, earliest), now);
  }

  #drop(slot: number): void {
    this.#wakeSlot(slot);
    this.#table.remove(slot);
  }

  /** Wakes the retries waiting on the entry in `slot`, which is going, with nothing. */
  #wakeSlot(slot: number): void {
    if (this.#waiters.size > 0) this.#wake(this.#table.key(slot), undefined);
  }

  #wake(key: string, body: string | undefined): void {
    const waiters = this.#waiters.get(key);
    if (!waiters) return;
    for (const waiter of [...waiters]) waiter(body);
  }
}
