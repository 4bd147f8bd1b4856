import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { WechatError } from '../errors.js';
import { decodeSession, encodeSession, onceSuccessful } from './codec.js';
import type { SessionData, SessionLease, SessionStorage } from './storage.js';

/** A turn lock as kept in the `.locks` file beside the sessions. */
interface TurnLock {
  owner: string;
  /** Expiry, ms since the epoch. */
  until: number;
}

/** What the operations of one batch see and change, under the cross-process file lock. */
interface Batch {
  /** The stored text of a session, pending changes included. */
  read(id: string): string | undefined;
  /** Changes a session (`null` deletes it); written to disk when the batch ends. */
  write(id: string, text: string | null): void;
  locks: Map<string, TurnLock>;
  /** Marks the locks as changed, so the batch writes the `.locks` file. */
  touchLocks(): void;
}

type Operation = {
  run: (batch: Batch) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

/**
 * Keeps every session in one JSON file (`{ "<id>": { …session… }, … }`), shared safely by several
 * processes on one machine.
 *
 * Every read and change runs under a cross-process file lock (proper-lockfile: a `<file>.lock`
 * directory, held for the milliseconds a batch takes). The file is read again only when it
 * changed since this process last saw it, and changes are written over the file's current
 * content, so two processes never undo each other's writes. The turn locks of the session stage
 * live in `<file>.locks` beside it, present only while a turn holds one.
 *
 * Writes are crash-safe: the new content goes to a temporary file in the same directory, is
 * fsync'd, then renamed over the old one, so after a crash the file holds either the old or the
 * new content, never half of each; temp files a crash leaves behind are removed on the next
 * load. Operations that arrive while a batch runs are collected into the next one, so a burst of
 * N changes costs few writes, and each `set`/`delete` resolves once a write that includes it is
 * on disk. If a write fails, the promise rejects but the change stays pending and goes to disk
 * with the next write.
 *
 * Every write rewrites the whole file: for modest numbers of users; use `SQLiteStorage` beyond
 * that. The file is JSON, not WeRoBot's dbm format.
 *
 * @example
 * ```ts
 * import { FileStorage, ZgRoBot } from 'zgrobot';
 *
 * const robot = new ZgRoBot({ token: 'token', sessionStorage: new FileStorage('zgrobot_session') });
 * ```
 */
export class FileStorage implements SessionStorage {
  /** Answers from this machine, bounding its own waits: no timer around its calls. */
  readonly local = true;
  /** Absolute path of the session file. */
  readonly filename: string;
  readonly #locksFile: string;
  /** The file's sessions as last read or written, and the file's identity then. */
  #base = new Map<string, string>();
  #baseStamp: string | undefined;
  /** Changes not on disk yet (`null`: deleted). */
  readonly #pending = new Map<string, string | null>();
  #locks = new Map<string, TurnLock>();
  #locksStamp: string | undefined;
  #queue: Operation[] = [];
  #running: Promise<void> | undefined;

  constructor(filename = 'zgrobot_session') {
    this.filename = resolve(filename);
    this.#locksFile = `${this.filename}.locks`;
  }

  get(id: string): Promise<SessionData> {
    return this.#enqueue((batch) => {
      const text = batch.read(id);
      return text === undefined ? {} : decodeSession(text, 'FileStorage');
    });
  }

  async set(id: string, value: SessionData): Promise<void> {
    const text = encodeSession(value);
    await this.#enqueue((batch) => batch.write(id, text));
  }

  async delete(id: string): Promise<void> {
    await this.#enqueue((batch) => batch.write(id, null));
  }

  acquire(id: string, owner: string, leaseMs: number): Promise<SessionLease> {
    return this.#enqueue((batch): SessionLease => {
      const now = Date.now();
      const held = batch.locks.get(id);
      if (held && held.owner !== owner && held.until > now) {
        return { acquired: false, retryAfter: held.until - now };
      }
      batch.locks.set(id, { owner, until: now + leaseMs });
      batch.touchLocks();
      const text = batch.read(id);
      return { acquired: true, data: text === undefined ? {} : decodeSession(text, 'FileStorage') };
    });
  }

  renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.#enqueue((batch) => {
      const held = batch.locks.get(id);
      if (held?.owner !== owner) return false;
      held.until = Date.now() + leaseMs;
      batch.touchLocks();
      return true;
    });
  }

  release(id: string, owner: string, value?: SessionData | null): Promise<boolean> {
    const text = value ? encodeSession(value) : value;
    return this.#enqueue((batch) => {
      if (batch.locks.get(id)?.owner !== owner) return false;
      if (text !== undefined) batch.write(id, text);
      batch.locks.delete(id);
      batch.touchLocks();
      return true;
    });
  }

  /** Wait for pending writes to reach the disk. */
  async close(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #enqueue<T>(run: (batch: Batch) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.#running ??= this.#drain();
    });
  }

  /** Runs queued operations in batches, one batch at a time, until none is left. */
  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const operations = this.#queue;
        this.#queue = [];
        await this.#runBatch(operations);
      }
    } finally {
      this.#running = undefined;
    }
  }

  async #runBatch(operations: Operation[]): Promise<void> {
    let release: (() => Promise<void>) | undefined;
    try {
      release = await this.#lockFile();
      // Under the lock, so no other process is between writing a temp file and renaming it.
      await this.#removeStaleTemps();
      await this.#refresh();
    } catch (error) {
      await release?.().catch(() => {});
      for (const op of operations) op.reject(error);
      return;
    }
    let wrote = false;
    let locksChanged = false;
    const batch: Batch = {
      read: (id) => {
        const pending = this.#pending.get(id);
        return pending === null ? undefined : (pending ?? this.#base.get(id));
      },
      write: (id, text) => {
        this.#pending.set(id, text);
        wrote = true;
      },
      locks: this.#locks,
      touchLocks: () => {
        locksChanged = true;
      },
    };
    const results: { op: Operation; ok: boolean; value: unknown }[] = [];
    for (const op of operations) {
      try {
        results.push({ op, ok: true, value: op.run(batch) });
      } catch (error) {
        results.push({ op, ok: false, value: error });
      }
    }
    let failure: unknown;
    try {
      if (wrote || this.#pending.size > 0) await this.#writeSessions();
      if (locksChanged) await this.#writeLocks();
    } catch (error) {
      failure = error;
    } finally {
      await release().catch(() => {});
    }
    for (const { op, ok, value } of results) {
      if (!ok) op.reject(value);
      else if (failure !== undefined) op.reject(failure);
      else op.resolve(value);
    }
  }

  /** Takes the cross-process lock of the session file for one batch. */
  async #lockFile(): Promise<() => Promise<void>> {
    try {
      const { default: lockfile } = await import('proper-lockfile');
      return await lockfile.lock(this.filename, {
        realpath: false,
        // A process killed while holding it leaves the lock behind: taken over after 2 s.
        stale: 2000,
        retries: { retries: 400, factor: 1.2, minTimeout: 2, maxTimeout: 25 },
        onCompromised: () => {},
      });
    } catch (error) {
      throw new WechatError(
        `FileStorage: cannot lock ${this.filename}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Reads the files again if another process changed them since this one last saw them. */
  async #refresh(): Promise<void> {
    const stamp = await stampOf(this.filename);
    if (stamp !== this.#baseStamp) {
      this.#base = stamp === undefined ? new Map() : await this.#readSessions();
      this.#baseStamp = stamp;
    }
    const locksStamp = await stampOf(this.#locksFile);
    if (locksStamp !== this.#locksStamp) {
      this.#locks = locksStamp === undefined ? new Map() : await this.#readLocks();
      this.#locksStamp = locksStamp;
    }
  }

  async #readSessions(): Promise<Map<string, string>> {
    let text: string;
    try {
      text = await readFile(this.filename, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      const message = `FileStorage: cannot read ${this.filename}: ${(error as Error).message}`;
      throw new WechatError(message, { cause: error });
    }
    // Refuse a corrupt file rather than start empty and overwrite it on the first write.
    const all = decodeSession(text, `FileStorage ${this.filename}`);
    const data = new Map<string, string>();
    for (const [id, value] of Object.entries(all)) {
      data.set(id, encodeSession(value as SessionData));
    }
    return data;
  }

  async #readLocks(): Promise<Map<string, TurnLock>> {
    try {
      const all = JSON.parse(await readFile(this.#locksFile, 'utf8')) as Record<string, TurnLock>;
      return new Map(Object.entries(all));
    } catch {
      // Gone or torn: locks only order turns, and every lease runs out soon anyway.
      return new Map();
    }
  }

  async #writeSessions(): Promise<void> {
    const merged = new Map(this.#base);
    for (const [id, text] of this.#pending) {
      if (text === null) merged.delete(id);
      else merged.set(id, text);
    }
    const parts: string[] = [];
    for (const [id, text] of merged) parts.push(`${JSON.stringify(id)}:${text}`);
    await this.#write(this.filename, `{${parts.join(',')}}\n`, true);
    this.#base = merged;
    this.#baseStamp = await stampOf(this.filename);
    this.#pending.clear();
  }

  async #writeLocks(): Promise<void> {
    const now = Date.now();
    for (const [id, lock] of this.#locks) if (lock.until <= now) this.#locks.delete(id);
    if (this.#locks.size === 0) {
      await unlink(this.#locksFile).catch(() => {});
    } else {
      await this.#write(this.#locksFile, JSON.stringify(Object.fromEntries(this.#locks)), false);
    }
    this.#locksStamp = await stampOf(this.#locksFile);
  }

  async #write(target: string, content: string, durable: boolean): Promise<void> {
    const dir = dirname(target);
    // Same directory as the target, so the rename cannot cross a filesystem and stays atomic.
    const temp = join(dir, `.${basename(this.filename)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(content, 'utf8');
        if (durable) await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw new WechatError(`FileStorage: cannot write ${target}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!durable) return;
    // Make the rename itself durable. Not every platform can fsync a directory (Windows cannot).
    try {
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // best effort
    }
  }

  /** Temp files a crash left behind hold nothing the real file lacks: the rename never ran. */
  readonly #removeStaleTemps = onceSuccessful(async () => {
    const dir = dirname(this.filename);
    const prefix = `.${basename(this.filename)}.`;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return; // the lock or the read reports a missing or unreadable directory
    }
    const stale = names.filter(
      (name) => name.startsWith(prefix) && /^[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length)),
    );
    await Promise.all(stale.map((name) => unlink(join(dir, name)).catch(() => {})));
  });
}

/** The identity of a file's current content, or `undefined` when it does not exist. */
async function stampOf(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
