/**
 * WeChat's request signatures and message encryption (PROTOCOL.md §1–2), on Node's own `crypto`.
 *
 * @example
 * ```ts
 * import { checkSignature, MessageCrypt, generateToken } from './crypto/index.js';
 * ```
 * @module
 */
export {
  type EncryptedMessageParams,
  type EncryptReplyOptions,
  MessageCrypt,
  type MessageCryptOptions,
} from './message-crypt.js';
export {
  checkMsgSignature,
  checkSignature,
  computeSignature,
  type MsgSignatureParams,
  type SignatureParams,
} from './signature.js';
export { generateToken } from './token.js';
