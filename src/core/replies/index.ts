export {
  type ArticleTuple,
  coerceReply,
  isReply,
  type MusicTuple,
  type ReplyValue,
} from './coerce.js';
export {
  REPLY_KINDS,
  REPLY_TYPES,
  type ReplyKind,
  type ReplyKinds,
  type ReplyType,
  type XmlReplyType,
} from './kinds.js';
export { renderReply } from './render.js';
export * from './replies.js';
export { cdata } from './xml.js';
