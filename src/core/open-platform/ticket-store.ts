/** How long WeChat honours a `component_verify_ticket`: 12 hours (it pushes a new one every 10 minutes). */
export const COMPONENT_TICKET_LIFETIME_MS = 12 * 60 * 60 * 1000;

/**
 * 第三方平台的 component_verify_ticket 存放处。Where a component's latest
 * `component_verify_ticket` is kept. WeChat pushes one every 10 minutes and each is valid 12 hours;
 * the component needs the latest to get its `component_access_token`, so every process that may
 * ask for that token must read the store the push was written to (use
 * {@link RedisComponentTicketStore} when pushes and calls reach different processes).
 *
 * Contract: `get(componentAppId)` returns what `set` last stored for that component and is not
 * older than 12 hours, else `undefined`.
 *
 * @example
 * ```ts
 * const store: ComponentTicketStore = new MemoryComponentTicketStore();
 * await store.set('wx_component', 'ticket@@@…');
 * await store.get('wx_component'); // 'ticket@@@…'
 * ```
 */
export interface ComponentTicketStore {
  /** The latest ticket of the component, or `undefined` when none arrived in the last 12 hours. */
  get(componentAppId: string): Promise<string | undefined>;
  /** Keep `ticket` as the component's latest, for 12 hours. */
  set(componentAppId: string, ticket: string): Promise<void>;
}

/**
 * The tickets in this process's memory: right when the authorization-event endpoint and the API
 * calls run in one process.
 *
 * @example
 * ```ts
 * const component = new Component({ ...credentials, ticketStore: new MemoryComponentTicketStore() });
 * ```
 */
export class MemoryComponentTicketStore implements ComponentTicketStore {
  readonly #tickets = new Map<string, { ticket: string; expiresAt: number }>();
  readonly #now: () => number;

  /** @param now - the clock (tests move it). */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async get(componentAppId: string): Promise<string | undefined> {
    const entry = this.#tickets.get(componentAppId);
    if (entry === undefined || entry.expiresAt <= this.#now()) return undefined;
    return entry.ticket;
  }

  async set(componentAppId: string, ticket: string): Promise<void> {
    this.#tickets.set(componentAppId, {
      ticket,
      expiresAt: this.#now() + COMPONENT_TICKET_LIFETIME_MS,
    });
  }
}

/**
 * The Redis commands the Open Platform's Redis stores use. An ioredis `Redis` or `Cluster` fits as
 * is (ioredis is your dependency; zgrobot only types against it).
 */
export interface RedisKeyValueClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, pxToken: 'PX', ms: number): Promise<unknown>;
  del(key: string): Promise<number>;
}

/** Options of {@link RedisComponentTicketStore}. */
export interface RedisComponentTicketStoreOptions {
  /** Prepended to the component's AppID to make the key. Default `zgrobot:component_verify_ticket:`. */
  prefix?: string;
}

/**
 * The tickets in Redis, one key per component (`<prefix><componentAppId>`, expiring after 12
 * hours), so the process that receives the push and the ones that call the API share them.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const ticketStore = new RedisComponentTicketStore(new Redis(), { prefix: 'myapp:ticket:' });
 * ```
 */
export class RedisComponentTicketStore implements ComponentTicketStore {
  readonly #redis: RedisKeyValueClient;
  readonly #prefix: string;

  constructor(redis: RedisKeyValueClient, options: RedisComponentTicketStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'zgrobot:component_verify_ticket:';
  }

  /** The Redis key of a component's ticket. */
  keyOf(componentAppId: string): string {
    return `${this.#prefix}${componentAppId}`;
  }

  async get(componentAppId: string): Promise<string | undefined> {
    return (await this.#redis.get(this.keyOf(componentAppId))) ?? undefined;
  }

  async set(componentAppId: string, ticket: string): Promise<void> {
    await this.#redis.set(this.keyOf(componentAppId), ticket, 'PX', COMPONENT_TICKET_LIFETIME_MS);
  }
}
