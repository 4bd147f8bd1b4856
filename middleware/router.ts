import type { Middleware, ParameterizedContext } from 'koa';
import type { Logger } from '../src/logger.js';
import type { ReplyValue } from '../src/replies/coerce.js';
import { SuccessReply } from '../src/replies/replies.js';
import { parseInto } from './parse.js';
import { renderInto } from './render.js';
import type { Router } from './routes.js';
import { type PipelineState, stateOf, type WechatContext } from './state.js';

/** The seed's deadline: WeChat gives up after 5 s, so answer before it. */
export const DEFAULT_REPLY_TIMEOUT = 4500;

/** Options of {@link router}. */
export interface RouterOptions {
  /**
   * Milliseconds the handlers get before the bot answers `success` on their behalf; they go on
   * running and their late reply is kept in `ctx.wechat.late`. `0` or `Infinity` waits forever.
   */
  replyTimeout?: number;
  /** Largest body accepted, in bytes, when this stage has to read it. */
  bodyLimit?: number;
  logger?: Logger;
}

/**
 * Runs the routes' handlers and puts their reply in `ctx.wechat.reply`. Used alone after
 * `verify()`, it also parses the message and renders the reply itself.
 *
 * @example
 * ```ts
 * app.use(verify({ token: 'tokenhere' })).use(router(new Router().text((ctx) => ctx.wechat.message.content)));
 * ```
 */
export function router(routes: Router, options: RouterOptions = {}): Middleware {
  const replyTimeout = options.replyTimeout ?? DEFAULT_REPLY_TIMEOUT;
  return async (ctx, next) => {
    const state = stateOf(ctx, options.logger);
    await parseInto(ctx, options);
    // `ctx.wechat.defer()` stops the wait at once; it may even be called before the handlers run.
    const deferred = new Promise<Outcome>((resolve) => {
      state.onDefer = () => resolve({ timedOut: true });
      if (state.deferred) state.onDefer();
    });
    const running = dispatchSafely(routes, ctx, state);
    // The deadline counts from the request's arrival, so slow earlier stages eat into it.
    const budget =
      Number.isFinite(replyTimeout) && replyTimeout > 0
        ? Math.max(1, replyTimeout - (Date.now() - state.arrivedAt))
        : replyTimeout;
    const outcome = await withDeadline(running, budget, deferred);
    state.onDefer = undefined;
    if (outcome.timedOut) {
      state.late = running;
      state.reply = new SuccessReply();
      if (!state.deferred) {
        state.logger.warn(
          `zgrobot: no reply to a ${state.message?.type} message within ${replyTimeout} ms; answered success, the handler goes on`,
        );
      }
    } else {
      state.reply = outcome.value;
    }
    await next();
    if (!state.renderInstalled) renderInto(ctx, state);
  };
}

async function dispatchSafely(
  routes: Router,
  ctx: ParameterizedContext,
  state: PipelineState,
): Promise<ReplyValue> {
  try {
    return await routes.dispatch(ctx as WechatContext);
  } catch (error) {
    state.handlerError = error ?? new Error('a handler threw a nullish value');
    state.logger.error(
      `zgrobot: a handler threw while answering a ${state.message?.type} message`,
      error,
    );
    return new SuccessReply();
  }
}

type Outcome = { timedOut: false; value: ReplyValue } | { timedOut: true };

async function withDeadline(
  running: Promise<ReplyValue>,
  ms: number,
  deferred: Promise<Outcome>,
): Promise<Outcome> {
  const finished = running.then((value): Outcome => ({ timedOut: false, value }));
  if (!Number.isFinite(ms) || ms <= 0) return Promise.race([finished, deferred]);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), ms);
  });
  try {
    return await Promise.race([finished, deadline, deferred]);
  } finally {
    clearTimeout(timer);
  }
}
