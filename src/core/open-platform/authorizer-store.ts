import type { RedisKeyValueClient } from './ticket-store.js';

/**
 * 授权方的 authorizer_refresh_token 存放处。Where the refresh tokens of the accounts that authorized
 * a component are kept. A refresh token is the only way to get an authorizer's access token again
 * (WeChat hands it out once, on `api_query_auth`, and may replace it on each refresh), so keep it
 * somewhere durable and shared: {@link RedisAuthorizerStore}, or your database behind this
 * interface.
 *
 * Contract: `get` returns what `set` last stored for the pair, or `undefined`; `delete` forgets it
 * (called when the account cancels the authorization).
 *
 * @example
 * ```ts
 * const store: AuthorizerStore = {
 *   get: async (component, authorizer) => (await db.refreshToken(component, authorizer)) ?? undefined,
 *   set: (component, authorizer, token) => db.saveRefreshToken(component, authorizer, token),
 *   delete: (component, authorizer) => db.deleteRefreshToken(component, authorizer),
 * };
 * ```
 */
export interface AuthorizerStore {
  /** The authorizer's refresh token, or `undefined` when it never authorized (or cancelled). */
  get(componentAppId: string, authorizerAppId: string): Promise<string | undefined>;
  /** Keep `refreshToken` as the authorizer's current one. */
  set(componentAppId: string, authorizerAppId: string, refreshToken: string): Promise<void>;
  /** Forget the authorizer's refresh token. */
  delete(componentAppId: string, authorizerAppId: string): Promise<void>;
}

/**
 * Refresh tokens in this process's memory: for tests and single-process tools (they are lost on
 * restart, and then every authorizer must authorize again).
 *
 * @example
 * ```ts
 * const authorizerStore = new MemoryAuthorizerStore();
 * ```
 */
export class MemoryAuthorizerStore implements AuthorizerStore {
  readonly #tokens = new Map<string, string>();

  async get(componentAppId: string, authorizerAppId: string): Promise<string | undefined> {
    return this.#tokens.get(`${componentAppId}:${authorizerAppId}`);
  }

  async set(componentAppId: string, authorizerAppId: string, refreshToken: string): Promise<void> {
    this.#tokens.set(`${componentAppId}:${authorizerAppId}`, refreshToken);
  }

  async delete(componentAppId: string, authorizerAppId: string): Promise<void> {
    this.#tokens.delete(`${componentAppId}:${authorizerAppId}`);
  }
}

/** Options of {@link RedisAuthorizerStore}. */
export interface RedisAuthorizerStoreOptions {
  /** Prepended to `<componentAppId>:<authorizerAppId>` to make the key. Default `zgrobot:authorizer_refresh_token:`. */
  prefix?: string;
}

/**
 * Refresh tokens in Redis, one key per authorizer (`<prefix><componentAppId>:<authorizerAppId>`,
 * no expiry). Make sure the Redis persists (RDB/AOF): a lost refresh token means the account must
 * authorize again.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const authorizerStore = new RedisAuthorizerStore(new Redis(), { prefix: 'myapp:refresh:' });
 * ```
 */
export class RedisAuthorizerStore implements AuthorizerStore {
  readonly #redis: RedisKeyValueClient;
  readonly #prefix: string;

  constructor(redis: RedisKeyValueClient, options: RedisAuthorizerStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'zgrobot:authorizer_refresh_token:';
  }

  /** The Redis key of an authorizer's refresh token. */
  keyOf(componentAppId: string, authorizerAppId: string): string {
    return `${this.#prefix}${componentAppId}:${authorizerAppId}`;
  }

  async get(componentAppId: string, authorizerAppId: string): Promise<string | undefined> {
    return (await this.#redis.get(this.keyOf(componentAppId, authorizerAppId))) ?? undefined;
  }

  async set(componentAppId: string, authorizerAppId: string, refreshToken: string): Promise<void> {
    await this.#redis.set(this.keyOf(componentAppId, authorizerAppId), refreshToken);
  }

  async delete(componentAppId: string, authorizerAppId: string): Promise<void> {
    await this.#redis.del(this.keyOf(componentAppId, authorizerAppId));
  }
}
