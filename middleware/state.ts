import type { DefaultState, ParameterizedContext } from 'koa';
import type { Logger } from '../src/logger.js';
import type { AnyMessage } from '../src/messages/types.js';
import type { ReplyValue } from '../src/replies/coerce.js';
import type { SessionData } from '../src/session/storage.js';

/**
 * What zgrobot keeps on `ctx.wechat` for one request. Koa's own `ctx.message` is the HTTP status
 * text, so WeChat state lives here.
 */
export interface WechatState<M = AnyMessage, S extends object = SessionData> {
  /** The parsed message or event (set by `parse()`). */
  message: M;
  /**
   * The user's session, a plain object (set by `session()`): what the last turn of this user
   * saved, or the session's `initial()` (`{}` without one) for a new user or with sessions off.
   * Typed by the robot's `S` (`new ZgRoBot<{ count: number }>(…)`).
   */
  session: S;
  /** The reply so far. Handlers return it, or set it here; `render()` turns it into XML. */
  reply: ReplyValue;
  /** For a route added with a RegExp rule: the match of the message text. */
  match: RegExpExecArray | undefined;
  /** Whether the request came encrypted (`encrypt_type=aes`), so the reply is encrypted too. */
  encrypted: boolean;
  /** The message's XML text, decrypted when it came encrypted. */
  xml: string | undefined;
  /** Where the stages log; the pipeline's logger. */
  logger: Logger;
  /** Whether the answer to WeChat went out (`success`) before the reply was ready. */
  late: boolean;
  /** Set when a handler threw; the reply is then `success` and the session is not saved. */
  handlerError: unknown;
  /**
   * Aborted at the final deadline, when WeChat has given up on every try of this message: by
   * default {@link DEFAULT_FINAL_DEADLINE} (14.5 s) after it arrived (tries at about 0, 5 and 10 s,
   * the last answered within `replyTimeout`). Past it, a reply reaches the user only as a
   * customer-service message (`lateReply: 'customer-service'`); pass it to `fetch` and the like
   * to stop work nobody will see.
   *
   * @example
   * ```ts
   * robot.text(async (ctx) => (await fetch(url, { signal: ctx.wechat.signal })).text());
   * ```
   */
  readonly signal: AbortSignal;
  /**
   * Says "I will answer later": the bot answers `success` at once instead of waiting for the
   * reply deadline; what the handler finally returns is sent as a customer-service message when
   * `lateReply` is `'customer-service'`, or logged and dropped.
   *
   * @example
   * ```ts
   * robot.text(async (ctx) => {
   *   ctx.wechat.defer();
   *   return await slowAnswer(ctx.wechat.message.content); // sent with the 客服 API
   * });
   * ```
   */
  defer(): void;
}

/** Milliseconds from a message's arrival until WeChat has given up on all three tries. */
export const DEFAULT_FINAL_DEADLINE = 14_500;

/**
 * A Koa context carrying zgrobot's state: what every handler receives. Closed: it has Koa's own
 * members and `wechat`, and no index signature, so a typo such as `ctx.wechta` does not compile
 * (Koa's default context accepts any name).
 */
export type WechatContext<M = AnyMessage, S extends object = SessionData> = ParameterizedContext<
  DefaultState,
  Record<never, never>
> & {
  wechat: WechatState<M, S>;
};

/** The state while the pipeline runs: stages before `parse()` see no message yet. */
export type PipelineState = Omit<WechatState, 'message'> & {
  message: AnyMessage | undefined;
  /** The request body as read once from the stream (or from an upstream body parser). */
  body: string | undefined;
  /** When the request arrived (`Date.now()`), for the deadlines. */
  arrivedAt: number;
  /** Milliseconds after `arrivedAt` at which `signal` aborts. */
  finalDeadline: number;
  /**
   * Set by the stage that answers WeChat on the turn's clock (`turn()`): when the reply is due,
   * ms since the epoch. A retry waiting for the first try's reply waits until then.
   */
  replyBy: number | undefined;
  /**
   * The answer text once settled (reply XML before encryption, or `success`): rendered once from
   * `reply`, or set by `dedupe()` for a retry.
   */
  answer: string | undefined;
  /** Set by `dedupe()` for a retry: it answers with the first try's reply and delivers nothing late. */
  borrowed: boolean;
  /**
   * Set by `dedupe()`: decides whether a late reply is still to be pushed (no retry took it). It
   * resolves once that is known (after the retry window).
   */
  lateGate: (() => Promise<boolean>) | undefined;
  /** Set by `defer()`. */
  deferred: boolean;
  /** Called by `defer()`; set by the turn to stop waiting for the handlers. */
  onDefer: (() => void) | undefined;
  /** The signal once made (made on first read of `signal`). */
  signalCache: AbortSignal | undefined;
};

type Carrier = { wechat?: PipelineState };

/** The state of this request, created on first use by whichever stage runs first. */
export function stateOf(ctx: ParameterizedContext, logger?: Logger): PipelineState {
  const carrier = ctx as unknown as Carrier;
  let state = carrier.wechat;
  if (state === undefined) {
    const created: PipelineState = {
      message: undefined,
      session: {},
      reply: undefined,
      match: undefined,
      encrypted: false,
      xml: undefined,
      logger: logger ?? console,
      late: false,
      handlerError: undefined,
      body: undefined,
      arrivedAt: Date.now(),
      finalDeadline: DEFAULT_FINAL_DEADLINE,
      replyBy: undefined,
      answer: undefined,
      borrowed: false,
      lateGate: undefined,
      deferred: false,
      onDefer: undefined,
      signalCache: undefined,
      get signal(): AbortSignal {
        created.signalCache ??= AbortSignal.timeout(
          Math.max(0, created.arrivedAt + created.finalDeadline - Date.now()),
        );
        return created.signalCache;
      },
      // An arrow, so `const { defer } = ctx.wechat` works too.
      defer: () => {
        if (created.deferred) return;
        created.deferred = true;
        created.onDefer?.();
      },
    };
    state = created;
    carrier.wechat = state;
  } else if (logger) {
    state.logger = logger;
  }
  return state;
}

/** A single query parameter as a string; repeated or missing parameters are `undefined`. */
export function queryParam(ctx: ParameterizedContext, name: string): string | undefined {
  const value = ctx.query[name];
  return typeof value === 'string' ? value : undefined;
}
