import { randomBytes } from 'node:crypto';
import { bounded } from '../bounded.js';
import type { Logger } from '../logger.js';
import {
  isLocking,
  type LockingSessionStorage,
  type SessionData,
  type SessionStorage,
} from './storage.js';

// The messages of the warnings: stable, the details are fields.
const UNAVAILABLE = 'zgrobot: session storage unavailable, going on with an empty session';
const NOT_SAVED = 'zgrobot: could not save the session';

/** Settings of {@link holdSession}, fixed per session stage. */
export interface HoldSettings {
  storage: SessionStorage;
  /** Bound on each storage call (ms): past it the storage counts as unavailable. */
  timeout: number;
  /** Lease of a turn lock (ms); renewed every third of it while the turn runs. */
  lease: number;
  /** Longest wait for a lock another process holds (ms) before going on without the session. */
  lockWait: number;
  /** Where unavailability is reported (rate-limited by the caller). */
  warn: (logger: Logger, fields: object, msg: string) => void;
  /** The session of a user who has none stored (an empty one), and when the storage is down. */
  initial?: (() => SessionData) | undefined;
  /** Keeps the leases of the locks held by running turns alive (one per session stage). */
  leases: LeaseKeeper;
}

/**
 * Renews the leases of the turn locks held now, every third of a lease, with one timer for all of
 * them (a timer per turn would cost every message): a long turn (a deferred handler) keeps its
 * lock; a lost renewal shows at release.
 */
export class LeaseKeeper {
  readonly #lease: number;
  readonly #held = new Map<string, { storage: LockingSessionStorage; key: string }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(lease: number) {
    this.#lease = lease;
  }

  add(owner: string, storage: LockingSessionStorage, key: string): void {
    this.#held.set(owner, { storage, key });
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#renewAll(), Math.max(50, this.#lease / 3));
    this.#timer.unref?.(); // absent on Workers, where timers are numbers
  }

  delete(owner: string): void {
    this.#held.delete(owner);
    if (this.#held.size > 0 || !this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #renewAll(): void {
    for (const [owner, { storage, key }] of this.#held) {
      void storage.renew(key, owner, this.#lease).catch(() => {});
    }
  }
}

/** A session held for one turn. */
export interface HeldSession {
  /** The session as loaded: `{}` when none was stored or the storage was unavailable. */
  readonly data: SessionData;
  /** Whether it was loaded (and so may be saved). */
  readonly available: boolean;
  /**
   * Ends the turn's hold: writes `value` when it differs from what was loaded (`undefined`:
   * write nothing, e.g. after a handler threw), then frees the lock. Never rejects.
   */
  finish(value: SessionData | undefined, logger: Logger): Promise<void>;
}

// Owner tokens: unique per process and turn, so a lock names exactly one turn (the fencing token).
// Drawn on first use: Workers allow no random values at a module's top level.
let processTag: string | undefined;
let turns = 0;

/**
 * Loads the session of `key` for one turn. With a storage that locks (every built-in but
 * MongoDB), the session's lock is taken first, so turns of one user in several processes run one
 * after another, and the final write happens only while this turn still holds the lock. The
 * storage being down or slow never throws here: the turn goes on with an empty session that is
 * not saved, and a warning is logged.
 */
export async function holdSession(
  settings: HoldSettings,
  key: string,
  logger: Logger,
): Promise<HeldSession> {
  const { storage } = settings;
  if (!isLocking(storage)) {
    try {
      const data = await bounded(storage.get(key), timeoutOf(settings));
      return plainHold(settings, key, startOf(settings, data));
    } catch (error) {
      settings.warn(logger, { sessionKey: key, err: error }, UNAVAILABLE);
      return unavailableHold(settings);
    }
  }

  processTag ??= randomBytes(8).toString('hex');
  const owner = `${processTag}:${(++turns).toString(36)}`;
  const giveUp = Date.now() + settings.lockWait;
  for (let backoff = 5; ; backoff = Math.min(backoff * 2, 50)) {
    const attempt = storage.acquire(key, owner, settings.lease);
    let lease: Awaited<typeof attempt>;
    try {
      lease = await bounded(attempt, timeoutOf(settings));
    } catch (error) {
      // A slow storage may still grant the lock later: free it then, or the user waits a lease.
      void attempt.then((late) => late.acquired && storage.release(key, owner)).catch(() => {});
      settings.warn(logger, { sessionKey: key, err: error }, UNAVAILABLE);
      return unavailableHold(settings);
    }
    if (lease.acquired)
      return lockedHold(settings, storage, key, owner, startOf(settings, lease.data));
    const left = giveUp - Date.now();
    if (left <= 0) {
      settings.warn(
        logger,
        { sessionKey: key, lockWait: settings.lockWait },
        'zgrobot: the session stayed held by another turn; going on without it',
      );
      return unavailableHold(settings);
    }
    // Ask again soon, then less often (up to every 50 ms): turns are short, and the holder
    // frees the lock as soon as its turn ends, long before its lease would run out.
    const pause = Math.min(left, lease.retryAfter, backoff);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(1, pause * (0.5 + Math.random() / 2))),
    );
  }
}

/** No session this turn: a fresh one of its own (the handlers may still change it), not saved. */
function unavailableHold(settings: HoldSettings): HeldSession {
  return { data: startOf(settings, {}), available: false, finish: async () => {} };
}

/** What the turn starts from: the stored session, or the initial one when none is stored. */
function startOf(settings: HoldSettings, stored: SessionData): SessionData {
  if (!settings.initial) return stored;
  for (const _ in stored) return stored;
  return settings.initial();
}

function plainHold(settings: HoldSettings, key: string, data: SessionData): HeldSession {
  const loaded = JSON.stringify(data);
  return {
    data,
    available: true,
    async finish(value, logger) {
      const json = changed(value, loaded, key, logger);
      if (json === undefined || value === undefined) return;
      try {
        await bounded(settings.storage.set(key, value), timeoutOf(settings));
      } catch (error) {
        settings.warn(logger, { sessionKey: key, err: error }, NOT_SAVED);
      }
    },
  };
}

function lockedHold(
  settings: HoldSettings,
  storage: LockingSessionStorage,
  key: string,
  owner: string,
  data: SessionData,
): HeldSession {
  const loaded = JSON.stringify(data);
  settings.leases.add(owner, storage, key);
  return {
    data,
    available: true,
    async finish(value, logger) {
      settings.leases.delete(owner);
      const json = value === undefined ? undefined : changed(value, loaded, key, logger);
      const write = json === undefined ? undefined : value;
      try {
        const held = await bounded(storage.release(key, owner, write), timeoutOf(settings));
        if (!held && write !== undefined) {
          logger.error(
            { sessionKey: key, lease: settings.lease },
            'zgrobot: the session changes were not saved: its lock was lost (the turn outlived its lease without renewing it)',
          );
        }
      } catch (error) {
        settings.warn(logger, { sessionKey: key, err: error }, NOT_SAVED);
      }
    },
  };
}

/** The JSON of `value` when it differs from what was loaded; `undefined` when unchanged. */
function changed(
  value: SessionData | undefined,
  loaded: string,
  key: string,
  logger: Logger,
): string | undefined {
  if (value === undefined) return undefined;
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    logger.error({ sessionKey: key, err: error }, 'zgrobot: the session cannot be saved as JSON');
    return undefined;
  }
  return json === loaded ? undefined : json;
}

/** The bound on a storage call: none for a local storage, which bounds its own waits. */
function timeoutOf(settings: HoldSettings): number {
  return settings.storage.local ? 0 : settings.timeout;
}
