import { messageFields } from '../src/core/log-fields.js';
import type { Logger } from '../src/core/logger.js';
import type { AnyMessage } from '../src/core/messages/types.js';
import { coerceReply, type ReplyValue } from '../src/core/replies/coerce.js';
import type { Reply } from '../src/core/replies/kinds.js';
import { renderReply } from '../src/core/replies/render.js';
import type { HttpContext, Stage } from './context.js';
import { type PipelineState, stateOf } from './state.js';

/**
 * Turns `ctx.wechat.reply` into the HTTP answer after the router ran: reply XML, or `success`
 * when there is no reply. A reply value that is not a reply is logged and answered `success`.
 * Under `turn()` it writes the answer only while the turn is in time, so your middleware around
 * it sees the answer in `ctx.body`; past the deadline `turn()` has answered `success` already.
 *
 * @example
 * ```ts
 * app.use(verify({ token })).use(parse()).use(render()).use(router(routes));
 * ```
 */
export function render(): Stage {
  return async (ctx, next) => {
    await next();
    renderInto(ctx, stateOf(ctx));
  };
}

/**
 * Writes the answer of `state` into `ctx.body`, unless a stage already answered otherwise or the
 * turn already answered `success` (its reply then goes out late).
 */
export function renderInto(ctx: HttpContext, state: PipelineState): void {
  // A stage that already answered (an error, a user's own body) is left alone.
  if (state.late || (ctx.body !== undefined && ctx.body !== null)) return;
  answer(ctx, settleAnswer(state));
}

/** Sets the HTTP answer to reply XML or `success`. */
export function answer(ctx: HttpContext, text: string): void {
  ctx.status = 200;
  ctx.type = text === 'success' ? 'text/plain' : 'application/xml';
  ctx.body = text;
}

/**
 * The answer text of this request: the reply rendered to XML (before encryption), or `success`.
 * Rendered once; later calls return the same text.
 */
export function settleAnswer(state: PipelineState): string {
  if (state.answer !== undefined) return state.answer;
  const reply = state.message && replyOf(state.reply, state.message, state.logger);
  state.answer = reply ? renderReply(reply) : 'success';
  return state.answer;
}

/**
 * The reply object of a handler's result, or `undefined` for none. A value that is not a reply
 * is logged and counts as none (the answer is then `success`).
 */
export function replyOf(value: ReplyValue, message: AnyMessage, logger: Logger): Reply | undefined {
  try {
    return coerceReply(value, message);
  } catch (error) {
    logger.error({ ...messageFields(message), err: error }, 'zgrobot: cannot render the reply');
    return undefined;
  }
}
