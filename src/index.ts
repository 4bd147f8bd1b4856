/**
 * zgrobot: WeChat Official Account (微信公众号) servers as a Koa middleware pipeline.
 *
 * @example
 * ```ts
 * import { ZgRoBot } from 'zgrobot';
 *
 * const robot = new ZgRoBot({ token: 'tokenhere' });
 * robot.handler(() => 'Hello World!');
 * await robot.run();
 * ```
 * @module
 */

export {
  type BodyOptions,
  body,
  DEFAULT_BODY_LIMIT,
  DEFAULT_BODY_TIMEOUT,
} from '../middleware/body.js';
export { type DecryptOptions, decrypt } from '../middleware/decrypt.js';
export {
  DEFAULT_DEDUPE_WINDOW,
  DEFAULT_RETRY_WINDOW,
  type DedupeOptions,
  dedupe,
  dedupeKey,
  MIN_DEDUPE_WINDOW,
} from '../middleware/dedupe.js';
export { type EncryptOptions, encrypt } from '../middleware/encrypt.js';
export { errorBoundary } from '../middleware/error-boundary.js';
export { defaultErrorPage, type ErrorPage, escapeHtml } from '../middleware/error-page.js';
export {
  type CustomerServiceClient,
  type LateReplyMode,
  type LateReplyOptions,
  type SendLateReply,
  sendAsCustomerMessage,
} from '../middleware/late-reply.js';
export { type ParseOptions, parse } from '../middleware/parse.js';
export { type PipelineConfig, pipeline } from '../middleware/pipeline.js';
export { render } from '../middleware/render.js';
export { type RouterOptions, router } from '../middleware/router.js';
export { type FilterRule, type Handler, type RouteMethods, Router } from '../middleware/routes.js';
export { defaultSessionKey, type SessionOptions, session } from '../middleware/session.js';
export {
  DEFAULT_FINAL_DEADLINE,
  type WechatContext,
  type WechatState,
} from '../middleware/state.js';
export { DEFAULT_REPLY_TIMEOUT, type TurnOptions, turn } from '../middleware/turn.js';
export { type VerifyOptions, verify } from '../middleware/verify.js';
export * from './client/index.js';
export { Config, type ConfigInput, type ConfigValues, DEFAULT_CONFIG } from './config.js';
export * from './crypto/index.js';
export * from './dedupe/index.js';
export * from './errors.js';
export { enablePrettyLogging, type Logger, type LogLevel, silentLogger } from './logger.js';
export * from './messages/index.js';
export * from './replies/index.js';
export { type RunOptions, ZgRoBot, type ZgRoBotOptions } from './robot.js';
export * from './security/index.js';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server.js';
export * from './session/index.js';
