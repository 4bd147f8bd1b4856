import type { ParameterizedContext } from 'koa';
import type { Logger } from '../src/logger.js';
import type { AnyMessage } from '../src/messages/types.js';
import type { ReplyValue } from '../src/replies/coerce.js';
import type { SessionData } from '../src/session/storage.js';

/**
 * What zgrobot keeps on `ctx.wechat` for one request. Koa's own `ctx.message` is the HTTP status
 * text, so WeChat state lives here.
 */
export interface WechatState<M = AnyMessage> {
  /** The parsed message or event (set by `parse()`). */
  message: M;
  /** The user's session, a plain object (set by `session()`; `{}` when sessions are off). */
  session: SessionData;
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
   * Set when the handlers were still running at the reply deadline: resolves with their late reply
   * (or `undefined`). The answer to WeChat was already `success`.
   */
  late: Promise<ReplyValue> | undefined;
  /** Set when a handler threw; the reply is then `success` and the session is not saved. */
  handlerError: unknown;
}

/** A Koa context carrying zgrobot's state: what every handler receives. */
export type WechatContext<M = AnyMessage> = ParameterizedContext & {
  wechat: WechatState<M>;
};

/** The state while the pipeline runs: stages before `parse()` see no message yet. */
export type PipelineState = Omit<WechatState, 'message'> & {
  message: AnyMessage | undefined;
  /** The request body as read once from the stream (or from an upstream body parser). */
  body: string | undefined;
  /** Set by `render()` so `router()` knows not to render on its own. */
  renderInstalled: boolean;
};

type Carrier = { wechat?: PipelineState };

/** The state of this request, created on first use by whichever stage runs first. */
export function stateOf(ctx: ParameterizedContext, logger?: Logger): PipelineState {
  const carrier = ctx as unknown as Carrier;
  let state = carrier.wechat;
  if (state === undefined) {
    state = {
      message: undefined,
      session: {},
      reply: undefined,
      match: undefined,
      encrypted: false,
      xml: undefined,
      logger: logger ?? console,
      late: undefined,
      handlerError: undefined,
      body: undefined,
      renderInstalled: false,
    };
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
