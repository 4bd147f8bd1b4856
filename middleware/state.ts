import type { Account } from '../src/core/accounts/account.js';
import type { Client } from '../src/core/client/client.js';
import { defaultLogger } from '../src/core/console-logger.js';
import type { MessageCrypt } from '../src/core/crypto/message-crypt.js';
import { PipelineError } from '../src/core/errors.js';
import type { Logger } from '../src/core/logger.js';
import type { AnyMessage } from '../src/core/messages/types.js';
import type { ReplyValue } from '../src/core/replies/coerce.js';
import type { SessionData } from '../src/core/session/storage.js';
import { TurnClock } from '../src/core/turn/clock.js';
import type { HttpContext } from './context.js';

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
  /**
   * The account this request is for: with `accounts`, the one found for it (branch on
   * `account.appId`, or your own `account.config.data`); else the pipeline's single account.
   */
  readonly account: Account;
  /**
   * The API client of this request's account: with `accounts`, made once per account and reused
   * (an authorizer's acts with its authorizer token); else the robot's `client`.
   *
   * @throws {PipelineError} when the account has no AppSecret (nor a component).
   * @example
   * ```ts
   * robot.text(async (ctx) => {
   *   await ctx.wechat.client.sendText(ctx.wechat.message.source, '收到');
   * });
   * ```
   */
  readonly client: Client;
  /** Whether the answer to WeChat went out (`success`) before the reply was ready. */
  readonly late: boolean;
  /** Set when a handler threw; the reply is then `success` and the session is not saved. */
  handlerError: unknown;
  /**
   * Aborted at the final deadline, when WeChat has given up on every try of this message: by
   * default 14.5 s after it arrived (tries at about 0, 5 and 10 s,
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

/**
 * What every handler receives: the request's {@link HttpContext} (the same under Koa, Express,
 * Fastify, `node:http` and the fetch adapter) carrying zgrobot's state in `wechat`. Closed: no
 * index signature, so a typo such as `ctx.wechta` does not compile. Under Koa (`robot.koa()`,
 * `robot.middleware()`) the object is Koa's own context; reach its other members with
 * `ctx as unknown as Koa.Context` if you must. `robot.callback()` and `robot.run()` run without Koa.
 */
export type WechatContext<M = AnyMessage, S extends object = SessionData> = HttpContext & {
  wechat: WechatState<M, S>;
};

/**
 * Your own step in a pipeline, between parsing and the session (`robot.use(mw)`, `pipeline({
 * middleware })`): it sees the parsed message. Set `ctx.wechat.reply` and skip `next()` to answer
 * without the handlers (a rate limiter), or await `next()` and look at the reply after.
 */
export type WechatMiddleware<S extends object = SessionData> = (
  ctx: WechatContext<AnyMessage, S>,
  next: () => Promise<void>,
) => unknown;

/** The state while the pipeline runs: stages before `parse()` see no message yet. */
export type PipelineState = Omit<WechatState, 'message' | 'account'> & {
  message: AnyMessage | undefined;
  /** The request's account, once `resolveAccount()` or `verify()` set it. */
  account: Account | undefined;
  /** The crypt the message was decrypted with: its reply is encrypted with the same key. */
  crypt: MessageCrypt | undefined;
  /** The request body as read once from the stream (or from an upstream body parser). */
  body: string | undefined;
  /** The SHA-1 (hex) of `body`, when the replay check computed it: reused for the dedupe key. */
  bodyDigest: string | undefined;
  /** The turn's clock: arrival, the reply deadline, `defer()`, the final deadline. */
  clock: TurnClock;
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
};

type Carrier = { wechat?: PipelineState };

/** The state of one request: a class, so its accessors live on the prototype, not on each. */
class RequestState implements PipelineState {
  message: AnyMessage | undefined = undefined;
  session: SessionData = {};
  reply: ReplyValue = undefined;
  match: RegExpExecArray | undefined = undefined;
  encrypted = false;
  xml: string | undefined = undefined;
  logger: Logger;
  handlerError: unknown = undefined;
  body: string | undefined = undefined;
  bodyDigest: string | undefined = undefined;
  readonly clock = new TurnClock();
  answer: string | undefined = undefined;
  borrowed = false;
  lateGate: (() => Promise<boolean>) | undefined = undefined;
  account: Account | undefined = undefined;
  crypt: MessageCrypt | undefined = undefined;
  // The clock's arrow, so `const { defer } = ctx.wechat` works too.
  readonly defer: () => void = this.clock.defer;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  get late(): boolean {
    return this.clock.late;
  }

  get signal(): AbortSignal {
    return this.clock.signal;
  }

  get client(): Client {
    if (!this.account)
      throw new PipelineError('ctx.wechat.client needs pipeline() (or resolveAccount())');
    return this.account.client;
  }
}

/**
 * The state of this request, created by whichever stage runs first: its `logger` is the one that
 * stage was given (later stages never replace it), its clock starts then.
 */
export function stateOf(ctx: HttpContext, logger?: Logger): PipelineState {
  const carrier = ctx as unknown as Carrier;
  const existing = carrier.wechat;
  if (existing !== undefined) return existing;
  const created = new RequestState(logger ?? defaultLogger());
  carrier.wechat = created;
  return created;
}

/** A single query parameter as a string; repeated or missing parameters are `undefined`. */
export function queryParam(ctx: HttpContext, name: string): string | undefined {
  const value = ctx.query[name];
  return typeof value === 'string' ? value : undefined;
}
