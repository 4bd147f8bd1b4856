import { WechatError } from '../errors.js';
import type { SessionData } from './storage.js';

/**
 * Serialise a session for storage. Every backend stores the same JSON text, so a bot behaves the
 * same on `MemoryStorage` in tests as on Redis in production (`undefined` fields vanish, a `Date`
 * becomes a string, a `BigInt` or a cycle is an error) whatever the backend.
 *
 * @internal
 */
export function encodeSession(value: SessionData): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError('a session must be a plain object');
  }
  return JSON.stringify(value);
}

/**
 * Parse stored session text. Anything but a JSON object means the row was written by something
 * else; say so rather than hand a handler a string or an array as its session.
 *
 * @internal
 */
export function decodeSession(text: string, where: string): SessionData {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new WechatError(`${where}: stored session is not valid JSON`, { cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WechatError(`${where}: stored session is not a JSON object`);
  }
  return value as SessionData;
}

/**
 * Check a table name before it is spliced into SQL (identifiers cannot be bound as parameters).
 *
 * @internal
 */
export function checkIdentifier(name: string, where: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new TypeError(
      `${where}: table name must match /^[A-Za-z_][A-Za-z0-9_]*$/, got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/**
 * Run `step` (creating a table, loading a file) on first use and share its promise with every
 * later call. A failure is not remembered: the next call runs `step` again, since the server may
 * be back or the operator may have fixed the file by then.
 *
 * @internal
 */
export function onceSuccessful<T>(step: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () => {
    running ??= step().catch((error: unknown) => {
      running = undefined;
      throw error;
    });
    return running;
  };
}
