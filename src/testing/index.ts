/**
 * `zgrobot/testing`: unit-test a bot the way WeChat talks to it. {@link createTestClient} sends
 * signed (and, with a key, encrypted) messages through the bot's whole pipeline in memory and
 * returns the typed reply; the builders below are what it and the `zgrobot` CLI are made of.
 *
 * @example
 * ```ts
 * import { createTestClient } from 'zgrobot/testing';
 *
 * const t = createTestClient(robot, { token: 'tokenhere' });
 * expect(await t.text('hi')).toMatchObject({ type: 'text', content: 'Hello World!' });
 * ```
 * @module
 */
export {
  type DispatchRequest,
  type DispatchResponse,
  dispatch,
  type NodeHandler,
} from '../dispatch.js';
export {
  buildMessageRequest,
  buildVerifyRequest,
  cryptFor,
  type MessageRequestOptions,
  requestUrl,
  type SigningOptions,
  signedQuery,
  type WechatCredentials,
  type WechatRequest,
} from '../wechat-request.js';
export {
  createTestClient,
  type EventKindOf,
  type EventName,
  type KindHelpers,
  type TestClient,
  type TestClientOptions,
} from './client.js';
export { BotUnreachableError, InvalidReplyError, UnexpectedStatusError } from './errors.js';
export {
  buildMessageXml,
  type MessageEnvelope,
  type MessageFields,
  type MessageInput,
  nextMessageId,
} from './message-xml.js';
export {
  type OpenedReply,
  type OpenReplyOptions,
  openReply,
  type ParsedArticle,
  type ParsedArticlesReply,
  type ParsedImageReply,
  type ParsedMusicReply,
  type ParsedReply,
  type ParsedReplyBase,
  type ParsedSuccessReply,
  type ParsedTextReply,
  type ParsedTransferReply,
  type ParsedVideoReply,
  type ParsedVoiceReply,
  parseReply,
} from './reply.js';
export {
  type BotResponse,
  type BotTarget,
  type FetchTarget,
  fetchTransport,
  httpTransport,
  inProcessTransport,
  type Transport,
  transportFor,
} from './transport.js';
