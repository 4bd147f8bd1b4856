/** An access token and the moment it stops being valid. */
export interface StoredToken {
  /** The `access_token` WeChat issued. */
  token: string;
  /** When it expires, in milliseconds since the epoch (`Date.now()` scale). */
  expiresAt: number;
}

/**
 * Where the client keeps its access token. The default, {@link MemoryTokenStore}, is right for
 * one process. When several processes or machines share one Official Account, give them a
 * shared store (Redis, a database): WeChat allows only a limited number of token requests a
 * day, and with `/cgi-bin/token` every new token invalidates the previous one after a few
 * minutes, so processes that each fetched their own would keep breaking each other.
 *
 * Contract for implementers:
 * - `get()` returns what `set()` last stored, or `undefined`. It may return an expired token;
 *   the client checks `expiresAt` itself (it refreshes 60 s before expiry).
 * - `set()` stores the token. Give the stored key a TTL of about `expiresAt - now` if you like;
 *   the client does not rely on it.
 * - `lock(fn)` (optional) runs `fn` while holding a lock shared by every process using the
 *   store, and returns its result. The client refreshes inside it and checks the store again
 *   first, so only one process asks WeChat for a token while the others wait and reuse it.
 *   Without `lock`, refreshes are still single-flight inside one process.
 * - `invalidate(token)` (optional) must drop the stored token **only if it is still `token`**
 *   (compare-and-swap): it is called after WeChat rejected `token` (40001/40014/42001), and a
 *   newer token another process stored meanwhile must survive. Without it the client does the
 *   compare and the write itself (inside `lock` when there is one) by storing the same token
 *   with `expiresAt: 0`.
 * - `sibling(name)` (optional) returns a store of the same kind for another credential kept next
 *   to this one: the JS-SDK tickets (`name` is `jsapi_ticket` or `wx_card_ticket`). Same backend,
 *   another key, same contract. Without it the client keeps its tickets in memory.
 *
 * @example
 * ```ts
 * // Sketch of a Redis store (ioredis):
 * const key = 'wechat:access_token';
 * const store: TokenStore = {
 *   async get() {
 *     const raw = await redis.get(key);
 *     return raw ? (JSON.parse(raw) as StoredToken) : undefined;
 *   },
 *   async set(value) {
 *     await redis.set(key, JSON.stringify(value), 'PX', Math.max(1, value.expiresAt - Date.now()));
 *   },
 *   async lock(fn) {
 *     // acquire e.g. SET key:lock <id> NX PX 10000, retry until acquired, release after fn()
 *     return fn();
 *   },
 * };
 * ```
 */
export interface TokenStore {
  /** The stored token, or `undefined` when there is none. */
  get(): Promise<StoredToken | undefined>;
  /** Store a freshly granted token. */
  set(value: StoredToken): Promise<void>;
  /** Run `fn` while holding a lock shared by all users of this store. */
  lock?<T>(fn: () => Promise<T>): Promise<T>;
  /** Drop the stored token if and only if it is still `token`. */
  invalidate?(token: string): Promise<void>;
  /**
   * 同一后端、另一个键的存储，用来保存 JS-SDK 的 ticket。A store of the same kind for another
   * credential kept beside this one (`jsapi_ticket`, `wx_card_ticket`).
   */
  sibling?(name: string): TokenStore;
}

/** The default store: one token in this process's memory. */
export class MemoryTokenStore implements TokenStore {
  private value: StoredToken | undefined;

  async get(): Promise<StoredToken | undefined> {
    return this.value;
  }

  async set(value: StoredToken): Promise<void> {
    this.value = { ...value };
  }

  async invalidate(token: string): Promise<void> {
    if (this.value?.token === token) this.value = undefined;
  }

  /** Another store in this process's memory (whatever the name). */
  sibling(): TokenStore {
    return new MemoryTokenStore();
  }
}
