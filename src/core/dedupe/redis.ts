import type { DedupeClaim, DedupeStore, DeliveryChannel } from './store.js';

/**
 * The Redis commands {@link RedisDedupeStore} uses. An ioredis `Redis` or `Cluster` fits as is
 * (zgrobot only types against it: ioredis is your dependency, not ours).
 */
export interface RedisDedupeClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, pxToken: 'PX', ms: number): Promise<unknown>;
  set(key: string, value: string, pxToken: 'PX', ms: number, nxToken: 'NX'): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

/** Options of {@link RedisDedupeStore}. */
export interface RedisDedupeStoreOptions {
  /** Prefix of every key. Default `zgrobot:dedupe:`. */
  prefix?: string;
  /** How often a waiting retry asks Redis for the reply, in ms. Default 50. */
  pollInterval?: number;
}

const PENDING = 'p';
const DONE = 'd';

/**
 * A dedupe store in Redis, shared by every bot instance that uses the same Redis and prefix, so
 * WeChat's retries are recognised whichever instance they reach.
 *
 * - claim: `SET <key> p PX <window> NX` (then `GET` when the key exists);
 * - reply: `SET <key> d<xml> PX <window>`;
 * - a waiting retry polls `GET <key>` every `pollInterval` ms, bounded by its deadline (a reply
 *   completed in this same process wakes it at once);
 * - late-reply delivery: `SET <key>:dl passive|push PX <window> NX`.
 *
 * Every entry expires with the window, so nothing needs cleaning up. Create the ioredis client with
 * `enableOfflineQueue: false` (or a small `maxRetriesPerRequest`) to fail fast while Redis is
 * down; the dedupe stage bounds every call anyway and goes on without dedup when Redis fails.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { RedisDedupeStore, ZgRoBot } from 'zgrobot';
 *
 * const redis = new Redis('redis://127.0.0.1:6379');
 * const robot = new ZgRoBot({ token, dedupe: { store: new RedisDedupeStore(redis) } });
 * ```
 */
export class RedisDedupeStore implements DedupeStore {
  readonly #redis: RedisDedupeClient;
  readonly #prefix: string;
  readonly #pollInterval: number;
  readonly #local = new Map<string, Set<(body: string | undefined) => void>>();

  constructor(redis: RedisDedupeClient, options: RedisDedupeStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'zgrobot:dedupe:';
    this.#pollInterval = Math.max(5, options.pollInterval ?? 50);
  }

  /** The Redis key of a dedupe key. */
  key(key: string): string {
    return this.#prefix + key;
  }

  async claim(key: string, window: number): Promise<DedupeClaim> {
    const k = this.key(key);
    // Twice at most: the key may expire between the SET and the GET.
    for (let attempt = 0; attempt < 2; attempt++) {
      const won = await this.#redis.set(k, PENDING, 'PX', ms(window), 'NX');
      if (won === 'OK') return { state: 'claimed' };
      const value = await this.#redis.get(k);
      if (value === null) continue;
      return value.startsWith(DONE)
        ? { state: 'done', body: value.slice(1) }
        : { state: 'pending' };
    }
    return { state: 'pending' };
  }

  async complete(key: string, body: string, window: number): Promise<void> {
    await this.#redis.set(this.key(key), DONE + body, 'PX', ms(window));
    this.#wakeLocal(key, body);
  }

  async wait(key: string, timeout: number): Promise<string | undefined> {
    const deadline = Date.now() + timeout;
    const k = this.key(key);
    // Set from a callback, so kept in an object the compiler does not narrow.
    const local: { woken?: { body: string | undefined }; wake?: () => void } = {};
    const waiter = (body: string | undefined) => {
      local.woken = { body };
      local.wake?.();
    };
    const woken = () => local.woken;
    const waiters = this.#local.get(key) ?? new Set();
    this.#local.set(key, waiters);
    waiters.add(waiter);
    try {
      for (;;) {
        const before = woken();
        if (before) return before.body;
        const value = await this.#redis.get(k);
        const after = woken();
        if (after) return after.body;
        if (value === null) return undefined;
        if (value.startsWith(DONE)) return value.slice(1);
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(this.#pollInterval, left));
          local.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        local.wake = undefined;
      }
    } finally {
      waiters.delete(waiter);
      if (waiters.size === 0 && this.#local.get(key) === waiters) this.#local.delete(key);
    }
  }

  async deliver(key: string, channel: DeliveryChannel, window: number): Promise<boolean> {
    const k = `${this.key(key)}:dl`;
    if ((await this.#redis.set(k, channel, 'PX', ms(window), 'NX')) === 'OK') return true;
    if (channel === 'push') return false;
    return (await this.#redis.get(k)) === 'passive';
  }

  async release(key: string): Promise<void> {
    await this.#redis.del(this.key(key));
    this.#wakeLocal(key, undefined);
  }

  #wakeLocal(key: string, body: string | undefined): void {
    const waiters = this.#local.get(key);
    if (!waiters) return;
    for (const waiter of [...waiters]) waiter(body);
  }
}

function ms(value: number): number {
  return Math.max(1, Math.ceil(value));
}
