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

export type {
  AccountKeyKind,
  AccountLookup,
  AccountResolver,
  AccountsOptions,
  ComponentAccountsOptions,
} from '../middleware/account.js';
export type { HttpContext } from '../middleware/context.js';
export type { ErrorPage } from '../middleware/error-page.js';
export type { LateReplyMode } from '../middleware/late-reply.js';
export { type FilterRule, type Handler, Router } from '../middleware/routes.js';
export type { WechatContext, WechatState } from '../middleware/state.js';
export { Config, type ConfigValues } from './config.js';
export {
  Account,
  type AccountComponent,
  type AccountConfig,
  type AuthorizedAccount,
  type DirectAccount,
  type DirectClientFactory,
} from './core/accounts/account.js';
export {
  AccountRegistry,
  type AccountRegistryOptions,
  DEFAULT_MAX_CLIENTS,
} from './core/accounts/registry.js';
export { Client } from './core/client/client.js';
export type {
  AccessTokenResult,
  ClientBaseOptions,
  ClientOptions,
} from './core/client/core.js';
export {
  WeChatApiError,
  WeChatNetworkError,
  WeChatResponseError,
  WeChatResponseTooLargeError,
  WeChatTimeoutError,
} from './core/client/errors.js';
export { RedisTokenStore } from './core/client/redis-token-store.js';
export { MemoryTokenStore, type TokenStore } from './core/client/token-store.js';
export { enablePrettyLogging } from './core/console-logger.js';
export { type Decrypted, KeyRing, type KeyRingOptions } from './core/crypto/key-ring.js';
export {
  type EncryptedMessageParams,
  MessageCrypt,
  type MessageCryptOptions,
} from './core/crypto/message-crypt.js';
export { generateToken } from './core/crypto/token.js';
export { MemoryDedupeStore } from './core/dedupe/memory.js';
export { RedisDedupeStore } from './core/dedupe/redis.js';
export type { DedupeStore } from './core/dedupe/store.js';
export {
  DecryptError,
  InvalidEncodingAESKeyError,
  PipelineError,
  ReplyTimeoutError,
  SignatureError,
  WechatError,
  XmlParseError,
} from './core/errors.js';
export type { Logger, LogLevel } from './core/logger.js';
export { silentLogger } from './core/logger.js';
export type { MessageType } from './core/messages/kinds.js';
export type { AnyMessage, Event, Message, MessageOf, TextMessage } from './core/messages/types.js';
export type { ReplyValue } from './core/replies/coerce.js';
export type { Reply } from './core/replies/kinds.js';
export {
  Article,
  ArticlesReply,
  ImageReply,
  MusicReply,
  SuccessReply,
  TextReply,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
} from './core/replies/replies.js';
export type { EncryptMode } from './core/security/encrypt-mode.js';
export { MemoryNonceStore, type NonceStore } from './core/security/nonce-store.js';
export { RedisNonceStore } from './core/security/redis-nonce-store.js';
export { FileStorage } from './core/session/file.js';
export { MemoryStorage } from './core/session/memory.js';
export { MongoDBStorage } from './core/session/mongodb.js';
export { MySQLStorage } from './core/session/mysql.js';
export { PostgreSQLStorage } from './core/session/postgresql.js';
export { RedisStorage } from './core/session/redis.js';
export { SQLiteStorage } from './core/session/sqlite.js';
export type { SessionData, SessionStorage } from './core/session/storage.js';
export type { FetchRequestInfo } from './fetch.js';
export {
  type RobotMiddleware,
  type RobotSessionOptions,
  type RunOptions,
  type SignedBody,
  ZgRoBot,
  type ZgRoBotOptions,
} from './robot.js';
