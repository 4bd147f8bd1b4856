/**
 * zgrobot: WeChat Official Account (微信公众号) servers as a Koa middleware pipeline.
 *
 * The root holds what a bot author uses: the robot, routing, replies, message types, storages,
 * the API client and the errors. The pipeline's stages are in `zgrobot/middleware`; every message
 * and event type in `zgrobot/messages`; the client's request and result types in `zgrobot/client`;
 * the storages' options in `zgrobot/session`; the test client in `zgrobot/testing`.
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
export type { ErrorPage } from '../middleware/error-page.js';
export type { LateReplyMode } from '../middleware/late-reply.js';
export { type FilterRule, type Handler, Router } from '../middleware/routes.js';
export type { WechatContext, WechatState } from '../middleware/state.js';
export { Client } from './client/client.js';
export type { ClientOptions } from './client/core.js';
export {
  WeChatApiError,
  WeChatNetworkError,
  WeChatResponseError,
  WeChatResponseTooLargeError,
  WeChatTimeoutError,
} from './client/errors.js';
export { RedisTokenStore } from './client/redis-token-store.js';
export { MemoryTokenStore, type TokenStore } from './client/token-store.js';
export { Config, type ConfigValues } from './config.js';
export { generateToken } from './crypto/token.js';
export { MemoryDedupeStore } from './dedupe/memory.js';
export { RedisDedupeStore } from './dedupe/redis.js';
export type { DedupeStore } from './dedupe/store.js';
export {
  DecryptError,
  InvalidEncodingAESKeyError,
  PipelineError,
  ReplyTimeoutError,
  SignatureError,
  WechatError,
  XmlParseError,
} from './errors.js';
export { enablePrettyLogging, type Logger, type LogLevel, silentLogger } from './logger.js';
export type { MessageType } from './messages/kinds.js';
export type { AnyMessage, Event, Message, MessageOf, TextMessage } from './messages/types.js';
export type { ReplyValue } from './replies/coerce.js';
export {
  Article,
  ArticlesReply,
  ImageReply,
  MusicReply,
  type Reply,
  SuccessReply,
  TextReply,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
} from './replies/replies.js';
export {
  type RobotMiddleware,
  type RobotSessionOptions,
  type RunOptions,
  type SignedBody,
  ZgRoBot,
  type ZgRoBotOptions,
} from './robot.js';
export type { EncryptMode } from './security/encrypt-mode.js';
export { MemoryNonceStore, type NonceStore } from './security/nonce-store.js';
export { RedisNonceStore } from './security/redis-nonce-store.js';
export { FileStorage } from './session/file.js';
export { MemoryStorage } from './session/memory.js';
export { MongoDBStorage } from './session/mongodb.js';
export { MySQLStorage } from './session/mysql.js';
export { PostgreSQLStorage } from './session/postgresql.js';
export { RedisStorage } from './session/redis.js';
export { SQLiteStorage } from './session/sqlite.js';
export type { SessionData, SessionStorage } from './session/storage.js';
