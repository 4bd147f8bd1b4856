import { createHash } from 'node:crypto';
import type { Middleware, ParameterizedContext } from 'koa';
import { MemoryDedupeStore } from '../src/dedupe/memory.js';
import type { DedupeStore } from '../src/dedupe/store.js';
import { PipelineError } from '../src/errors.js';
import { type Logger, rateLimitedWarning } from '../src/logger.js';
import type { AnyMessage } from '../src/messages/types.js';
import { settleAnswer } from './render.js';
import { stateOf } from './state.js';
import { turnRunning } from './turn.js';

/** How long a message is remembered: WeChat's three tries fit in 15 s; 30 s leaves room. */
export const DEFAULT_DEDUPE_WINDOW = 30_000;
/** The shortest window accepted: less could forget a message before its last try. */
export const MIN_DEDUPE_WINDOW = 20_000;
/**
 * A reply that was late for its request is pushed (customer service) no earlier than this after
 * the message arrived: had WeChat missed the first answer, its retry would have come by then and
 * been answered with the reply instead.
 */
export const DEFAULT_RETRY_WINDOW = 5_500;

/** Options of {@link dedupe}. */
export interface DedupeOptions {
  /** Where seen messages are kept. Default: a {@link MemoryDedupeStore}. */
  store?: DedupeStore;
  /** Milliseconds a message is remembered, at least 20 000. Default 30 000. */
  window?: number;
  /** Earliest push of a late reply after arrival, in ms (default 5500): see {@link DEFAULT_RETRY_WINDOW}. */
  retryWindow?: number;
  /**
   * Bound on each store call, in ms (default 15 000). A slow store is waited for (the turn
   * answers `success` meanwhile), so a retry never runs the handlers again because the store was
   * slow; past this bound it counts as down.
   */
  storeTimeout?: number;
  /** The identity of a message (default {@link dedupeKey}); `undefined` skips dedup for it. */
  getKey?: (message: AnyMessage) => string | undefined;
  logger?: Logger;
}

/**
 * The identity of a message for dedup: the account and a digest of the message's XML (decrypted).
 * WeChat's retries resend the identical XML, so the digest names a retry exactly, while distinct
 * events of one user in the same second (two cards taken at once) stay distinct.
 *
 * @example
 * ```ts
 * dedupeKey(message); // 'gh_account:5f0c…' (SHA-1 of message.raw)
 * ```
 */
export function dedupeKey(message: AnyMessage): string {
  return `${message.target}:${createHash('sha1').update(message.raw).digest('hex')}`;
}

const FAILED = Symbol('store failed');
const PUSH_GRACE = 250;

/**
 * Answers each WeChat message once, however many times WeChat sends it. Place it after `parse()`
 * and `turn()` (`pipeline()` does, before your middleware and the session), so a retry never runs
 * your middleware, the session or the handlers again.
 *
 * - The message is marked when it *arrives*. A retry that finds the first run still going waits
 *   for it (until this retry's own reply deadline) and gets the same reply; if the first run is
 *   still not done by then, it answers `success` and the next retry waits again.
 * - A retry after the first run finished gets the cached reply. What is cached is the rendered
 *   reply XML *before* encryption; encryption (fresh nonce and timestamp) is redone per request by
 *   `encrypt()`. A cached reply is only ever given to the same message, arriving the same way:
 *   the key is a digest of the message's XML, and an encrypted request never gets the reply of a
 *   plaintext one or the other way round.
 * - A reply that comes after its request was answered `success` (past `replyTimeout`, or after
 *   `ctx.wechat.defer()`) is cached for retries; if none takes it, `turn()` pushes it per
 *   `lateReply` once no retry can come for it any more ({@link DEFAULT_RETRY_WINDOW} after
 *   arrival; at once after `defer()`). The store decides who delivers it, so it is delivered once.
 * - A slow store is waited for, inside the turn's deadline: the turn answers `success`, and the
 *   handlers run once the claim comes back, their reply delivered late. A store that fails (or
 *   stays silent past `storeTimeout`) is replaced, for that message, by a memory store in this
 *   process, so retries reaching this instance are still recognised; a warning is logged at most
 *   every 10 s; nothing is thrown.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * app.use(verify({ token })).use(parse()).use(turn())
 *   .use(dedupe({ store: new RedisDedupeStore(new Redis()) }))
 *   .use(router(routes));
 * ```
 */
