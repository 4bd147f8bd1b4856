import { Client } from '../client/client.js';
import type { Logger } from '../logger.js';
import {
  Account,
  type AccountComponent,
  type AccountConfig,
  type DirectAccount,
  type DirectClientFactory,
} from './account.js';

/** How many API clients a multi-account pipeline keeps by default: one per account served. */
export const DEFAULT_MAX_CLIENTS = 1000;

/** Options of {@link AccountRegistry}. */
export interface AccountRegistryOptions {
  /** The accounts known up front. */
  list?: readonly AccountConfig[];
  /** How many direct accounts' clients are kept (least recently used dropped first; default 1000). */
  maxClients?: number;
  /** Makes a direct account's client (default: `new Client({ appId, appSecret, logger })`). */
  createClient?: DirectClientFactory;
  logger?: Logger;
}

/**
 * The accounts of a multi-account pipeline: the configured ones by AppID and by 原始ID, each made
 * into an {@link Account} once, and the API clients of direct accounts, made on first use and
 * reused, at most `maxClients` of them (a dropped one is closed once its calls are done).
 */
export class AccountRegistry {
  readonly #byAppId = new Map<string, Account>();
  readonly #byOriginalId = new Map<string, Account>();
  /** Accounts made from what a resolver returned, per config object: built once each. */
  #resolved = new WeakMap<AccountConfig, Account>();
  /** The direct accounts' clients, least recently used first, at most `maxClients`. */
  readonly #clients = new Map<string, { secret: string; client: Client }>();
  readonly #maxClients: number;
  readonly #createClient: DirectClientFactory;

  /**
   * @throws PipelineError / InvalidEncodingAESKeyError for a malformed account in `list`, and for
   * two accounts with one AppID or 原始ID.
   */
  constructor(options: AccountRegistryOptions = {}) {
    this.#maxClients = Math.max(1, options.maxClients ?? DEFAULT_MAX_CLIENTS);
    const { logger } = options;
    this.#createClient =
      options.createClient ??
      ((account) => new Client({ appId: account.appId, appSecret: account.appSecret, logger }));
    for (const config of options.list ?? []) {
      const account = this.accountOf(config);
      if (this.#byAppId.has(account.appId)) {
        throw new TypeError(`accounts: appId ${account.appId} is listed twice`);
      }
      this.#byAppId.set(account.appId, account);
      if (account.originalId === undefined) continue;
      if (this.#byOriginalId.has(account.originalId)) {
        throw new TypeError(`accounts: originalId ${account.originalId} is listed twice`);
      }
      this.#byOriginalId.set(account.originalId, account);
    }
  }

  /** The listed accounts. */
  get listed(): readonly Account[] {
    return [...this.#byAppId.values()];
  }

  /** The listed account with this AppID. */
  byAppId(appId: string): Account | undefined {
    return this.#byAppId.get(appId);
  }

  /** The listed account with this 原始ID (a message's `ToUserName`). */
  byOriginalId(originalId: string): Account | undefined {
    return this.#byOriginalId.get(originalId);
  }

  /** The {@link Account} of a configuration, made once per configuration object. */
  accountOf(config: AccountConfig): Account {
    const known = this.#resolved.get(config);
    if (known) return known;
    const account = new Account(config, { scoped: true, client: () => this.#clientOf(config) });
    this.#resolved.set(config, account);
    return account;
  }

  /**
   * The account of an authorizer of `component`, made for each request: it is cheap (the
   * component's token and keys, its client kept by the component), and a cache filled before the
   * signature is checked would let any unsigned path push real authorizers out of it.
   */
  authorizerOf(appId: string, component: AccountComponent): Account {
    return new Account(
      { appId, component },
      { scoped: true, client: () => component.authorizerClient(appId) },
    );
  }

  /** Closes every client this registry made (not the components' clients). */
  async close(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    this.#resolved = new WeakMap();
    await Promise.allSettled(clients.map(({ client }) => client.close()));
  }

  #clientOf(config: AccountConfig): Client | undefined {
    if ('component' in config) return config.component.authorizerClient(config.appId);
    const secret = config.appSecret;
    if (!secret) return undefined;
    const cached = this.#clients.get(config.appId);
    if (cached) {
      // Least recently used first: a hit moves to the end.
      this.#clients.delete(config.appId);
      if (cached.secret === secret) {
        this.#clients.set(config.appId, cached);
        return cached.client;
      }
      void cached.client.close(); // the secret changed: a new client, the old one closes
    }
    const client = this.#createClient({ ...(config as DirectAccount), appSecret: secret });
    this.#clients.set(config.appId, { secret, client });
    if (this.#clients.size > this.#maxClients) {
      const [oldest, entry] = this.#clients.entries().next().value as [string, { client: Client }];
      this.#clients.delete(oldest);
      // undici's close waits for calls in flight, so a late reply on it still goes out.
      void entry.client.close();
    }
    return client;
  }
}
