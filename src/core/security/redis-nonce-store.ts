import type { NonceStore } from './nonce-store.js';

/**
 * The Redis commands {@link RedisNonceStore} uses. An ioredis `Redis` or `Cluster` fits as is
 * (zgrobot only types against it: ioredis is your dependency, not ours).
 */
export interface RedisNonceClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, pxToken: 'PX', ms: number, nxToken: 'NX'): Promise<unknown>;
}

/** Options of {@link RedisNonceStore}. */
export interface RedisNonceStoreOptions {
  /** Prefix of every key. Default `zgrobot:nonce:`. */
  prefix?: string;
}

/**
 * A {@link NonceStore} in Redis, shared by every instance that uses the same Redis and prefix, so
 * a replay is caught whichever instance it reaches: `SET <key> <digest> PX <ttl> NX`, then `GET`
 * when the key exists. Entries expire by themselves.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const robot = new ZgRoBot({ token, nonceStore: new RedisNonceStore(new Redis()) });
 * ```
 */
export class RedisNonceStore implements NonceStore {
  readonly #redis: RedisNonceClient;
  readonly #prefix: string;

  constructor(redis: RedisNonceClient, options: RedisNonceStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'zgrobot:nonce:';
  }

  /** The Redis key of a nonce key. */
  key(key: string): string {
    return this.#prefix + key;
  }

  async remember(key: string, digest: string, ttl: number): Promise<string | undefined> {
    const k = this.key(key);
    const px = Math.max(1, Math.ceil(ttl));
    // Twice at most: the key may expire between the SET and the GET.
    for (let attempt = 0; attempt < 2; attempt++) {
      if ((await this.#redis.set(k, digest, 'PX', px, 'NX')) === 'OK') return undefined;
      const earlier = await this.#redis.get(k);
      if (earlier !== null) return earlier;
    }
    return undefined;
  }
}