export function dedupe(options: DedupeOptions = {}): Middleware {
  const shared = options.store ?? new MemoryDedupeStore();
  const window = options.window ?? DEFAULT_DEDUPE_WINDOW;
  if (!(window >= MIN_DEDUPE_WINDOW && Number.isFinite(window))) {
    throw new RangeError(`dedupe: window must be at least ${MIN_DEDUPE_WINDOW} ms, got ${window}`);
  }
  const retryWindow = options.retryWindow ?? DEFAULT_RETRY_WINDOW;
  const storeTimeout = options.storeTimeout ?? 15_000;
  const keyOf = options.getKey ?? dedupeKey;
  const warn = rateLimitedWarning(10_000);
  // Stands in for the shared store while it fails: retries reaching this process are still caught.
  const fallback = shared instanceof MemoryDedupeStore ? shared : new MemoryDedupeStore();
  // The memory store answers at once and cannot be down: no timer per call for it.
  const needsBound = !(shared instanceof MemoryDedupeStore);

  const guarded = async <T>(
    what: string,
    call: () => Promise<T>,
    logger: Logger,
    ms = storeTimeout,
  ): Promise<T | typeof FAILED> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      if (!needsBound) return await call();
      return await Promise.race([
        call(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
        }),
      ]);
    } catch (error) {
      warn(
        logger,
        `zgrobot: dedupe store failed to ${what}, going on with this process's memory: ${reason(error)}`,
      );
      return FAILED;
    } finally {
      clearTimeout(timer);
    }
  };

  return async (ctx, next) => {
    const state = stateOf(ctx, options.logger);
    const message = state.message;
    if (!message) throw new PipelineError('dedupe() needs parse() before it');
    if (!turnRunning(ctx)) throw new PipelineError('dedupe() needs turn() before it');
    const id = keyOf(message);
    if (id === undefined) return next();
    // A cached reply is only for a request that came the same way (plain or encrypted).
    const key = `${state.encrypted ? 'e' : 'p'}:${id}`;
    const logger = state.logger;
    let store: DedupeStore = shared;
    let claim = await guarded('mark a message', () => shared.claim(key, window), logger);
    if (claim === FAILED) {
      store = fallback;
      claim = await fallback.claim(key, window);
    }
    const use = store;
    const call = <T>(what: string, step: (s: DedupeStore) => Promise<T>) =>
      use === shared ? guarded(what, () => step(shared), logger) : step(use);

    if (claim.state !== 'claimed') {
      // A retry: never run again; answer with the first run's reply.
      state.borrowed = true;
      let body: string | undefined | typeof FAILED;
      if (claim.state === 'done') body = claim.body;
      else {
        const budget = Math.max(0, (state.replyBy ?? Date.now()) - Date.now());
        body = await call('wait for a reply', (s) => s.wait(key, budget));
        if (body === undefined || body === FAILED) {
          logger.info(
            `zgrobot: a retry of a ${message.type} message came while the first try still runs; answered success, the next retry waits again`,
          );
        }
      }
      if (typeof body === 'string' && body !== 'success') {
        const mine = await call('settle a reply', (s) => s.deliver(key, 'passive', window));
        if (mine === false) body = 'success'; // already sent as a customer-service message
      }
      state.answer = typeof body === 'string' ? body : 'success';
      return;
    }

    // Consulted by turn() for a reply that came too late for its own request.
    state.lateGate = async () => {
      if (!state.deferred) {
        // Give a waiting or coming retry the first chance: it shows the reply at once.
        const at = Math.max(Date.now() + PUSH_GRACE, state.arrivedAt + retryWindow);
        await new Promise((resolve) => setTimeout(resolve, at - Date.now()).unref());
      }
      // A store that is down cannot tell whether a retry took it: send rather than lose it.
      return (await call('settle a late reply', (s) => s.deliver(key, 'push', window))) !== false;
    };
    let ok = false;
    try {
      await next();
      ok = true;
    } finally {
      if (!ok) void call('forget a failed message', (s) => s.release(key));
    }
    // A late turn answered `success` already: what retries get is the reply when it comes.
    const body =
      state.late || ctx.body === undefined || ctx.body === null
        ? settleAnswer(state)
        : cacheable(ctx);
    if (body === undefined) {
      void call('forget a message', (s) => s.release(key));
      return;
    }
    await call('store a reply', (s) => s.complete(key, body, window));
  };
}

/** A body a later stage wrote itself, as text, when it is one a retry may be given again. */
function cacheable(ctx: ParameterizedContext): string | undefined {
  if (ctx.status !== 200) return undefined;
  const body: unknown = ctx.body;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return undefined;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
