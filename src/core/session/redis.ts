import { decodeSession, encodeSession } from './codec.js';
import { RedisScript } from './redis-script.js';
import type { SessionData, SessionLease, SessionStorage } from './storage.js';

/**
 * The Redis commands {@link RedisStorage} uses. An ioredis `Redis` or `Cluster` fits as is; any
 * other client fits through a three-line adapter (see {@link RedisStorage}).
 */
export interface RedisClientLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, secondsToken: 'EX', seconds: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
  /** `EVAL script numkeys key… arg…`, for the turn locks (atomic compare-and-set scripts). */
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /**
   * `EVALSHA sha1 numkeys key… arg…`: when the client has it, each script is sent by its SHA-1
   * and sent whole (`eval`) only when Redis answers NOSCRIPT (after a restart or `SCRIPT FLUSH`).
   */
  evalsha?(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

// Lock + read in one step: the lock is ours when it was free or already ours.
const ACQUIRE = new RedisScript(`local holder = redis.call('GET', KEYS[2])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
  local value = redis.call('GET', KEYS[1])
  if value == false then return {1} end
  return {1, value}
end
return {0, redis.call('PTTL', KEYS[2])}`);

const RENEW = new RedisScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`);

// Write (or delete) the session only while the caller still holds the lock, then free it.
const RELEASE = new RedisScript(`if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if ARGV[2] == 'set' then
  if ARGV[4] == '' then redis.call('SET', KEYS[1], ARGV[3])
  else redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4]) end
elseif ARGV[2] == 'del' then
  redis.call('DEL', KEYS[1])
end
redis.call('DEL', KEYS[2])
return 1`);

/** Options of {@link RedisStorage}. */
export interface RedisStorageOptions {
  /** Prefix of every key; default `ws_` as in WeRoBot. */
  prefix?: string;
  /** Expire a session this many seconds after it was last written (`SET … EX`); default never. */
  ttl?: number;
}

/**
 * Keeps each session under its own Redis key (`<prefix><id>`, value JSON). Several bot instances
 * sharing one Redis share their sessions.
 *
 * Takes your client, as WeRoBot does, and never closes it. ioredis is not a dependency of
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
 *   eval: (script, numKeys, ...args) =>
 *     client.eval(script, {
 *       keys: args.slice(0, numKeys).map(String),
 *       arguments: args.slice(numKeys).map(String),
 *     }),
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

  async acquire(id: string, owner: string, leaseMs: number): Promise<SessionLease> {
    const key = this.key(id);
    const reply = await ACQUIRE.run(this.#redis, 2, key, lockKey(key), owner, Math.ceil(leaseMs));
    const [won, value] = Array.isArray(reply) ? reply : [];
    if (Number(won) !== 1) return { acquired: false, retryAfter: Math.max(0, Number(value ?? 0)) };
    return {
      acquired: true,
      data: typeof value === 'string' ? decodeSession(value, 'RedisStorage') : {},
    };
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const reply = await RENEW.run(this.#redis, 1, lockKey(this.key(id)), owner, Math.ceil(leaseMs));
    return Number(reply) === 1;
  }

  async release(id: string, owner: string, value?: SessionData | null): Promise<boolean> {
    const key = this.key(id);
    const mode = value === null ? 'del' : value === undefined ? 'keep' : 'set';
    const text = value ? encodeSession(value) : '';
    const ttl = this.#ttl === undefined ? '' : String(this.#ttl);
    const reply = await RELEASE.run(this.#redis, 2, key, lockKey(key), owner, mode, text, ttl);
    return Number(reply) === 1;
  }
}

/**
 * The key of a session's turn lock. In a Redis Cluster both keys of a script must share a slot:
 * braces make the lock hash like the session key, unless that key already has a hash tag of its
 * own, which the suffix then keeps.
 */
function lockKey(key: string): string {
  return /\{[^}]+\}/.test(key) ? `${key}:lock` : `{${key}}:lock`;
}
