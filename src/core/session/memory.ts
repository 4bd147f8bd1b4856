import { decodeSession, encodeSession } from './codec.js';
import type { SessionData, SessionLease, SessionStorage } from './storage.js';

/**
 * Keeps sessions in a `Map` inside this process: nothing survives a restart and nothing is shared
 * between instances. Meant for tests and for bots that do not care about either.
 *
 * Values are stored as JSON text, so a caller mutating an object after `set` (or the object `get`
 * returned) never changes what is stored, and the data behaves exactly as it would in Redis or SQL.
 *
 * @example
 * ```ts
 * import { MemoryStorage, ZgRoBot } from 'zgrobot';
 *
 * const robot = new ZgRoBot({ token: 'token', sessionStorage: new MemoryStorage() });
 * ```
 */
export class MemoryStorage implements SessionStorage {
  /** Answers from this machine, bounding its own waits: no timer around its calls. */
  readonly local = true;
  readonly #data = new Map<string, string>();
  /** Turn locks, as the shared stores keep them: owner and expiry (ms since the epoch). */
  readonly #locks = new Map<string, { owner: string; until: number }>();

  /** The number of stored sessions. */
  get size(): number {
    return this.#data.size;
  }

  async get(id: string): Promise<SessionData> {
    const text = this.#data.get(id);
    return text === undefined ? {} : decodeSession(text, 'MemoryStorage');
  }

  async set(id: string, value: SessionData): Promise<void> {
    this.#data.set(id, encodeSession(value));
  }

  async delete(id: string): Promise<void> {
    this.#data.delete(id);
  }

  async acquire(id: string, owner: string, leaseMs: number): Promise<SessionLease> {
    const now = Date.now();
    const lock = this.#locks.get(id);
    if (lock && lock.owner !== owner && lock.until > now) {
      return { acquired: false, retryAfter: lock.until - now };
    }
    this.#locks.set(id, { owner, until: now + leaseMs });
    return { acquired: true, data: await this.get(id) };
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const lock = this.#locks.get(id);
    if (lock?.owner !== owner) return false;
    lock.until = Date.now() + leaseMs;
    return true;
  }

  async release(id: string, owner: string, value?: SessionData | null): Promise<boolean> {
    if (this.#locks.get(id)?.owner !== owner) return false;
    if (value === null) this.#data.delete(id);
    else if (value !== undefined) this.#data.set(id, encodeSession(value));
    this.#locks.delete(id);
    return true;
  }

  /** Forget every session. */
  clear(): void {
    this.#data.clear();
    this.#locks.clear();
  }
}
