import { decodeSession, encodeSession } from './codec.js';
import type { SessionData, SessionStorage } from './storage.js';

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
  readonly #data = new Map<string, string>();

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

  /** Forget every session. */
  clear(): void {
    this.#data.clear();
  }
}
