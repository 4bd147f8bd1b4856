import type { Middleware, ParameterizedContext } from 'koa';
import { type LateReplyOptions, latePusher } from './late-reply.js';
import { answer, replyOf, settleAnswer } from './render.js';
import { type PipelineState, stateOf } from './state.js';

/** The seed's deadline: WeChat gives up after 5 s, so answer before it. */
export const DEFAULT_REPLY_TIMEOUT = 4500;

/** Options of {@link turn}. */
export interface TurnOptions extends LateReplyOptions {
  /**
   * Milliseconds from the request's arrival until the bot answers `success` on the handlers'
   * behalf (default 4500). Every wait after `parse()` comes out of it: the dedupe claim, your
   * middleware, the session's lock and load, the handlers and the session's save. `0` or
   * `Infinity` waits for them however long they take.
   */
  replyTimeout?: number;
}

/**
 * The turn: answers WeChat within the reply deadline, whatever runs after it. It runs the later
 * stages (dedupe, your middleware, session, router) and writes their reply as the answer; if they
 * are not done by `replyTimeout` after the request arrived (or a handler called
 * `ctx.wechat.defer()`), it answers `success` at once and lets them finish, then delivers their
 * reply late: to a WeChat retry when `dedupe()` finds one waiting, else per `lateReply`
 * (customer-service message, or logged and dropped).
 *
 * @example
 * ```ts
 * app.use(verify({ token })).use(parse()).use(turn({ replyTimeout: 4500, client }))
 *   .use(session({ storage })).use(router(routes));
 * ```
 */
export function turn(options: TurnOptions = {}): Middleware {
  const replyTimeout = options.replyTimeout ?? DEFAULT_REPLY_TIMEOUT;
  const push = latePusher(options);
  const timed = Number.isFinite(replyTimeout) && replyTimeout > 0;

  return async (ctx, next) => {
    const state = stateOf(ctx, options.logger);
    if (options.finalDeadline !== undefined) state.finalDeadline = options.finalDeadline;
    // Without a deadline of its own, a retry still has to answer before WeChat gives up on it.
    state.replyBy = state.arrivedAt + (timed ? replyTimeout : DEFAULT_REPLY_TIMEOUT);

    const inner = next();
    const inTime = await settledWithin(inner, state, timed ? state.replyBy : undefined);
    if (inTime) {
      await inner; // rethrows what a later stage threw, for errorBoundary()
      if (ctx.body === undefined || ctx.body === null) answer(ctx, settleAnswer(state));
      // WeChat hung up before the answer was ready (no replyTimeout, or a slow stage).
      if (ctx.res.destroyed) void deliverLate(state, push);
      return;
    }

    state.late = true;
    if (!state.deferred) {
      state.logger.warn(
        `zgrobot: no reply to a ${state.message?.type} message within ${replyTimeout} ms; answered success, the turn goes on`,
      );
    }
    answer(ctx, 'success');
    void inner.then(
      () => deliverLate(state, push),
      (error: unknown) =>
        state.logger.error(
          `zgrobot: error after answering a ${state.message?.type} message`,
          error,
        ),
    );
  };
}

/** Whether `inner` settled before `by` (ms since the epoch) and before `defer()` was called. */
async function settledWithin(
  inner: Promise<void>,
  state: PipelineState,
  by: number | undefined,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<false>((resolve) => {
    // `ctx.wechat.defer()` stops the wait at once, even when called before the handlers ran.
    state.onDefer = () => resolve(false);
    if (state.deferred) resolve(false);
    if (by !== undefined) timer = setTimeout(resolve, Math.max(1, by - Date.now()), false);
  });
  try {
    return await Promise.race([
      inner.then(
        () => true,
        () => true,
      ),
      cut,
    ]);
  } finally {
    clearTimeout(timer);
    state.onDefer = undefined;
  }
}

/** Sends the reply of a turn whose answer already went out, unless a retry carried it. */
async function deliverLate(
  state: PipelineState,
  push: ReturnType<typeof latePusher>,
): Promise<void> {
  const { message } = state;
  if (!message || state.borrowed || state.handlerError !== undefined) return;
  const reply = replyOf(state.reply, message, state.logger);
  if (!reply || reply.type === 'success') return;
  if (state.lateGate && !(await state.lateGate())) return;
  await push(reply, message, state.logger);
}

/** Whether a turn stage answers this request, so `router()` need not run one of its own. */
export function turnRunning(ctx: ParameterizedContext): boolean {
  return stateOf(ctx).replyBy !== undefined;
}
