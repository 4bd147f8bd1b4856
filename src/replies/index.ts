export {
  type ArticleTuple,
  coerceReply,
  isReply,
  type MusicTuple,
  type ReplyValue,
} from './coerce.js';
export { renderReply } from './render.js';
export * from './replies.js';
export { cdata } from './xml.js';
