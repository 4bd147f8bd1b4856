import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.js';
import {
  isLocking,
  type LockingSessionStorage,
  type SessionData,
  type SessionStorage,
} from './storage.js';

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
  warn: (logger: Logger, message: string) => void;
  /** The session of a user who has none stored (an empty one), and when the storage is down. */
  initial?: (() => SessionData) | undefined;
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
const processTag = randomBytes(8).toString('hex');
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
      const data = await bounded(storage.get(key), settings.timeout);
      return plainHold(settings, key, startOf(settings, data));
    } catch (error) {
      settings.warn(logger, unavailable(key, error));
      return unavailableHold(settings);
    }
  }

  const owner = `${processTag}:${(++turns).toString(36)}`;
  const giveUp = Date.now() + settings.lockWait;
  for (let backoff = 5; ; backoff = Math.min(backoff * 2, 50)) {
    const attempt = storage.acquire(key, owner, settings.lease);
    let lease: Awaited<typeof attempt>;
    try {
      lease = await bounded(attempt, settings.timeout);
    } catch (error) {
      // A slow storage may still grant the lock later: free it then, or the user waits a lease.
      void attempt.then((late) => late.acquired && storage.release(key, owner)).catch(() => {});
      settings.warn(logger, unavailable(key, error));
      return unavailableHold(settings);
    }
    if (lease.acquired)
      return lockedHold(settings, storage, key, owner, startOf(settings, lease.data));
    const left = giveUp - Date.now();
    if (left <= 0) {
      settings.warn(
        logger,
        `zgrobot: the session of ${key} stayed held by another turn for ${settings.lockWait} ms; going on without it`,
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
        await bounded(settings.storage.set(key, value), settings.timeout);
      } catch (error) {
        settings.warn(logger, `zgrobot: could not save the session of ${key}: ${reason(error)}`);
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
  // A long turn (a deferred handler) keeps its lock alive; a lost renewal shows at release.
  const renewal = setInterval(
    () => void storage.renew(key, owner, settings.lease).catch(() => {}),
    Math.max(50, settings.lease / 3),
  );
  renewal.unref();
  return {
    data,
    available: true,
    async finish(value, logger) {
      clearInterval(renewal);
      const json = value === undefined ? undefined : changed(value, loaded, key, logger);
      const write = json === undefined ? undefined : value;
      try {
        const held = await bounded(storage.release(key, owner, write), settings.timeout);
        if (!held && write !== undefined) {
          logger.error(
            `zgrobot: the changes to the session of ${key} were not saved: its lock was lost (the turn outlived its ${settings.lease} ms lease without renewing it)`,
          );
        }
      } catch (error) {
        settings.warn(logger, `zgrobot: could not save the session of ${key}: ${reason(error)}`);
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
    logger.error(`zgrobot: the session of ${key} cannot be saved as JSON: ${reason(error)}`);
    return undefined;
  }
  return json === loaded ? undefined : json;
}

function unavailable(key: string, error: unknown): string {
  return `zgrobot: session storage unavailable for ${key}, going on with an empty session: ${reason(error)}`;
}

function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
