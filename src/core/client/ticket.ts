import type { WeChatResult } from './core.js';
import { TokenManager } from './token.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';

/** 票据类型：JS-SDK 的 `jsapi`，卡券的 `wx_card`。The kinds of ticket `getticket` issues. */
export type TicketType = 'jsapi' | 'wx_card';

/** What `GET /cgi-bin/ticket/getticket` returns. */
export interface TicketResult extends WeChatResult {
  ticket: string;
  /** Lifetime in seconds (7200 today). */
  expires_in: number;
}

/**
 * The client's tickets, each kept by a {@link TokenManager} of its own (the access token's cache,
 * single flight and store lock, reused as they are) over `store.sibling('<type>_ticket')`, or over
 * memory when the store has no siblings. Managers are made on first use.
 */
export class Tickets {
  readonly #managers = new Map<TicketType, TokenManager>();
  readonly #store: TokenStore;
  readonly #grant: (type: TicketType) => Promise<TicketResult>;

  constructor(store: TokenStore, grant: (type: TicketType) => Promise<TicketResult>) {
    this.#store = store;
    this.#grant = grant;
  }

  /** A valid ticket of `type`, from its store or freshly granted. */
  get(type: TicketType): Promise<string> {
    return this.#manager(type).get();
  }

  #manager(type: TicketType): TokenManager {
    let manager = this.#managers.get(type);
    if (manager === undefined) {
      const store = this.#store.sibling?.(`${type}_ticket`) ?? new MemoryTokenStore();
      manager = new TokenManager(store, async () => {
        const granted = await this.#grant(type);
        if (typeof granted.ticket !== 'string' || typeof granted.expires_in !== 'number') {
          throw new TypeError(`getticket (${type}) answered without ticket/expires_in`);
        }
        return { access_token: granted.ticket, expires_in: granted.expires_in };
      });
      this.#managers.set(type, manager);
    }
    return manager;
  }
}
