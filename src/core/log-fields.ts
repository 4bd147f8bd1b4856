import type { AnyMessage } from './messages/types.js';

/**
 * The fields zgrobot puts on every log line about a message, named the same on every line so a
 * log search finds all of one user's or one message's lines.
 *
 * 关于一条消息的每行日志都带这些字段，名字处处相同，便于按用户或按消息检索。
 */
export interface MessageLogFields {
  /** `ToUserName`: the official account's id (`gh_…`). */
  account: string;
  /** `FromUserName`: the user's OpenID. */
  openid: string;
  /** zgrobot's kind of the message: `'text'`, `'subscribe_event'`, … */
  msgType: string;
  /** `MsgId` (`MsgID` of an event), when the message has one. */
  msgId?: string;
}

/** {@link MessageLogFields} and how long the turn had run when the line was written. */
export interface TurnLogFields extends MessageLogFields {
  /** Milliseconds since the request arrived. */
  duration: number;
}

/**
 * The log fields of `message`; none before the message is parsed.
 *
 * @example
 * ```ts
 * logger.warn({ ...messageFields(message), err }, 'zgrobot: …');
 * ```
 */
export function messageFields(message: AnyMessage | undefined): Partial<MessageLogFields> {
  if (!message) return {};
  const fields: MessageLogFields = {
    account: message.target,
    openid: message.source,
    msgType: message.type,
  };
  if (message.messageId) fields.msgId = message.messageId;
  return fields;
}

/**
 * The log fields of a turn: its message's and `duration`, the milliseconds since `arrivedAt`.
 *
 * @example
 * ```ts
 * logger.error({ ...turnFields(message, clock.arrivedAt), err }, 'zgrobot: a handler threw');
 * ```
 */
export function turnFields(
  message: AnyMessage | undefined,
  arrivedAt: number,
  now = Date.now(),
): Partial<TurnLogFields> {
  return { ...messageFields(message), duration: now - arrivedAt };
}
