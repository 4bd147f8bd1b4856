import {
  Deduper,
  type DeduperOptions,
  dedupeKey,
  type Ticket,
} from '../src/core/dedupe/deduper.js';
import { PipelineError } from '../src/core/errors.js';
import { messageFields } from '../src/core/log-fields.js';
import { type Logger, withFields } from '../src/core/logger.js';
import type { AnyMessage } from '../src/core/messages/types.js';
import type { TurnClock } from '../src/core/turn/clock.js';
import type { HttpContext, Stage } from './context.js';
import { settleAnswer } from './render.js';
import { type PipelineState, stateOf } from './state.js';
import { turnRunning } from './turn.js';

export {
  DEFAULT_DEDUPE_WINDOW,
  dedupeKey,
  MIN_DEDUPE_WINDOW,
} from '../src/core/dedupe/deduper.js';
export { DEFAULT_RETRY_WINDOW } from '../src/core/turn/clock.js';

/** Options of {@link dedupe}. */
export interface DedupeOptions extends DeduperOptions {
  /** The identity of a message (default {@link dedupeKey}); `undefined` skips dedup for it. */
  getKey?: (message: AnyMessage) => string | undefined;
  logger?: Logger;
}

/**
 * Answers each WeChat message once, however many times WeChat sends it. Place it after `parse()`
 * and `turn()` (`pipeline()` does, before your middleware and the session), so a retry never runs
 * your middleware, the session or the handlers again.
 *
 * - The message is marked when it *arrives*. A retry that finds the first run still going waits
 *   for it (until this retry's own reply deadline) and gets the same reply; if the first run is
 *   still not done by then, it answers `success` and the next retry waits again.
 * - A retry after the first run finished gets the cached reply: the rendered reply XML *before*
 *   encryption (encryption, with a fresh nonce, is redone per request by `encrypt()`). A cached
 *   reply only ever goes to the same message arriving the same way: the key is a digest of the
 *   message's XML, and plain and encrypted requests never share one.
 * - A reply that comes after its request was answered `success` (past `replyTimeout`, or after
 *   `ctx.wechat.defer()`) is cached for retries; if none takes it, `turn()` pushes it per
 *   `lateReply` once no retry can come for it any more. The store decides who delivers it, once.
 * - A slow store is waited for inside the turn's deadline; a failing one is replaced for that
 *   message by this process's memory. See {@link Deduper}, which makes every decision here.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * app.use(verify({ token })).use(parse()).use(turn())
 *   .use(dedupe({ store: new RedisDedupeStore(new Redis()) }))
 *   .use(router(routes));
 * ```
 */
export function dedupe(options: DedupeOptions = {}): Stage {
  const deduper = new Deduper(options);
  const { getKey } = options;

  return async (ctx, next) => {
    const state = stateOf(ctx, options.logger);
    const { message, clock } = state;
    if (!message) throw new PipelineError('dedupe() needs parse() before it');
    const logger = messageLogger(options.logger ?? state.logger, message);
    if (!turnRunning(ctx)) throw new PipelineError('dedupe() needs turn() before it');
    const id = getKey ? getKey(message) : defaultKey(message, state);
    if (id === undefined) return next();
    // A cached reply is only for a request that came the same way (plain or encrypted).
    const key = `${state.encrypted ? 'e' : 'p'}:${id}`;
    // The memory store decides without a promise: no turn of the microtask queue for it.
    const decided = deduper.decide(key, clock, logger);
    const decision = decided instanceof Promise ? await decided : decided;
    if (!decision.run) {
      state.borrowed = true; // a retry: it answers with the first try's reply, delivers nothing late
      state.answer = decision.answer;
      return;
    }

    const { ticket } = decision;
    state.lateGate = lateGate(deduper, ticket, clock, logger);
    let ok = false;
    try {
      await next();
      ok = true;
    } finally {
      if (!ok) deduper.forget(ticket, logger);
    }
    // A late turn answered `success` already: what retries get is the reply when it comes.
    const own = clock.late || ctx.body === undefined || ctx.body === null;
    const body = own ? settleAnswer(state) : cacheable(ctx);
    if (body === undefined) {
      deduper.forget(ticket, logger);
      return;
    }
    const kept = deduper.remember(ticket, body, logger);
    if (kept) await kept;
  };
}

// The two closures a message gets are made out here, not inside the stage: a closure made there
// would share the stage's context, and with it everything its other closures capture (the
// message, the body behind it). Measured: with `lateGate` made inside, every request's body and
// parsed message outlived two scavenges and was promoted (~960 B a message, `node
// --trace-gc-nvp`), though nothing kept them once the request was done.

/** The logger of a message's dedup decisions: the message's fields, made only if it logs. */
function messageLogger(logger: Logger, message: AnyMessage): Logger {
  return withFields(logger, () => messageFields(message));
}

/** Whether the late reply of a claimed message is still to be pushed (see `turn()`). */
function lateGate(
  deduper: Deduper,
  ticket: Ticket,
  clock: TurnClock,
  logger: Logger,
): () => Promise<boolean> {
  return () => deduper.mayPush(ticket, clock, logger);
}

/**
 * {@link dedupeKey}, with the digest the replay check already took of a plaintext body (the
 * message's XML itself) rather than a second SHA-1 of the same text.
 */
function defaultKey(message: AnyMessage, state: PipelineState): string {
  const { bodyDigest } = state;
  // Several accounts: the account's AppID, not ToUserName, prefixes the key.
  const scope = state.account?.scope;
  if (bodyDigest !== undefined && message.raw === state.body) {
    return `${scope ?? message.target}:${bodyDigest}`;
  }
  const key = dedupeKey(message);
  return scope === undefined ? key : `${scope}:${key}`;
}

/** A body a later stage wrote itself, as text, when it is one a retry may be given again. */
function cacheable(ctx: HttpContext): string | undefined {
  if (ctx.status !== 200) return undefined;
  const body: unknown = ctx.body;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return undefined;
}
