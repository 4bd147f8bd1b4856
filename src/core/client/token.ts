import type { StoredToken, TokenStore } from './token-store.js';

/** A token is refreshed this long before it expires, so a call never races the expiry. */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/** What a token endpoint returns. */
export interface GrantedToken {
  access_token: string;
  /** Lifetime in seconds (7200 today). */
  expires_in: number;
}

/**
 * Keeps the access token fresh: reads it from the store, refreshes it when it is missing or
 * within 60 s of expiry, and lets all concurrent callers share one refresh.
 */
export class TokenManager {
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly store: TokenStore,
    private readonly grant: () => Promise<GrantedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid token, from the store or freshly granted. */
  async get(): Promise<string> {
    const current = await this.store.get();
    if (this.isFresh(current)) return current.token;
    return this.refresh();
  }

  /**
   * Get a new token. Callers that arrive while a refresh is running wait for that one instead
   * of starting their own.
   */
  refresh(): Promise<string> {
    this.inflight ??= this.refreshOnce().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Drop `failed` from the store, unless the store already holds a different token. */
  async invalidate(failed: string): Promise<void> {
    if (this.store.invalidate) return this.store.invalidate(failed);
    const compareAndDrop = async () => {
      const current = await this.store.get();
      if (current?.token === failed) await this.store.set({ token: failed, expiresAt: 0 });
    };
    return this.store.lock ? this.store.lock(compareAndDrop) : compareAndDrop();
  }

  private async refreshOnce(): Promise<string> {
    const refresh = async () => {
      // Another process may have refreshed while we waited for the lock.
      const current = await this.store.get();
      if (this.isFresh(current)) return current.token;
      const granted = await this.grant();
      if (typeof granted.access_token !== 'string' || typeof granted.expires_in !== 'number') {
        throw new TypeError('token endpoint answered without access_token/expires_in');
      }
      const value = {
        token: granted.access_token,
        expiresAt: this.now() + granted.expires_in * 1000,
      };
      await this.store.set(value);
      return value.token;
    };
    return this.store.lock ? this.store.lock(refresh) : refresh();
  }

  private isFresh(value: StoredToken | undefined): value is StoredToken {
    return value !== undefined && value.expiresAt - this.now() > TOKEN_EXPIRY_MARGIN_MS;
  }
}
