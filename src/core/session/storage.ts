/** A user's session: a plain JSON-serialisable object. */
export type SessionData = Record<string, unknown>;

/**
 * What {@link SessionStorage.acquire} found: the session, now held by the caller, or that another
 * turn holds it (ask again in about `retryAfter` ms).
 */
export type SessionLease =
  | { readonly acquired: true; readonly data: SessionData }
  | { readonly acquired: false; readonly retryAfter: number };

/**
 * Where sessions live. Every backend implements the three async methods `get`, `set` and
 * `delete`; `get` of an id that was never set resolves to an empty object, never `undefined`.
 *
 * The session stage runs the turns of one user one after another. Inside one process it does so
 * by itself; across processes it needs the storage's help: a storage that implements `acquire`,
 * `renew` and `release` (every built-in storage but `MongoDBStorage` does) holds a per-session
 * lock with a lease in the shared store, and `release` writes only while the caller still holds
 * it (the lock's owner is the fencing token). A storage without them is serialised within one
 * process only. See docs/sessions.md.
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
  /**
   * `true` for a storage that answers from this machine (memory, a local file) and bounds its
   * own waits: the session stage then sets no timer around its calls.
   */
  readonly local?: boolean;
  /**
   * Takes the lock of `id` for `owner` for `leaseMs`, atomically with reading the session, unless
   * another owner holds an unexpired lock. Optional: see above.
   */
  acquire?(id: string, owner: string, leaseMs: number): Promise<SessionLease>;
  /** Extends the lease of a lock `owner` still holds; `false` when it no longer does. */
  renew?(id: string, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * Frees the lock of `id` if `owner` still holds it, first writing `value` (`null` deletes the
   * session; `undefined` writes nothing). Resolves `false`, writing nothing, when the lock was
   * lost: its lease ran out and another owner took it.
   */
  release?(id: string, owner: string, value?: SessionData | null): Promise<boolean>;
}

/** A storage that can hold a session for one turn across processes. */
export type LockingSessionStorage = SessionStorage &
  Required<Pick<SessionStorage, 'acquire' | 'renew' | 'release'>>;

/** Whether `storage` implements the optional locking methods. */
export function isLocking(storage: SessionStorage): storage is LockingSessionStorage {
  return (
    typeof storage.acquire === 'function' &&
    typeof storage.renew === 'function' &&
    typeof storage.release === 'function'
  );
}
