import type { Middleware } from 'koa';
import { PipelineError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import type { AnyMessage } from '../src/messages/types.js';
import type { SessionData, SessionStorage } from '../src/session/storage.js';
import { stateOf } from './state.js';

/** Options of {@link session}. */
export interface SessionOptions {
  /** Where sessions are kept. */
  storage: SessionStorage;
  /**
   * The key of a message's session. The default, `account:user`, keeps two accounts served by
   * one storage from sharing a user's session.
   */
  getSessionKey?: (message: AnyMessage) => string;
  /** How long to wait for the storage to load (or save) a session before going on without it (ms). */
  loadTimeout?: number;
  logger?: Logger;
}

/** The default session key: the account and the user, so accounts never share a session. */
export const defaultSessionKey = (message: AnyMessage): string =>
  `${message.target}:${message.source}`;

/** One user's session while requests that use it are in flight, shared by all of them. */
interface LiveSession {
  loading: Promise<{ data: SessionData; loaded: boolean }>;
  /** The JSON last read from or written to the storage; `undefined` when the load failed. */
  stored: string | undefined;
  users: number;
}

/**
 * Loads the user's session into `ctx.wechat.session` before the handlers and saves it after,
 * only when it changed and only when no handler threw. Requests of one user that overlap share
 * one session object (loaded once), so two quick messages do not overwrite each other's changes.
 * A storage that is down or slow never stops the bot: the handlers get an empty session, a
 * warning is logged, and nothing is saved over the stored one.
 *
 * @example
 * ```ts
 * app.use(verify({ token })).use(parse()).use(session({ storage: new SQLiteStorage() })).use(router(routes));
 * ```
 */
export function session(options: SessionOptions): Middleware {
  const { storage } = options;
  const keyOf = options.getSessionKey ?? defaultSessionKey;
  const loadTimeout = options.loadTimeout ?? 2000;
  const live = new Map<string, LiveSession>();

  const load = async (key: string, logger: Logger) => {
    try {
      return { data: await withTimeout(storage.get(key), loadTimeout), loaded: true };
    } catch (error) {
      logger.warn(
        `zgrobot: session storage unavailable, going on with an empty session: ${reason(error)}`,
      );
      return { data: {}, loaded: false };
    }
  };

  return async (ctx, next) => {
    const state = stateOf(ctx, options.logger);
    const message = state.message;
    if (!message) throw new PipelineError('session() needs parse() before it');
    const key = keyOf(message);
    let shared = live.get(key);
    if (!shared) {
      const loading = load(key, state.logger);
      const created: LiveSession = { loading, stored: undefined, users: 0 };
      void loading.then(({ data, loaded }) => {
        if (loaded) created.stored = JSON.stringify(data);
      });
      shared = created;
      live.set(key, shared);
    }
    const mine = shared;
    mine.users++;
    // The last request to finish forgets the shared session; the next one loads it afresh.
    const release = () => {
      if (--mine.users === 0 && live.get(key) === mine) live.delete(key);
    };

    let loaded: boolean;
    try {
      const result = await mine.loading;
      loaded = result.loaded;
      state.session = result.data;
      await next();
    } catch (error) {
      release();
      throw error;
    }

    const save = async () => {
      try {
        if (!loaded || state.handlerError !== undefined) return;
        const data: SessionData = state.session;
        const json = JSON.stringify(data);
        if (json === mine.stored) return;
        mine.stored = json;
        // Bounded too: a stalled storage must not hold the answer back.
        await withTimeout(storage.set(key, data), loadTimeout);
      } catch (error) {
        mine.stored = undefined; // unknown now: the next change is written whatever it is
        state.logger.warn(`zgrobot: could not save the session of ${key}: ${reason(error)}`);
      } finally {
        release();
      }
    };
    // Past the reply deadline the handlers go on; their session is saved when they finish.
    if (state.late) void state.late.then(save, save);
    else await save();
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
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
