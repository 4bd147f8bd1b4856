/**
 * The pipeline's stages, for composing your own (`zgrobot/middleware`); each is a Koa middleware and runs
 * as well on any `HttpContext` (the fetch adapter's, `robot.callback()`'s):
 * errorBoundary → (resolveAccount, with `accounts`) → verify → encrypt → body → decrypt → parse → turn → dedupe → (yours) → session
 * → render → router. `pipeline()` composes them all.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { Router } from 'zgrobot';
 * import { parse, router, turn, verify } from 'zgrobot/middleware';
 *
 * new Koa().use(verify({ token })).use(parse()).use(turn()).use(router(new Router())).listen(8888);
 * ```
 * @module
 */

export type {
  Account,
  AccountConfig,
  AuthorizedAccount,
  DirectAccount,
  DirectClientFactory,
} from '../src/core/accounts/account.js';
export type { AccountRegistry, AccountRegistryOptions } from '../src/core/accounts/registry.js';
export {
  type Decrypted,
  KeyRing,
  type KeyRingOptions,
} from '../src/core/crypto/key-ring.js';
export {
  type EncryptedMessageParams,
  MessageCrypt,
  type MessageCryptOptions,
} from '../src/core/crypto/message-crypt.js';
export {
  checkMsgSignature,
  checkSignature,
  computeSignature,
} from '../src/core/crypto/signature.js';
export { DEFAULT_DEDUPE_WINDOW, MIN_DEDUPE_WINDOW } from '../src/core/dedupe/deduper.js';
export { DEFAULT_TIMESTAMP_WINDOW } from '../src/core/security/timestamp.js';
export {
  DEFAULT_FINAL_DEADLINE,
  DEFAULT_REPLY_TIMEOUT,
  DEFAULT_RETRY_WINDOW,
  TurnClock,
} from '../src/core/turn/clock.js';
export { PendingTurns, type TrackTurn } from '../src/core/turn/pending-turns.js';
export {
  type AccountKeyKind,
  type AccountLookup,
  type AccountResolver,
  type AccountsOptions,
  type ComponentAccountsOptions,
  type ResolveAccountOptions,
  resolveAccount,
} from './account.js';
export { type BodyOptions, body, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT } from './body.js';
export type { Exchange, HttpContext, Stage } from './context.js';
export { type DecryptOptions, decrypt } from './decrypt.js';
export { type DedupeOptions, dedupe, dedupeKey } from './dedupe.js';
export { type EncryptOptions, encrypt } from './encrypt.js';
export { errorBoundary } from './error-boundary.js';
export { defaultErrorPage, type ErrorPage } from './error-page.js';
export {
  type CustomerServiceClient,
  type LateReplyMode,
  type LateReplyOptions,
  type SendLateReply,
  sendAsCustomerMessage,
} from './late-reply.js';
export { type ParseOptions, parse } from './parse.js';
export { type PipelineConfig, pipeline } from './pipeline.js';
export { render } from './render.js';
export { type RouterOptions, router } from './router.js';
export { type FilterRule, type Handler, type RouteMethods, Router } from './routes.js';
export { defaultSessionKey, type SessionOptions, session } from './session.js';
export type { WechatContext, WechatMiddleware, WechatState } from './state.js';
export { type TurnOptions, turn } from './turn.js';
export { type VerifyOptions, verify } from './verify.js';
