import type { DedupeClaim, DedupeStore, DeliveryChannel } from './store.js';

/** Options of {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** Most entries kept; the least recently used go first. Default 10 000. */
  max?: number;
}

interface Entry {
  body: string | undefined;
  expires: number;
  delivery: DeliveryChannel | undefined;
  /** Made when a retry first waits: most messages never have one. */
  waiters: Set<(body: string | undefined) => void> | undefined;
}

/**
 * The default dedupe store: a bounded LRU map in this process. Right for one instance; with
 * several instances behind a load balancer, WeChat's retries may land on another one, so use
 * {@link RedisDedupeStore} there.
 *
 * @example
 * ```ts
 * const routes = new Router().text((ctx) => ctx.wechat.message.content);
 * app.use(pipeline({ token, routes, dedupe: { store: new MemoryDedupeStore({ max: 50_000 }) } }));
 * ```
 */
export class MemoryDedupeStore implements DedupeStore {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;

  constructor(options: MemoryDedupeStoreOptions = {}) {
    const max = options.max ?? 10_000;
    if (!(Number.isInteger(max) && max > 0)) {
      throw new RangeError(`MemoryDedupeStore: max must be a positive whole number, got ${max}`);
    }
    this.#max = max;
  }

  /** How many entries are held now (expired ones included until they are next touched). */
  get size(): number {
    return this.#entries.size;
  }

  async claim(key: string, window: number): Promise<DedupeClaim> {
    const entry = this.#get(key);
    if (entry)
      return entry.body === undefined ? { state: 'pending' } : { state: 'done', body: entry.body };
    this.#add(key, undefined, window);
    return { state: 'claimed' };
  }

  async complete(key: string, body: string, window: number): Promise<void> {
    const entry = this.#get(key) ?? this.#add(key, body, window);
    entry.body = body;
    entry.expires = Date.now() + window;
    this.#wake(entry, body);
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
    if (!entry) return;
    this.#entries.delete(key);
    this.#wake(entry, undefined);
  }

  /** The live entry of `key`, marked as most recently used; expired entries are dropped. */
  #get(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= Date.now()) {
      this.#wake(entry, undefined);
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry;
  }

  /** A new entry for `key`, as the most recently used; the least recently used go past `max`. */
  #add(key: string, body: string | undefined, window: number): Entry {
    const entry: Entry = {
      body,
      expires: Date.now() + window,
      delivery: undefined,
      waiters: undefined,
    };
    this.#entries.set(key, entry);
    this.#evict();
    return entry;
  }

  #evict(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#max) return;
      this.#entries.delete(key);
      this.#wake(entry, undefined);
    }
  }

  #wake(entry: Entry, body: string | undefined): void {
    if (!entry.waiters) return;
    for (const waiter of [...entry.waiters]) waiter(body);
  }
}
