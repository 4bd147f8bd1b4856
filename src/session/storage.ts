/** A user's session: a plain JSON-serialisable object. */
export type SessionData = Record<string, unknown>;

/**
 * Where sessions live. Every backend implements these three async methods; `get` of an id that
 * was never set resolves to an empty object, never `undefined`.
 *
 * @example
 * ```ts
 * class MyStorage implements SessionStorage {
 *   async get(id) { return (await db.find(id)) ?? {}; }
 *   async set(id, value) { await db.save(id, value); }
 *   async delete(id) { await db.remove(id); }
 * }
 * ```
 */
export interface SessionStorage {
  /** The session stored under `id`, or `{}` when there is none. */
  get(id: string): Promise<SessionData>;
  /** Replace the session stored under `id`. */
  set(id: string, value: SessionData): Promise<void>;
  /** Remove the session stored under `id`; a missing id is not an error. */
  delete(id: string): Promise<void>;
  /** Release resources the storage opened itself (never the user's own client objects). */
  close?(): Promise<void>;
}
