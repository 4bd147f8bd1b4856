import type { Middleware, ParameterizedContext } from 'koa';
import { MemoryDedupeStore } from '../src/dedupe/memory.js';
import type { DedupeStore } from '../src/dedupe/store.js';
import { PipelineError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import type { AnyMessage } from '../src/messages/types.js';
import { renderReply } from '../src/replies/render.js';
import type { Reply } from '../src/replies/replies.js';
import { type LateReplyOptions, latePusher, whenLate } from './late-reply.js';
import { replyOf } from './render.js';
import { DEFAULT_REPLY_TIMEOUT } from './router.js';
import { type PipelineState, stateOf } from './state.js';

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
export interface DedupeOptions extends LateReplyOptions {
  /** Where seen messages are kept. Default: a {@link MemoryDedupeStore} of 10 000 entries. */
  store?: DedupeStore;
  /** Milliseconds a message is remembered, at least 20 000. Default 30 000. */
  window?: number;
  /**
   * The reply deadline of a request, from its arrival (default 4500, as `router()`): a retry
   * that finds the first run still going waits for it until then, then answers `success`.
   * With `0` or `Infinity` (handlers without a timeout) retries still wait at most 4500 ms.
   */
  replyTimeout?: number;
  /** Earliest push of a late reply after arrival, in ms (default 5500): see {@link DEFAULT_RETRY_WINDOW}. */
  retryWindow?: number;
  /** Bound on each store call, in ms; past it the store counts as down. Default 1000. */
  storeTimeout?: number;
  /** The identity of a message (default {@link dedupeKey}); `undefined` skips dedup for it. */
  getKey?: (message: AnyMessage) => string | undefined;
}

/**
 * The identity of a message for dedup: `account:MsgId`, or for events (which have no MsgId)
 * `account:user:CreateTime:Event:EventKey`, as PROTOCOL.md §1 says WeChat's retries keep them.
 *
 * @example
 * ```ts
 * dedupeKey(message); // 'gh_account:1234567890123456789'
 * ```
 */
export function dedupeKey(message: AnyMessage): string {
  if (message.messageId) return `${message.target}:${message.messageId}`;
  const fields = message.fields;
  const event = typeof fields.Event === 'string' ? fields.Event : message.type;
  const eventKey = typeof fields.EventKey === 'string' ? fields.EventKey : '';
  return `${message.target}:${message.source}:${message.time}:${event}:${eventKey}`;
}

const FAILED = Symbol('store failed');
const PUSH_GRACE = 250;

/**
 * Answers each WeChat message once, however many times WeChat sends it. Place it after `parse()`
 * (`pipeline()` does, before your middleware and the session), so a retry never runs your
 * middleware, the session or the handlers again.
 *
 * - The message is marked when it *arrives*. A retry that finds the first run still going waits
 *   for it (until this retry's own reply deadline) and gets the same reply; if the first run is
 *   still not done by then, it answers `success` and the next retry waits again.
 * - A retry after the first run finished gets the cached reply. What is cached is the rendered
 *   reply XML *before* encryption: it is a string any store can hold, it includes what your
 *   middleware did to the answer, and encryption (fresh nonce and timestamp) is redone per request
 *   by `encrypt()`, which sits outside this stage.
 * - A reply that comes after its request was answered `success` (past `replyTimeout`, or after
 *   `ctx.wechat.defer()`) is cached for retries; if none takes it, it is pushed per `lateReply`
 *   (customer-service message, or logged and dropped) once no retry can come for it any more
 *   ({@link DEFAULT_RETRY_WINDOW} after arrival; at once after `defer()`). A store decides who
 *   delivers it, so it is delivered once.
 * - With `replyTimeout: 0` the first try is held until the handlers finish. WeChat hangs up at
 *   5 s and retries; the retry waits for the same run, so a handler taking 7 s reaches the user
 *   on the second try. A reply whose request WeChat hung up on is pushed like a late one if no
 *   retry takes it.
 * - When the store fails or is slow, the request is handled without dedup and a warning is
 *   logged (at most every 10 s); nothing is thrown.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * app.use(verify({ token })).use(parse())
 *   .use(dedupe({ store: new RedisDedupeStore(new Redis()) }))
 *   .use(render()).use(router(routes));
 * ```
 */
export function dedupe(options: DedupeOptions = {}): Middleware {
  const store = options.store ?? new MemoryDedupeStore();
  const window = options.window ?? DEFAULT_DEDUPE_WINDOW;
  if (!(window >= MIN_DEDUPE_WINDOW && Number.isFinite(window))) {
    throw new RangeError(`dedupe: window must be at least ${MIN_DEDUPE_WINDOW} ms, got ${window}`);
  }
  const replyTimeout = options.replyTimeout ?? DEFAULT_REPLY_TIMEOUT;
  // A retry must answer before WeChat gives up on it even when the handlers have no timeout.
  const retryWait =
    Number.isFinite(replyTimeout) && replyTimeout > 0 ? replyTimeout : DEFAULT_REPLY_TIMEOUT;
  const retryWindow = options.retryWindow ?? DEFAULT_RETRY_WINDOW;
  const storeTimeout = options.storeTimeout ?? 1000;
  const keyOf = options.getKey ?? dedupeKey;
  const push = latePusher(options);
  let lastWarning = 0;
  let quieted = 0;
  // The memory store answers at once and cannot be down: no timer per call for it.
  const needsBound = !(store instanceof MemoryDedupeStore);

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
      const now = Date.now();
      if (now - lastWarning >= 10_000) {
        const more = quieted > 0 ? ` (${quieted} more since the last warning)` : '';
        logger.warn(
          `zgrobot: dedupe store failed to ${what}, going on without dedup: ${reason(error)}${more}`,
        );
        lastWarning = now;
        quieted = 0;
      } else {
        quieted++;
      }
      return FAILED;
    } finally {
      clearTimeout(timer);
    }
  };

  // Pushes a reply its own request could not carry, unless a retry delivered it meanwhile.
  const pushLater = async (
    state: PipelineState,
    message: AnyMessage,
    key: string,
    reply: Reply,
  ) => {
    const logger = state.logger;
    if (!state.deferred) {
      // Give a waiting or coming retry the first chance: it shows the reply at once.
      const at = Math.max(Date.now() + PUSH_GRACE, state.arrivedAt + retryWindow);
      await new Promise((resolve) => setTimeout(resolve, at - Date.now()).unref());
    }
    const mine = await guarded(
      'settle a late reply',
      () => store.deliver(key, 'push', window),
      logger,
    );
    // A store that is down cannot tell whether a retry took it: send rather than lose it.
    if (mine !== false) await push(reply, message, logger);
  };

  // Runs after a first run that answered `success` before its handlers finished.
  const settleLate = (state: PipelineState, message: AnyMessage, key: string) => {
    const late = state.late;
    if (!late) return;
    void late.then(async (value) => {
      const logger = state.logger;
      const reply = state.handlerError === undefined ? replyOf(value, message, logger) : undefined;
      const xml = reply ? renderReply(reply) : 'success';
      await guarded('store a late reply', () => store.complete(key, xml, window), logger);
      if (reply && reply.type !== 'success') await pushLater(state, message, key, reply);
    });
  };

  return async (ctx, next) => {
    const state = stateOf(ctx, options.logger);
    const message = state.message;
    if (!message) throw new PipelineError('dedupe() needs parse() before it');
    if (options.finalDeadline !== undefined) state.finalDeadline = options.finalDeadline;
    const key = keyOf(message);
    const claim =
      key === undefined
        ? FAILED
        : await guarded('mark a message', () => store.claim(key, window), state.logger);

    if (key === undefined || claim === FAILED || claim.state === 'claimed') {
      let ok = false;
      try {
        await next();
        ok = true;
      } finally {
        if (!ok && claim !== FAILED && key !== undefined) {
          void guarded('forget a failed message', () => store.release(key), state.logger);
        }
      }
      if (key === undefined || claim === FAILED) {
        // No dedup for this one; a late reply is pushed as soon as it is ready.
        whenLate(state, (reply) => push(reply, message, state.logger));
        return;
      }
      if (state.late) {
        settleLate(state, message, key);
        return;
      }
      const body = cacheable(ctx);
      if (body === undefined) {
        void guarded('forget a message', () => store.release(key), state.logger);
        return;
      }
      await guarded('store a reply', () => store.complete(key, body, window), state.logger);
      // WeChat hung up before the answer was ready (no replyTimeout, or a slow stage): the reply
      // waits for a retry, and is pushed if none takes it.
      if (ctx.res.destroyed && body !== 'success') {
        const reply = replyOf(state.reply, message, state.logger);
        if (reply && reply.type !== 'success') void pushLater(state, message, key, reply);
      }
      return;
    }

    // A retry: never run again; answer with the first run's reply.
    let body: string | undefined | typeof FAILED;
    if (claim.state === 'done') body = claim.body;
    else {
      const budget = Math.max(0, retryWait - (Date.now() - state.arrivedAt));
      body = await guarded(
        'wait for a reply',
        () => store.wait(key, budget),
        state.logger,
        budget + storeTimeout,
      );
      if (body === undefined || body === FAILED) {
        state.logger.info(
          `zgrobot: a retry of a ${message.type} message came while the first try still runs; answered success, the next retry waits again`,
        );
      }
    }
    if (typeof body === 'string' && body !== 'success') {
      const mine = await guarded(
        'settle a reply',
        () => store.deliver(key, 'passive', window),
        state.logger,
      );
      if (mine === false) body = 'success'; // already sent as a customer-service message
    }
    answer(ctx, typeof body === 'string' ? body : 'success');
  };
}

/** The answer of a first run as text, when it is one a retry may be given again. */
function cacheable(ctx: ParameterizedContext): string | undefined {
  if (ctx.status !== 200) return undefined;
  const body: unknown = ctx.body;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (body === undefined || body === null) return 'success';
  return undefined;
}

function answer(ctx: ParameterizedContext, body: string): void {
  ctx.status = 200;
  ctx.type = body === 'success' ? 'text/plain' : 'application/xml';
  ctx.body = body;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
