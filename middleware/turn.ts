import { turnFields } from '../src/core/log-fields.js';
import { type Logger, levelEnabled } from '../src/core/logger.js';
import { DEFAULT_REPLY_TIMEOUT } from '../src/core/turn/clock.js';
import { clientGone, type HttpContext, type Stage } from './context.js';
import { type LateReplyOptions, latePusher, typingWhile } from './late-reply.js';
import { answer, replyOf, settleAnswer } from './render.js';
import { type PipelineState, stateOf } from './state.js';

export { DEFAULT_REPLY_TIMEOUT };

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
 * (customer-service message, or logged and dropped). The timing itself is the turn's clock
 * (`src/core/turn/clock.ts`), shared by every stage of the request.
 *
 * @example
 * ```ts
 * app.use(verify({ token })).use(parse()).use(turn({ replyTimeout: 4500, client }))
 *   .use(session({ storage })).use(router(routes));
 * ```
 */
export function turn(options: TurnOptions = {}): Stage {
  const replyTimeout = options.replyTimeout ?? DEFAULT_REPLY_TIMEOUT;
  const push = latePusher(options);
  const track = options.trackTurn ?? (() => {});
  const typing = typingWhile(options);

  /**
   * Answers within the deadline; resolves with the late delivery still to come, if any (in an
   * object: a promise returned as it is would be waited for, and the answer with it).
   */
  const run = async (ctx: HttpContext, next: () => Promise<void>) => {
    const state = stateOf(ctx, options.logger);
    const { clock } = state;
    const logger = options.logger ?? state.logger;
    clock.start({ replyTimeout, finalDeadline: options.finalDeadline });

    const inner = next();
    if (await clock.settledInTime(inner)) {
      await inner; // rethrows what a later stage threw, for errorBoundary()
      if (ctx.body === undefined || ctx.body === null) answer(ctx, settleAnswer(state));
      // WeChat hung up before the answer was ready (no replyTimeout, or a slow stage).
      logDone(state, logger);
      return { late: clientGone(ctx) ? deliverLate(state, push, logger) : undefined };
    }

    clock.late = true;
    if (!clock.deferred) {
      logger.warn(
        { ...turnFields(state.message, clock.arrivedAt), replyTimeout },
        'zgrobot: no reply within the reply timeout; answered success, the turn goes on',
      );
    }
    answer(ctx, 'success');
    const late = typing(
      inner.then(
        async () => {
          await deliverLate(state, push, logger);
          logDone(state, logger);
        },
        (error: unknown) =>
          logger.error(
            { ...turnFields(state.message, clock.arrivedAt), err: error },
            'zgrobot: error after answering',
          ),
      ),
      state.message,
      logger,
      state.account,
    );
    return { late };
  };

  return (ctx, next) => {
    const answered = run(ctx, next);
    // The whole turn, its late delivery included, even when the client hung up mid-way. What
    // the turn threw is errorBoundary()'s, through the promise returned below.
    track(answered.then(lateOf, nothing), turnOf(stateOf(ctx)));
    return answered.then(nothing);
  };
}

// Made once rather than per request: the turn runs on every message.
const lateOf = ({ late }: { late: Promise<void> | undefined }) => late;
const nothing = (): undefined => undefined;

/** The turn's last line (at debug): whose message, how long it took, whether it was late. */
function logDone(state: PipelineState, logger: Logger): void {
  if (!levelEnabled(logger, 'debug')) return;
  const fields: Record<string, unknown> = turnFields(state.message, state.clock.arrivedAt);
  if (state.late) fields.late = true;
  if (state.borrowed) fields.retry = true;
  if (state.handlerError !== undefined) fields.failed = true;
  logger.debug(fields, 'zgrobot: turn done');
}

/** Sends the reply of a turn whose answer already went out, unless a retry carried it. */
async function deliverLate(
  state: PipelineState,
  push: ReturnType<typeof latePusher>,
  logger: Logger,
): Promise<void> {
  const { message } = state;
  if (!message || state.borrowed || state.handlerError !== undefined) return;
  const reply = replyOf(state.reply, message, logger);
  if (!reply || reply.type === 'success') return;
  if (state.lateGate && !(await state.lateGate())) return;
  await push(reply, message, logger, state.account);
}

/** Names a turn for a shutdown's log, should it give up on it. */
function turnOf({ message }: PipelineState): string {
  return message
    ? `the late reply to a ${message.type} message from ${message.source}`
    : 'the late reply to a message';
}

/** Whether a turn stage answers this request, so `router()` need not run one of its own. */
export function turnRunning(ctx: HttpContext): boolean {
  return stateOf(ctx).clock.replyBy !== undefined;
}
