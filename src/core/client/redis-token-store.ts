import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { StoredToken, TokenStore } from './token-store.js';

/**
 * The Redis commands {@link RedisTokenStore} uses. An ioredis `Redis` or `Cluster` fits as is
 * (ioredis is your dependency; zgrobot only types against it).
 */
export interface RedisTokenClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, pxToken: 'PX', ms: number): Promise<unknown>;
  set(key: string, value: string, pxToken: 'PX', ms: number, nxToken: 'NX'): Promise<unknown>;
  incr(key: string): Promise<number>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions {
  /** The key of the token (JSON `{ token, expiresAt }`). Default `zgrobot:access_token`; use one per AppID. */
  key?: string;
  /**
   * How long the refresh lock is held at most, in ms (default 10 000): a process that dies while
   * refreshing blocks the others no longer than this. Make it longer than a token request takes.
   */
  lockTtl?: number;
  /** How long to wait for the lock before giving up with an error, in ms. Default `2 × lockTtl`. */
  lockWait?: number;
  /** How often a waiting process tries the lock again, in ms. Default 50. */
  retryInterval?: number;
}

// Compare-and-delete: only the holder (same fencing token) releases the lock.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
// A fenced write: the token is stored only while the writer still holds the lock.
const FENCED_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) return 1 end return 0`;
// Compare-and-drop: the token is removed only if it is still the rejected one.
const INVALIDATE = `local v = redis.call('GET', KEYS[1]) if v and cjson.decode(v).token == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A {@link TokenStore} in Redis, so every process and machine serving one AppID shares one access
 * token and only one of them asks WeChat for a new one.
 *
 * The refresh lock is `SET <key>:lock <fence> NX PX <lockTtl>`, where `<fence>` is a fencing token:
 * a number from `INCR <key>:fence` (it only grows) plus a random id. The refreshed token is
 * written by a script that checks the lock still holds this fence, so a process that was paused
 * past `lockTtl` (and lost the lock to another) cannot overwrite the newer token; its write is
 * skipped, and the token it got stays good for its own call (WeChat keeps the previous token
 * valid for a few minutes). The lock is released by compare-and-delete. Waiting processes retry
 * every `retryInterval` ms; the client then reads the token the holder stored.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { Client, RedisTokenStore } from 'zgrobot';
 *
 * const redis = new Redis('redis://127.0.0.1:6379');
 * const client = new Client({
 *   appId, appSecret,
 *   tokenStore: new RedisTokenStore(redis, { key: `wechat:token:${appId}` }),
 * });
 * ```
 */
export class RedisTokenStore implements TokenStore {
  readonly #redis: RedisTokenClient;
  readonly #options: RedisTokenStoreOptions;
  readonly #key: string;
  readonly #lockTtl: number;
  readonly #lockWait: number;
  readonly #retryInterval: number;
  // The fence of the lock held by the code running now, so set() knows to write fenced.
  readonly #held = new AsyncLocalStorage<string>();

  constructor(redis: RedisTokenClient, options: RedisTokenStoreOptions = {}) {
    this.#redis = redis;
    this.#options = options;
    this.#key = options.key ?? 'zgrobot:access_token';
    this.#lockTtl = options.lockTtl ?? 10_000;
    if (!(this.#lockTtl > 0 && Number.isFinite(this.#lockTtl))) {
      throw new RangeError(
        `RedisTokenStore: lockTtl must be a positive number, got ${this.#lockTtl}`,
      );
    }
    this.#lockWait = options.lockWait ?? 2 * this.#lockTtl;
    this.#retryInterval = Math.max(5, options.retryInterval ?? 50);
  }

  /** The Redis key of the token; the lock is `<key>:lock`, the fencing counter `<key>:fence`. */
  get key(): string {
    return this.#key;
  }

  async get(): Promise<StoredToken | undefined> {
    const text = await this.#redis.get(this.#key);
    if (text === null) return undefined;
    const value = JSON.parse(text) as Partial<StoredToken>;
    if (typeof value.token !== 'string' || typeof value.expiresAt !== 'number') return undefined;
    return { token: value.token, expiresAt: value.expiresAt };
  }

  async set(value: StoredToken): Promise<void> {
    const text = JSON.stringify({ token: value.token, expiresAt: value.expiresAt });
    const ttl = Math.max(1, Math.ceil(value.expiresAt - Date.now()));
    const fence = this.#held.getStore();
    if (fence === undefined) {
      await this.#redis.set(this.#key, text, 'PX', ttl);
      return;
    }
    await this.#redis.eval(FENCED_SET, 2, `${this.#key}:lock`, this.#key, fence, text, ttl);
  }

  async lock<T>(fn: () => Promise<T>): Promise<T> {
    const lockKey = `${this.#key}:lock`;
    const fence = `${await this.#redis.incr(`${this.#key}:fence`)}:${randomUUID()}`;
    const giveUp = Date.now() + this.#lockWait;
    while ((await this.#redis.set(lockKey, fence, 'PX', this.#lockTtl, 'NX')) !== 'OK') {
      if (Date.now() >= giveUp) {
        throw new Error(
          `RedisTokenStore: could not get the lock ${lockKey} within ${this.#lockWait} ms`,
        );
      }
      const jitter = Math.random() * this.#retryInterval;
      await new Promise((resolve) => setTimeout(resolve, this.#retryInterval / 2 + jitter));
    }
    try {
      return await this.#held.run(fence, fn);
    } finally {
      await this.#redis.eval(RELEASE, 1, lockKey, fence).catch(() => {
        // Redis went away: the lock expires by itself after lockTtl.
      });
    }
  }

  async invalidate(token: string): Promise<void> {
    await this.#redis.eval(INVALIDATE, 1, this.#key, token);
  }

  /**
   * 同一个 Redis 上键为 `<key>:<name>` 的存储（锁与选项相同），客户端用它在多进程间共享 JS-SDK ticket。
   * The same store on the key `<key>:<name>` (its own lock, the same options): the client keeps
   * the JS-SDK tickets there, so every process shares them as it shares the token.
   *
   * @example
   * ```ts
   * const store = new RedisTokenStore(redis, { key: 'wechat:token:wx123' });
   * store.sibling('jsapi_ticket').key; // 'wechat:token:wx123:jsapi_ticket'
   * ```
   */
  sibling(name: string): RedisTokenStore {
    return new RedisTokenStore(this.#redis, { ...this.#options, key: `${this.#key}:${name}` });
  }
}
