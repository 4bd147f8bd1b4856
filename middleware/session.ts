import { PipelineError } from '../src/core/errors.js';
import { messageFields } from '../src/core/log-fields.js';
import { type Logger, rateLimitedWarning, withFields } from '../src/core/logger.js';
import type { AnyMessage } from '../src/core/messages/types.js';
import { holdSession, LeaseKeeper } from '../src/core/session/hold.js';
import { KeyedQueue } from '../src/core/session/queue.js';
import type { SessionData, SessionStorage } from '../src/core/session/storage.js';
import type { Stage } from './context.js';
import { stateOf } from './state.js';
import { turnRunning } from './turn.js';

/** Options of {@link session}. */
export interface SessionOptions {
  /** Where sessions are kept. */
  storage: SessionStorage;
  /**
   * The key of a message's session. The default, `account:user`, keeps two accounts served by
   * one storage from sharing a user's session.
   */
  getSessionKey?: (message: AnyMessage) => string;
  /** The session of a user who has none stored yet (default `{}`); also when the storage is down. */
  initial?: () => SessionData;
  /** Bound on each storage call (ms; default 3000): past it the storage counts as unavailable. */
  loadTimeout?: number;
  /** Lease of a turn's lock in a shared storage (ms; default 10 000), renewed while the turn runs. */
  lease?: number;
  /** Longest wait for a session another process holds (ms; default 30 000). */
  lockWait?: number;
  logger?: Logger;
}

/** The default session key: the account and the user, so accounts never share a session. */
export const defaultSessionKey = (message: AnyMessage): string =>
  `${message.target}:${message.source}`;

/**
 * Loads the user's session into `ctx.wechat.session` before the handlers and saves it after,
 * only when it changed and only when no handler threw.
 *
 * The turns of one user run one after another, each with its own session object: in this
 * process through a queue per user, across processes through the storage's turn lock (see
 * docs/sessions.md). So no update is lost, and a failed handler's changes never reach the store
 * whatever else overlaps. Waiting for the lock comes out of the turn's reply deadline like any
 * other wait: past it the bot answers `success` and the reply follows late.
 *
 * A storage that is down or slow never stops the bot: the handlers get an empty session, a
 * warning is logged (at most every 10 s), and nothing is saved over the stored one.
 *
 * @example
 * ```ts
 * app.use(verify({ token })).use(parse()).use(session({ storage: new SQLiteStorage() })).use(router(routes));
 * ```
 */
export function session(options: SessionOptions): Stage {
  const keyOf = options.getSessionKey ?? defaultSessionKey;
  const lease = options.lease ?? 10_000;
  const settings = {
    storage: options.storage,
    timeout: options.loadTimeout ?? 3000,
    lease,
    lockWait: options.lockWait ?? 30_000,
    warn: rateLimitedWarning(10_000),
    initial: options.initial,
    leases: new LeaseKeeper(lease),
  };
  const queue = new KeyedQueue();

  return async (ctx, next) => {
    const state = stateOf(ctx, options.logger);
    const message = state.message;
    if (!message) throw new PipelineError('session() needs parse() before it');
    const logger = withFields(options.logger ?? state.logger, () => messageFields(message));
    // The save must wait for the handlers, which only a turn() outside lets run past the answer.
    if (!turnRunning(ctx)) throw new PipelineError('session() needs turn() before it');
    // Several accounts: the account's AppID, not ToUserName, prefixes the default key.
    const scope = state.account?.scope;
    const key =
      scope === undefined || options.getSessionKey ? keyOf(message) : `${scope}:${message.source}`;
    await queue.run(key, async () => {
      const held = await holdSession(settings, key, logger);
      state.session = held.data;
      let ok = false;
      try {
        await next();
        ok = held.available && state.handlerError === undefined;
      } finally {
        await held.finish(ok ? state.session : undefined, logger);
      }
    });
  };
}
