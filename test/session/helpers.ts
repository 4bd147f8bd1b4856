import { expect } from 'vitest';
import type { SessionStorage } from '../../src/core/session/storage.js';

/**
 * Fail after `ms` instead of waiting forever: every wait on a server in these tests is bounded,
 * so a broken backend fails a test rather than hanging the run.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Retry `attempt` until it resolves, for at most `ms`; the last error if it never does. */
export async function eventually<T>(
  attempt: () => Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await within(attempt(), Math.max(50, deadline - Date.now()), what);
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${what}: still failing after ${ms} ms`, { cause: last });
}

/** A unique, identifier-safe suffix for table names and key prefixes of one test run. */
export function runTag(): string {
  return `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Wraps a driver's `query` so a test sees the first word of every statement sent (`CREATE`,
 * `SELECT`…) and can make the next `n` statements fail.
 */
export function recording<R>(query: (text: string, values?: unknown[]) => Promise<R>) {
  const sql: string[] = [];
  let failures = 0;
  const db = {
    async query(text: string, values?: unknown[]): Promise<R> {
      sql.push(text.trim().split(/\s+/)[0] ?? '');
      if (failures > 0) {
        failures--;
        throw new Error('injected failure');
      }
      return query(text, values);
    },
  };
  return { db, sql, failNext: (n: number) => (failures = n) };
}

/** `get` and `set` of a storage whose server is on a closed port both reject, within 3 s. */
export async function expectRefusedQuickly(storage: SessionStorage): Promise<void> {
  const started = Date.now();
  await expect(within(storage.get('u'), 3_000, 'get')).rejects.toThrow(/ECONNREFUSED/);
  await expect(within(storage.set('u', {}), 3_000, 'set')).rejects.toThrow(/ECONNREFUSED/);
  expect(Date.now() - started).toBeLessThan(3_000);
}
