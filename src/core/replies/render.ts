import type { Reply } from './kinds.js';
import { replyKindOf } from './kinds.js';
import { cdata, element } from './xml.js';

/**
 * The text a reply becomes on the wire: reply XML, or `success`.
 *
 * @example
 * ```ts
 * renderReply(new TextReply({ message, content: 'Hello!' })); // '<xml>…<Content>…</xml>'
 * ```
 */
export function renderReply(reply: Reply): string {
  const { body } = replyKindOf(reply);
  if (!body) return 'success';
  // `SuccessReply` has no addressing; every kind with a body has.
  const { source, target, time } = reply as Exclude<Reply, { type: 'success' }>;
  const head =
    `<xml>${element('ToUserName', target)}${element('FromUserName', source)}` +
    `<CreateTime>${Math.trunc(time)}</CreateTime><MsgType>${cdata(reply.type)}</MsgType>`;
  return `${head}${body(reply)}</xml>`;
}
