import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { WechatError } from '../errors.js';
import { decodeSession, encodeSession, onceSuccessful } from './codec.js';
import type { SessionData, SessionStorage } from './storage.js';

/**
 * Keeps every session in one JSON file (`{ "<id>": { …session… }, … }`). The file is read once,
 * on first use, and then served from memory; each change rewrites the whole file.
 *
 * Writes are crash-safe: the new content goes to a temporary file in the same directory, is
 * fsync'd, then renamed over the old one, so after a crash the file holds either the old or the
 * new content, never half of each; temp files a crash leaves behind are removed on the next
 * load. Writes never interleave: changes made while a write is running are collected into the
 * next one, so a burst of N changes costs at most two writes, and each `set`/`delete` resolves
 * once a write that includes it is on disk.
 *
 * For one process only (two processes writing the same file would overwrite each other's
 * changes) and for modest numbers of users, since every write rewrites the file: use
 * `SQLiteStorage` beyond that. The file is JSON, not the seed's dbm format. If a write fails, the
 * promise rejects but the change stays in memory and goes to disk with the next write.
 *
 * @example
 * ```ts
 * import { FileStorage, ZgRoBot } from 'zgrobot';
 *
 * const robot = new ZgRoBot({ token: 'token', sessionStorage: new FileStorage('zgrobot_session') });
 * ```
 */
export class FileStorage implements SessionStorage {
  /** Absolute path of the session file. */
  readonly filename: string;
  #data: Map<string, string> | undefined;
  /** The write running now or last run; the next write starts after it settles. */
  #tail: Promise<void> = Promise.resolve();
  /** A write queued behind `#tail` that has not started: new changes can still join it. */
  #queued: Promise<void> | undefined;

  constructor(filename = 'zgrobot_session') {
    this.filename = resolve(filename);
  }

  async get(id: string): Promise<SessionData> {
    const text = (await this.#load()).get(id);
    return text === undefined ? {} : decodeSession(text, 'FileStorage');
  }

  async set(id: string, value: SessionData): Promise<void> {
    const text = encodeSession(value);
    (await this.#load()).set(id, text);
    await this.#persist();
  }

  async delete(id: string): Promise<void> {
    const data = await this.#load();
    if (!data.delete(id)) return;
    await this.#persist();
  }

  /** Wait for pending writes to reach the disk. */
  async close(): Promise<void> {
    await this.#tail;
  }

  /** Reads the file on first use; a failed read (EMFILE, EACCES fixed later) is retried. */
  readonly #load = onceSuccessful(async () => {
    this.#data = await this.#read();
    return this.#data;
  });

  async #read(): Promise<Map<string, string>> {
    await this.#removeStaleTemps();
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

  /** Temp files a crash left behind hold nothing the real file lacks: the rename never ran. */
  async #removeStaleTemps(): Promise<void> {
    const dir = dirname(this.filename);
    const prefix = `.${basename(this.filename)}.`;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return; // the read below reports a missing or unreadable directory
    }
    const stale = names.filter(
      (name) => name.startsWith(prefix) && /^[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length)),
    );
    await Promise.all(stale.map((name) => unlink(join(dir, name)).catch(() => {})));
  }

  #persist(): Promise<void> {
    if (this.#queued) return this.#queued;
    const run = this.#tail
      .catch(() => {})
      .then(() => {
        // From here on, a new change needs a write of its own: this one's snapshot is taken now.
        this.#queued = undefined;
        return this.#write(this.#snapshot());
      });
    this.#queued = run;
    this.#tail = run;
    return run;
  }

  #snapshot(): string {
    const parts: string[] = [];
    for (const [id, text] of this.#data ?? []) parts.push(`${JSON.stringify(id)}:${text}`);
    return `{${parts.join(',')}}\n`;
  }

  async #write(content: string): Promise<void> {
    const dir = dirname(this.filename);
    // Same directory as the target, so the rename cannot cross a filesystem and stays atomic.
    const temp = join(dir, `.${basename(this.filename)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(content, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.filename);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw new WechatError(
        `FileStorage: cannot write ${this.filename}: ${(error as Error).message}`,
        { cause: error },
      );
    }
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
}
