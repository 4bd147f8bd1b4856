import { decodeSession, encodeSession } from './codec.js';
import type { SessionData, SessionStorage } from './storage.js';

/**
 * The Redis commands {@link RedisStorage} uses. An ioredis `Redis` or `Cluster` fits as is; any
 * other client fits through a three-line adapter (see {@link RedisStorage}).
 */
export interface RedisClientLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, secondsToken: 'EX', seconds: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

/** Options of {@link RedisStorage}. */
export interface RedisStorageOptions {
  /** Prefix of every key; default `ws_` as in the seed. */
  prefix?: string;
  /** Expire a session this many seconds after it was last written (`SET … EX`); default never. */
  ttl?: number;
}

/**
 * Keeps each session under its own Redis key (`<prefix><id>`, value JSON). Several bot instances
 * sharing one Redis share their sessions.
 *
 * Takes your client, as the seed does, and never closes it. ioredis is not a dependency of
 * zgrobot: install it (or any client) yourself. Errors from the client (Redis down, timeouts)
 * reject the returned promise; the session middleware logs them and goes on with an empty
 * session. To fail fast rather than queue commands while Redis is down, create the ioredis client
 * with `enableOfflineQueue: false` and a small `maxRetriesPerRequest`.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { RedisStorage, ZgRoBot } from 'zgrobot';
 *
 * const redis = new Redis('redis://127.0.0.1:6379');
 * const robot = new ZgRoBot({
 *   token: 'token',
 *   sessionStorage: new RedisStorage(redis, { prefix: 'my_prefix_', ttl: 7 * 24 * 3600 }),
 * });
 * ```
 *
 * @example With node-redis, adapt the `SET … EX` call:
 * ```ts
 * import { createClient } from 'redis';
 *
 * const client = await createClient().connect();
 * const storage = new RedisStorage({
 *   get: (key) => client.get(key),
 *   set: (key: string, value: string, _ex?: 'EX', seconds?: number) =>
 *     client.set(key, value, seconds === undefined ? {} : { EX: seconds }),
 *   del: (key) => client.del(key),
 * });
 * ```
 */
export class RedisStorage implements SessionStorage {
  readonly #redis: RedisClientLike;
  readonly #prefix: string;
  readonly #ttl: number | undefined;

  constructor(redis: RedisClientLike, options: RedisStorageOptions = {}) {
    const { prefix = 'ws_', ttl } = options;
    if (ttl !== undefined && !(Number.isInteger(ttl) && ttl > 0)) {
      throw new RangeError(
        `RedisStorage: ttl must be a positive whole number of seconds, got ${ttl}`,
      );
    }
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttl = ttl;
  }

  /** The Redis key a session id is stored under. */
  key(id: string): string {
    return this.#prefix + id;
  }

  async get(id: string): Promise<SessionData> {
    const text = await this.#redis.get(this.key(id));
    return text === null || text === undefined ? {} : decodeSession(text, 'RedisStorage');
  }

  async set(id: string, value: SessionData): Promise<void> {
    const text = encodeSession(value);
    if (this.#ttl === undefined) await this.#redis.set(this.key(id), text);
    else await this.#redis.set(this.key(id), text, 'EX', this.#ttl);
  }

  async delete(id: string): Promise<void> {
    await this.#redis.del(this.key(id));
  }
}
