import type { Middleware, ParameterizedContext } from 'koa';
import { coerceReply } from '../src/replies/coerce.js';
import { renderReply } from '../src/replies/render.js';
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
  let xml = 'success';
  if (state.message) {
    try {
      const reply = coerceReply(state.reply, state.message);
      if (reply) xml = renderReply(reply);
    } catch (error) {
      state.logger.error(
        `zgrobot: cannot render the reply to a ${state.message.type} message`,
        error,
      );
    }
  }
  ctx.status = 200;
  ctx.type = xml === 'success' ? 'text/plain' : 'application/xml';
  ctx.body = xml;
}
