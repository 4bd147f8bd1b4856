import { turnFields } from '../src/core/log-fields.js';
import type { Logger } from '../src/core/logger.js';
import type { ReplyValue } from '../src/core/replies/coerce.js';
import { SuccessReply } from '../src/core/replies/replies.js';
import { type HttpContext, rejectingThrows, type Stage } from './context.js';
import type { LateReplyOptions } from './late-reply.js';
import { parseInto } from './parse.js';
import type { Router } from './routes.js';
import { type PipelineState, stateOf, type WechatContext } from './state.js';
import { turn, turnRunning } from './turn.js';

export { DEFAULT_REPLY_TIMEOUT } from './turn.js';

/** Options of {@link router}. */
export interface RouterOptions extends LateReplyOptions {
  /**
   * Used alone (no `turn()` before it): milliseconds from arrival until the bot answers
   * `success` on the handlers' behalf (default 4500); `0` or `Infinity` waits forever.
   */
  replyTimeout?: number;
  /** Largest body accepted, in bytes, when this stage has to read it. */
  bodyLimit?: number;
  logger?: Logger;
}

/**
 * Runs the routes' handlers and puts their reply in `ctx.wechat.reply`; a handler that throws is
 * logged and answered `success`. It includes what it needs and no earlier stage provided: it
 * parses the message when no `parse()` ran, and runs the turn (reply deadline, answer, late
 * delivery) when no `turn()` runs before it, so `verify()` + `router()` is a working bot.
 *
 * @example
 * ```ts
 * app.use(verify({ token: 'tokenhere' })).use(router(new Router().text((ctx) => ctx.wechat.message.content)));
 * ```
 */
export function router(routes: Router, options: RouterOptions = {}): Stage {
  // Made once, used only by requests that no turn() answers.
  let ownTurn: Stage | undefined;
  const handle = async (ctx: HttpContext, next: () => Promise<void>, state: PipelineState) => {
    state.reply = await dispatchSafely(routes, ctx, state, options.logger ?? state.logger);
    await next();
  };
  const route = (ctx: HttpContext, next: () => Promise<void>, state: PipelineState) => {
    if (turnRunning(ctx)) return handle(ctx, next, state);
    ownTurn ??= turn(options);
    return ownTurn(ctx, () => handle(ctx, next, state));
  };
  // A stage answers with a promise, even for a body it cannot parse.
  return rejectingThrows((ctx, next) => {
    const state = stateOf(ctx, options.logger);
    const parsing = parseInto(ctx, options);
    return parsing ? parsing.then(() => route(ctx, next, state)) : route(ctx, next, state);
  });
}

async function dispatchSafely(
  routes: Router,
  ctx: HttpContext,
  state: PipelineState,
  logger: Logger,
): Promise<ReplyValue> {
  try {
    return await routes.dispatch(ctx as WechatContext);
  } catch (error) {
    state.handlerError = error ?? new Error('a handler threw a nullish value');
    logger.error(
      { ...turnFields(state.message, state.clock.arrivedAt), err: error },
      'zgrobot: a handler threw',
    );
    return new SuccessReply();
  }
}
