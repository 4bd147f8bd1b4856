import type { Middleware } from 'koa';
import compose from 'koa-compose';
import { MessageCrypt } from '../src/crypto/message-crypt.js';
import type { Logger } from '../src/logger.js';
import type { AnyMessage } from '../src/messages/types.js';
import type { SessionStorage } from '../src/session/storage.js';
import { body } from './body.js';
import { decrypt } from './decrypt.js';
import { type DedupeOptions, dedupe } from './dedupe.js';
import { encrypt } from './encrypt.js';
import { errorBoundary } from './error-boundary.js';
import type { ErrorPage } from './error-page.js';
import {
  type CustomerServiceClient,
  type LateReplyMode,
  lateReply,
  type SendLateReply,
} from './late-reply.js';
import { parse } from './parse.js';
import { render } from './render.js';
import { router } from './router.js';
import type { Router } from './routes.js';
import { session } from './session.js';
import { verify } from './verify.js';

/** Everything {@link pipeline} needs. */
export interface PipelineConfig {
  /** The token set in the WeChat admin console. */
  token: string;
  /** The routes to run. */
  routes: Router;
  /** AppID; with `encodingAESKey`, turns on safe mode (encrypted messages). */
  appId?: string;
  /** The 43-character EncodingAESKey; checked here, not on the first message. */
  encodingAESKey?: string;
  /** Where sessions live; `false` or absent turns sessions off. */
  sessionStorage?: SessionStorage | false;
  /** The session key of a message (default `account:user`). */
  getSessionKey?: (message: AnyMessage) => string;
  /** Handler deadline in ms before answering `success` (default 4500). */
  replyTimeout?: number;
  /** Largest body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Milliseconds a request body may take to arrive (default 10 000); past it, 408 and the
   * connection is dropped: a guard against slow clients in servers that are not `robot.run()`'s.
   */
  bodyTimeout?: number;
  /** The page answered on a bad signature. */
  errorPage?: ErrorPage;
  /** Your own middleware, run after the message is parsed and before the session loads. */
  middleware?: Middleware[];
  /**
   * Retry dedup (on by default, with a memory store): each message is handled once however often
   * WeChat sends it. `false` turns it off; `{ store }` picks the store (a `RedisDedupeStore` when
   * several instances serve one account), `window` how long messages are remembered (ms, ≥ 20 000).
   */
  dedupe?:
    | false
    | Pick<DedupeOptions, 'store' | 'window' | 'retryWindow' | 'storeTimeout' | 'getKey'>;
  /**
   * What to do with a reply the handlers produce after the bot answered `success` (past
   * `replyTimeout` or after `ctx.wechat.defer()`) when no WeChat retry took it. Default:
   * `'customer-service'` when `client` or `sendLateReply` is given, else `'drop'` (logged).
   */
  lateReply?: LateReplyMode;
  /** The API client late replies are sent with (its 客服 message methods). */
  client?: CustomerServiceClient;
  /** Sends a late reply your own way; wins over `client`. */
  sendLateReply?: SendLateReply;
  /** Milliseconds from arrival until `ctx.wechat.signal` aborts (default 14 500). */
  finalDeadline?: number;
  logger?: Logger;
}

/**
 * All stages in the right order, as one Koa middleware:
 * errorBoundary → verify → encrypt → body → decrypt → parse → dedupe → (yours) → session → render
 * → router.
 *
 * @throws {InvalidEncodingAESKeyError} at once for a malformed EncodingAESKey.
 *
 * @example
 * ```ts
 * const routes = new Router().text((ctx) => ctx.wechat.message.content);
 * new Koa().use(pipeline({ token: 'tokenhere', routes })).listen(8888);
 * ```
 */
export function pipeline(config: PipelineConfig): Middleware {
  const { logger, bodyLimit, bodyTimeout } = config;
  const crypt = config.encodingAESKey
    ? new MessageCrypt({
        token: config.token,
        encodingAESKey: config.encodingAESKey,
        appId: config.appId ?? '',
      })
    : undefined;
  const stages: Middleware[] = [
    errorBoundary({ logger }),
    verify({ token: config.token, errorPage: config.errorPage, logger }),
    encrypt({ crypt }),
    body({ bodyLimit, bodyTimeout }),
    decrypt({ crypt, bodyLimit, logger, token: config.token }),
    parse({ bodyLimit, bodyTimeout, logger }),
  ];
  const late = {
    mode: config.lateReply,
    client: config.client,
    send: config.sendLateReply,
    finalDeadline: config.finalDeadline,
    logger,
  };
  if (config.dedupe === false) stages.push(lateReply(late));
  else stages.push(dedupe({ ...late, ...config.dedupe, replyTimeout: config.replyTimeout }));
  stages.push(...(config.middleware ?? []));
  if (config.sessionStorage) {
    stages.push(
      session({ storage: config.sessionStorage, getSessionKey: config.getSessionKey, logger }),
    );
  }
  stages.push(
    render(),
    router(config.routes, { replyTimeout: config.replyTimeout, bodyLimit, logger }),
  );
  return compose(stages);
}
