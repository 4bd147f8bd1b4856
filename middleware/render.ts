import type { Middleware, ParameterizedContext } from 'koa';
import type { Logger } from '../src/logger.js';
import type { AnyMessage } from '../src/messages/types.js';
import { coerceReply, type ReplyValue } from '../src/replies/coerce.js';
import { renderReply } from '../src/replies/render.js';
import type { Reply } from '../src/replies/replies.js';
import { type PipelineState, stateOf } from './state.js';

/**
 * Turns `ctx.wechat.reply` into the HTTP answer after the router ran: reply XML, or `success`
 * when there is no reply. A reply value that is not a reply is logged and answered `success`.
 *
 * @example
 * ```ts
 * app.use(verify({ token })).use(parse()).use(render()).use(router(routes));
 * ```
 */
export function render(): Middleware {
  return async (ctx, next) => {
    const state = stateOf(ctx);
    state.renderInstalled = true;
    await next();
    renderInto(ctx, state);
  };
}

/** Writes the reply of `state` into `ctx.body`; shared with `router()` when used alone. */
export function renderInto(ctx: ParameterizedContext, state: PipelineState): void {
  // A stage that already answered (an error, a user's own body) is left alone.
  if (ctx.body !== undefined && ctx.body !== null) return;
  const reply = state.message && replyOf(state.reply, state.message, state.logger);
  const xml = reply ? renderReply(reply) : 'success';
  ctx.status = 200;
  ctx.type = xml === 'success' ? 'text/plain' : 'application/xml';
  ctx.body = xml;
}

/**
 * The reply object of a handler's result, or `undefined` for none. A value that is not a reply
 * is logged and counts as none (the answer is then `success`).
 */
export function replyOf(value: ReplyValue, message: AnyMessage, logger: Logger): Reply | undefined {
  try {
    return coerceReply(value, message);
  } catch (error) {
    logger.error(`zgrobot: cannot render the reply to a ${message.type} message`, error);
    return undefined;
  }
}
